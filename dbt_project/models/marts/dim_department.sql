-- depends_on: {{ ref('int_changed_departments') }}
-- One row per department — a region and a name (renamed departments are one department) —
-- with what it does (its function, for comparisons across regions) and the years loaded.
with docs as (
    select
        *,
        row_number() over (partition by department_id order by budget_year desc) as latest
    from {{ ref('int_documents') }}
    where {{ in_changed_departments() }}
)

select
    department_id,
    department_name_current as department_name,
    max(case when latest = 1 then region_id end) as region_id,
    max(case when latest = 1 then region end) as region_name,
    max(case when latest = 1 then district end) as district_name,
    max(case when latest = 1 then function_code end) as function_code,
    max(case when latest = 1 then function_name end) as function_name,
    min(budget_year) as first_year,
    max(budget_year) as last_year,
    count(*) as document_count,
    bool_or(table_kinds like '%department%') as has_department_targets,
    array_to_string(list_sort(list_distinct(list(department_name_published))), '；') as names_published
from docs
group by department_id, department_name_current
