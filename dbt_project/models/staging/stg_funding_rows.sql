-- The rows of each table, typed; amounts in the table's own currency unit.
select
    document_key,
    row_number,
    row_type,
    nullif(trim(unit), '') as unit_name,
    nullif(trim(project), '') as project_name,
    cast(total as decimal(20, 2)) as total,
    cast(fiscal_appropriation as decimal(20, 2)) as fiscal_appropriation,
    cast(fiscal_special_account as decimal(20, 2)) as fiscal_special_account,
    cast(other_funds as decimal(20, 2)) as other_funds,
    cast(general_public_budget as decimal(20, 2)) as general_public_budget,
    cast(government_fund as decimal(20, 2)) as government_fund,
    cast(prior_year_carryover as decimal(20, 2)) as prior_year_carryover,
    goal,
    indicators_raw,
    disclosed,
    page,
    cast(warnings as json) as warnings
from {{ source('jixiao_raw', 'raw_funding_rows') }}
