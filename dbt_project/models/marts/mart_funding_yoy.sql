-- Funding year over year, for departments, units and projects: this year, the
-- department's previous year, the change and its status (new / continued / dropped;
-- first_year where the department has no earlier document).
with doc_years as (
    select * from {{ ref('int_department_years') }}
),

amounts as (
    select 'department' as level, department_id as entity_id, department_id,
        null::varchar as unit_id, null::varchar as project_id, budget_year, total_wan as amount_wan
    from {{ ref('fct_department_funding') }}
    union all
    select 'unit', unit_id, department_id, unit_id, null, budget_year,
        coalesce(printed_subtotal_wan, projects_total_wan)
    from {{ ref('fct_unit_funding') }}
    union all
    select 'project', project_id, department_id, unit_id, project_id, budget_year, total_wan
    from {{ ref('fct_project_funding') }}
),

entities as (
    select distinct level, entity_id, department_id, unit_id, project_id from amounts
),

pairs as (
    select e.*, y.budget_year, y.prev_year
    from entities as e
    join doc_years as y on y.department_id = e.department_id
),

compared as (
    select
        p.*,
        cur.amount_wan,
        prev.amount_wan as prev_amount_wan,
        case
            when cur.entity_id is not null and p.prev_year is null then 'first_year'
            when cur.entity_id is not null and prev.entity_id is not null then 'continued'
            when cur.entity_id is not null then 'new'
            when prev.entity_id is not null then 'dropped'
        end as status
    from pairs as p
    left join amounts as cur
        on cur.level = p.level and cur.entity_id = p.entity_id and cur.budget_year = p.budget_year
    left join amounts as prev
        on prev.level = p.level and prev.entity_id = p.entity_id and prev.budget_year = p.prev_year
)

select
    {{ surrogate_key(["c.level", "c.entity_id", "c.budget_year"]) }} as yoy_id,
    c.level,
    c.entity_id,
    c.department_id,
    dd.department_name,
    c.unit_id,
    du.unit_name,
    c.project_id,
    dp.project_name,
    c.budget_year,
    c.prev_year,
    c.amount_wan,
    c.prev_amount_wan,
    case when c.status = 'first_year' then null
         else coalesce(c.amount_wan, 0) - coalesce(c.prev_amount_wan, 0) end as change_wan,
    case when c.prev_amount_wan > 0
         then round((coalesce(c.amount_wan, 0) - c.prev_amount_wan) / c.prev_amount_wan * 100, 2) end
        as change_pct,
    c.status
from compared as c
left join {{ ref('dim_department') }} as dd on dd.department_id = c.department_id
left join {{ ref('dim_unit') }} as du on du.unit_id = c.unit_id
left join {{ ref('dim_project') }} as dp on dp.project_id = c.project_id
where c.status is not null
