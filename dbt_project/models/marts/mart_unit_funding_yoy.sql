-- depends_on: {{ ref('int_changed_departments') }}
-- Each fund-using unit's funding by year (万元) beside its department's previous loaded
-- year. Grain: unit × year, for every year its department has a document: status first_year
-- (the department's first loaded year), new, continued or dropped (the unit had funding
-- the year before and none now: this year's amount is null).
with amounts as (
    select unit_id, department_id, budget_year, unit_name,
        coalesce(printed_subtotal_wan, projects_total_wan) as amount_wan
    from {{ ref('fct_unit_funding') }}
    where {{ in_changed_departments() }}
),

pairs as (
    select distinct a.unit_id, a.department_id, y.budget_year, y.prev_year
    from amounts as a
    join {{ ref('int_department_years') }} as y on y.department_id = a.department_id
),

compared as (
    select
        p.*,
        cur.amount_wan,
        prev.amount_wan as prev_amount_wan,
        coalesce(cur.unit_name, prev.unit_name) as unit_name,
        {{ yoy_status('unit_id') }} as status
    from pairs as p
    left join amounts as cur on cur.unit_id = p.unit_id and cur.budget_year = p.budget_year
    left join amounts as prev on prev.unit_id = p.unit_id and prev.budget_year = p.prev_year
)

select
    {{ surrogate_key(["c.unit_id", "c.budget_year"]) }} as unit_year_id,
    c.unit_id,
    c.department_id,
    d.department_name,
    c.unit_name,
    c.budget_year,
    make_date(c.budget_year, 1, 1) as budget_date,
    c.prev_year,
    c.amount_wan,
    c.prev_amount_wan,
    {{ yoy_change_columns("c") }}
    c.status
from compared as c
join {{ ref('dim_department') }} as d on d.department_id = c.department_id
where c.status is not null
