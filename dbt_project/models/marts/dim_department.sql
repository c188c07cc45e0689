-- One row per department (under its current name), with the years loaded.
select
    department_id,
    department_name_current as department_name,
    min(budget_year) as first_year,
    max(budget_year) as last_year,
    count(*) as document_count,
    list_sort(list_distinct(list(department_name_published))) as names_published
from {{ ref('int_documents') }}
group by department_id, department_name_current
