-- The same indicator's annual target year over year: raised / lowered / unchanged
-- (value compared, same unit), not_comparable (units or kinds differ), new, dropped;
-- first_year where the department has no earlier document.
with doc_years as (
    select * from {{ ref('int_department_years') }}
),

targets as (
    select * from {{ ref('fct_indicator_target') }}
),

entities as (
    select distinct indicator_id, project_id, department_id from targets
),

pairs as (
    select e.*, y.budget_year, y.prev_year
    from entities as e
    join doc_years as y on y.department_id = e.department_id
),

compared as (
    select
        p.*,
        cur.indicator_target_id,
        coalesce(cur.indicator_name, prev.indicator_name) as indicator_name,
        coalesce(cur.level1, prev.level1) as level1,
        coalesce(cur.level2, prev.level2) as level2,
        cur.annual_target,
        cur.target_op,
        cur.target_value,
        cur.target_unit,
        prev.annual_target as prev_annual_target,
        prev.target_op as prev_target_op,
        prev.target_value as prev_target_value,
        prev.target_unit as prev_target_unit,
        case
            when cur.indicator_id is not null and p.prev_year is null then 'first_year'
            when cur.indicator_id is null and prev.indicator_id is not null then 'dropped'
            when cur.indicator_id is not null and prev.indicator_id is null then 'new'
            when cur.indicator_id is null then null
            when cur.annual_target = prev.annual_target then 'unchanged'
            when cur.target_value is null or prev.target_value is null then 'not_comparable'
            when coalesce(cur.target_unit, '') <> coalesce(prev.target_unit, '') then 'not_comparable'
            when cur.target_value > prev.target_value then 'raised'
            when cur.target_value < prev.target_value then 'lowered'
            else 'unchanged'
        end as status
    from pairs as p
    left join targets as cur
        on cur.indicator_id = p.indicator_id and cur.budget_year = p.budget_year
    left join targets as prev
        on prev.indicator_id = p.indicator_id and prev.budget_year = p.prev_year
)

select
    {{ surrogate_key(["c.indicator_id", "c.budget_year"]) }} as indicator_yoy_id,
    c.indicator_id,
    c.project_id,
    dp.project_name,
    c.department_id,
    dd.department_name,
    c.budget_year,
    c.prev_year,
    c.level1,
    c.level2,
    c.indicator_name,
    c.annual_target,
    c.target_op,
    c.target_value,
    c.target_unit,
    c.prev_annual_target,
    c.prev_target_op,
    c.prev_target_value,
    c.prev_target_unit,
    case when c.status in ('raised', 'lowered', 'unchanged') and c.target_value is not null
         then c.target_value - c.prev_target_value end as value_change,
    c.status
from compared as c
left join {{ ref('dim_project') }} as dp on dp.project_id = c.project_id
left join {{ ref('dim_department') }} as dd on dd.department_id = c.department_id
where c.status is not null
