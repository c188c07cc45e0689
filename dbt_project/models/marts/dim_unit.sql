-- depends_on: {{ ref('int_changed_departments') }}
-- One row per fund-using unit (资金使用单位), with its department. A department's own
-- unit (…（本级）) is one unit across renames.
with units as (
    select
        u.unit_id,
        u.department_id,
        u.unit_name,
        u.budget_year,
        row_number() over (partition by u.unit_id order by u.budget_year desc) as latest
    from {{ ref('int_units') }} as u
    where {{ in_changed_departments('u.department_id') }}
)

select
    unit_id,
    department_id,
    max(case when latest = 1 then unit_name end) as unit_name,
    bool_or(unit_name like '%本级%') as is_department_itself,
    min(budget_year) as first_year,
    max(budget_year) as last_year
from units
group by unit_id, department_id
