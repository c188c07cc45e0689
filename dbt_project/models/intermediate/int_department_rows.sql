-- The department table of each document (部门整体支出绩效目标表): its one row — the
-- department's overall amounts (万元) and goal — with the department's identity and year.
select
    r.document_key,
    r.row_number,
    d.department_id,
    d.budget_year,
    cast(r.total * r.to_wan_yuan as decimal(22, 6)) as total_wan,
    cast(r.fiscal_appropriation * r.to_wan_yuan as decimal(22, 6)) as fiscal_appropriation_wan,
    cast(r.fiscal_special_account * r.to_wan_yuan as decimal(22, 6)) as fiscal_special_account_wan,
    cast(r.other_funds * r.to_wan_yuan as decimal(22, 6)) as other_funds_wan,
    cast(r.general_public_budget * r.to_wan_yuan as decimal(22, 6)) as general_public_budget_wan,
    cast(r.government_fund * r.to_wan_yuan as decimal(22, 6)) as government_fund_wan,
    cast(r.basic_expenditure * r.to_wan_yuan as decimal(22, 6)) as basic_expenditure_wan,
    cast(r.project_expenditure * r.to_wan_yuan as decimal(22, 6)) as project_expenditure_wan,
    r.goal,
    r.page,
    d.department_layout as layout,
    r.currency_unit,
    r.to_wan_yuan
from {{ ref('stg_funding_rows') }} as r
join {{ ref('int_documents') }} as d using (document_key)
where r.row_type = 'department'
