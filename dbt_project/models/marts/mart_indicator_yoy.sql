-- depends_on: {{ ref('int_changed_departments') }}
-- The same indicator's annual target year over year, judged with its comparison:
-- tightened / loosened / unchanged / not_comparable, and new, dropped, first_year (the
-- department has no earlier document). "≥95%" → "≥98%" is tightened; "≤5%" → "≤3%" (a
-- cap lowered) is tightened too; "≥95%" → "≤5%" compares nothing.
with doc_years as (
    select * from {{ ref('int_department_years') }}
    where {{ in_changed_departments() }}
),

targets as (
    select
        *,
        -- which way is better: a floor (≥, >) wants more, a cap (≤, <) wants less; an
        -- exact target (=) or none says nothing about direction
        case
            when target_op in ('>=', '>') then 'higher'
            when target_op in ('<=', '<') then 'lower'
        end as better
    from {{ ref('fct_indicator_target') }}
    where {{ in_changed_departments() }}
),

entities as (
    select distinct indicator_id, project_id, department_id from targets
),

pairs as (
    select e.*, y.budget_year, y.prev_year
    from entities as e
    join doc_years as y on y.department_id = e.department_id
),

joined as (
    select
        p.*,
        cur.indicator_id is not null as is_current,
        prev.indicator_id is not null as was_previous,
        coalesce(cur.indicator_name, prev.indicator_name) as indicator_name,
        coalesce(cur.level1, prev.level1) as level1,
        coalesce(cur.level2, prev.level2) as level2,
        cur.annual_target,
        cur.target_op,
        cur.target_value,
        cur.target_unit,
        cur.better,
        prev.annual_target as prev_annual_target,
        prev.target_op as prev_target_op,
        prev.target_value as prev_target_value,
        prev.target_unit as prev_target_unit,
        prev.better as prev_better,
        cur.target_value is not null and prev.target_value is not null
            and coalesce(cur.target_unit, '') = coalesce(prev.target_unit, '') as same_measure
    from pairs as p
    left join targets as cur
        on cur.indicator_id = p.indicator_id and cur.budget_year = p.budget_year
    left join targets as prev
        on prev.indicator_id = p.indicator_id and prev.budget_year = p.prev_year
),

compared as (
    select
        *,
        case when same_measure then
            case
                when target_value > prev_target_value then 'raised'
                when target_value < prev_target_value then 'lowered'
                else 'same'
            end
        end as value_direction,
        case
            when not is_current and not was_previous then null
            when is_current and prev_year is null then 'first_year'
            when not is_current then 'dropped'
            when not was_previous then 'new'
            when annual_target = prev_annual_target then 'unchanged'
            when target_value is null or prev_target_value is null then 'not_comparable'
            when not same_measure then 'not_comparable'
            when better is null or prev_better is null or better <> prev_better then
                case when target_value = prev_target_value and target_op is not distinct from prev_target_op
                     then 'unchanged' else 'not_comparable' end
            when target_value = prev_target_value then
                case
                    when target_op = prev_target_op then 'unchanged'
                    when target_op in ('>', '<') then 'tightened'  -- the bound itself now excluded
                    else 'loosened'
                end
            when (better = 'higher') = (target_value > prev_target_value) then 'tightened'
            else 'loosened'
        end as status,
        case
            when not (is_current and was_previous) or annual_target = prev_annual_target then null
            when target_value is null or prev_target_value is null then 'no_number'
            when not same_measure then 'unit_differs'
            when better is null or prev_better is null then 'no_direction'
            when better <> prev_better then 'comparison_differs'
        end as not_comparable_reason
    from joined
)

select
    {{ surrogate_key(["c.indicator_id", "c.budget_year"]) }} as indicator_yoy_id,
    c.indicator_id,
    c.project_id,
    coalesce(cy.project_name, py.project_name) as project_name,
    c.department_id,
    dd.department_name,
    c.budget_year,
    make_date(c.budget_year, 1, 1) as budget_date,
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
    c.better as better_direction,
    c.value_direction,
    case when c.value_direction is not null then c.target_value - c.prev_target_value end as value_change,
    c.status,
    case when c.status = 'not_comparable' then c.not_comparable_reason end as not_comparable_reason
from compared as c
left join {{ ref('fct_project_funding') }} as cy on cy.project_id = c.project_id and cy.budget_year = c.budget_year
left join {{ ref('fct_project_funding') }} as py on py.project_id = c.project_id and py.budget_year = c.prev_year
left join {{ ref('dim_department') }} as dd on dd.department_id = c.department_id
where c.status is not null
