-- depends_on: {{ ref('int_changed_departments') }}
-- Each project's funding by year (万元) beside its department's previous loaded year, under
-- the name it was published with that year. Grain: project × year, for every year its
-- department has a document: status first_year (the department's first loaded year), new,
-- continued or dropped (funded the year before, not now: this year's amount is null and
-- the name is the one of the year before).
with amounts as (
    select project_id, unit_id, department_id, budget_year, project_name, total_wan as amount_wan
    from {{ ref('fct_project_funding') }}
    where {{ in_changed_departments() }}
),

pairs as (
    select distinct a.project_id, a.unit_id, a.department_id, y.budget_year, y.prev_year
    from amounts as a
    join {{ ref('int_department_years') }} as y on y.department_id = a.department_id
),

compared as (
    select
        p.*,
        cur.amount_wan,
        prev.amount_wan as prev_amount_wan,
        coalesce(cur.project_name, prev.project_name) as project_name,
        prev.project_name as prev_project_name,
        {{ yoy_status('project_id') }} as status
    from pairs as p
    left join amounts as cur on cur.project_id = p.project_id and cur.budget_year = p.budget_year
    left join amounts as prev on prev.project_id = p.project_id and prev.budget_year = p.prev_year
)

select
    {{ surrogate_key(["c.project_id", "c.budget_year"]) }} as project_year_id,
    c.project_id,
    c.unit_id,
    c.department_id,
    d.department_name,
    u.unit_name,
    c.project_name,
    c.prev_project_name,
    c.budget_year,
    make_date(c.budget_year, 1, 1) as budget_date,
    c.prev_year,
    c.amount_wan,
    c.prev_amount_wan,
    {{ yoy_change_columns("c") }}
    c.status
from compared as c
join {{ ref('dim_department') }} as d on d.department_id = c.department_id
join {{ ref('dim_unit') }} as u on u.unit_id = c.unit_id
where c.status is not null
