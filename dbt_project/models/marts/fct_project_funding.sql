-- depends_on: {{ ref('int_changed_departments') }}
-- Funding of each project in each year (万元): 总计 and each funding source.
select
    {{ surrogate_key(["project_id", "budget_year"]) }} as funding_id,
    project_id,
    unit_id,
    department_id,
    document_key,
    budget_year,
    make_date(budget_year, 1, 1) as budget_date,
    project_name,
    project_code,
    implementing_unit,
    -- total_wan and each funding source's <key>_wan (macros/funding_sources.sql)
    {{- funding_columns("{key}_wan", project_amount_kinds()) }}
    total_printed,
    currency_unit,
    disclosed,
    goal,
    long_term_goal,
    page,
    match_method,
    match_score,
    matched_name
from {{ ref('int_projects') }}
where {{ in_changed_departments() }}
