-- depends_on: {{ ref('int_changed_departments') }}
-- One row per project across years: the name it has in its latest year, every name it was
-- published under, its years. A year's own name is on that year's fact row
-- (fct_project_funding.project_name), not here.
with p as (
    select
        *,
        row_number() over (partition by project_id order by budget_year desc) as latest
    from {{ ref('int_projects') }}
    where {{ in_changed_departments() }}
)

select
    project_id,
    department_id,
    unit_id,
    max(case when latest = 1 then project_name end) as latest_project_name,
    max(case when latest = 1 then project_name_normalized end) as project_name_normalized,
    max(case when latest = 1 then project_code end) as project_code,
    min(budget_year) as first_year,
    max(budget_year) as last_year,
    count(*) as years_funded,
    array_to_string(list_sort(list_distinct(list(project_name))), '；') as names_published,
    bool_and(disclosed) as always_disclosed
from p
group by project_id, department_id, unit_id
