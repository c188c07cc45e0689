-- Every table row with its department, year and identities; amounts scaled to 万元.
with docs as (
    select * from {{ ref('int_documents') }}
),

rows as (
    select
        r.*,
        d.department_id,
        d.department_name_current as department_name,
        d.department_name_published,
        d.budget_year,
        -- the department's own unit (…（本级）) keeps its identity when the department is renamed
        case
            when r.unit_name like '%（本级）' or r.unit_name like '%(本级)' then '本级'
            else r.unit_name
        end as unit_key
    from {{ ref('stg_funding_rows') }} as r
    join docs as d using (document_key)
    -- the project tables' rows; a department table's row is int_department_rows
    where r.table_kind = 'project'
)

select
    document_key,
    row_number,
    row_type,
    department_id,
    department_name,
    budget_year,
    unit_name,
    unit_key,
    case when unit_key is not null then {{ surrogate_key(["department_id", "unit_key"]) }} end as unit_id,
    project_name,
    project_code,
    implementing_unit,
    supervising_department,
    department_name_published,
    cast(total * to_wan_yuan as decimal(22, 6)) as total_wan,
    cast(fiscal_appropriation * to_wan_yuan as decimal(22, 6)) as fiscal_appropriation_wan,
    cast(fiscal_special_account * to_wan_yuan as decimal(22, 6)) as fiscal_special_account_wan,
    cast(other_funds * to_wan_yuan as decimal(22, 6)) as other_funds_wan,
    cast(general_public_budget * to_wan_yuan as decimal(22, 6)) as general_public_budget_wan,
    cast(government_fund * to_wan_yuan as decimal(22, 6)) as government_fund_wan,
    cast(state_capital_budget * to_wan_yuan as decimal(22, 6)) as state_capital_budget_wan,
    cast(prior_year_carryover * to_wan_yuan as decimal(22, 6)) as prior_year_carryover_wan,
    total as total_printed,
    currency_unit,
    disclosed,
    goal,
    long_term_goal,
    indicators_raw,
    page
from rows
