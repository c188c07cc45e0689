-- depends_on: {{ ref('int_changed_departments') }}
-- Each unit in each year (万元): the subtotal the table prints, and the sum of its projects.
select
    {{ surrogate_key(["unit_id", "budget_year"]) }} as unit_funding_id,
    unit_id,
    department_id,
    document_key,
    budget_year,
    make_date(budget_year, 1, 1) as budget_date,
    unit_name,
    printed_subtotal_wan,
    projects_total_wan,
    project_count
from {{ ref('int_units') }}
where {{ in_changed_departments() }}
