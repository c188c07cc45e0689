-- The rows of each table, typed; amounts in the table's own currency unit, with the
-- precision printed (北京 prints six decimals).
select
    document_key,
    row_number,
    table_number,
    coalesce(table_kind, 'project') as table_kind,
    currency_unit,
    -- the table's amounts in 万元 (a document's tables may print different units)
    case currency_unit when '元' then 0.0001 when '千元' then 0.1 when '亿元' then 10000 else 1 end as to_wan_yuan,
    row_type,
    nullif(trim(unit), '') as unit_name,
    nullif(trim(project), '') as project_name,
    nullif(trim(project_code), '') as project_code,
    cast(total as decimal(24, 6)) as total,
    cast(fiscal_appropriation as decimal(24, 6)) as fiscal_appropriation,
    cast(fiscal_special_account as decimal(24, 6)) as fiscal_special_account,
    cast(other_funds as decimal(24, 6)) as other_funds,
    cast(general_public_budget as decimal(24, 6)) as general_public_budget,
    cast(government_fund as decimal(24, 6)) as government_fund,
    cast(state_capital_budget as decimal(24, 6)) as state_capital_budget,
    cast(prior_year_carryover as decimal(24, 6)) as prior_year_carryover,
    cast(basic_expenditure as decimal(24, 6)) as basic_expenditure,
    cast(project_expenditure as decimal(24, 6)) as project_expenditure,
    goal,
    long_term_goal,
    indicators_raw,
    nullif(trim(implementing_unit), '') as implementing_unit,
    nullif(trim(supervising_department), '') as supervising_department,
    disclosed,
    page,
    cast(warnings as json) as warnings
from {{ source('jixiao_raw', 'raw_funding_rows') }}
