-- Funding of each project in each year (万元): 总计 and each funding source.
select
    {{ surrogate_key(["project_id", "budget_year"]) }} as funding_id,
    project_id,
    unit_id,
    department_id,
    document_key,
    budget_year,
    project_name,
    total_wan,
    fiscal_appropriation_wan,
    fiscal_special_account_wan,
    other_funds_wan,
    general_public_budget_wan,
    government_fund_wan,
    prior_year_carryover_wan,
    total_printed,
    currency_unit,
    disclosed,
    goal,
    page
from {{ ref('int_projects') }}
