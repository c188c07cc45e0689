-- depends_on: {{ ref('int_changed_departments') }}
-- Each department's funding by year (万元) beside its previous loaded year: the change in
-- 万元 and in percent, and how many projects came, went and were renamed. Grain:
-- department × year (one row per department document year).
with f as (
    select
        *,
        lag(budget_year) over (partition by department_id order by budget_year) as prev_year,
        lag(total_wan) over (partition by department_id order by budget_year) as prev_total_wan
    from {{ ref('fct_department_funding') }}
    where {{ in_changed_departments() }}
),

changes as (
    select
        department_id,
        budget_year,
        count(*) filter (where change = 'new') as new_projects,
        count(*) filter (where change = 'dropped') as dropped_projects,
        count(*) filter (where change = 'renamed') as renamed_projects
    from {{ ref('mart_project_changes') }}
    where {{ in_changed_departments() }}
    group by department_id, budget_year
)

select
    {{ surrogate_key(["f.department_id", "f.budget_year"]) }} as department_year_id,
    f.department_id,
    d.department_name,
    d.region_name,
    f.budget_year,
    make_date(f.budget_year, 1, 1) as budget_date,
    f.prev_year,
    f.total_wan,
    f.prev_total_wan,
    f.total_wan - f.prev_total_wan as change_wan,
    case when f.prev_total_wan > 0 then round((f.total_wan - f.prev_total_wan) / f.prev_total_wan * 100, 2) end
        as change_pct,
    case when f.prev_year is null then 'first_year' else 'continued' end as status,
    f.project_count,
    coalesce(c.new_projects, 0) as new_projects,
    coalesce(c.dropped_projects, 0) as dropped_projects,
    coalesce(c.renamed_projects, 0) as renamed_projects
from f
join {{ ref('dim_department') }} as d using (department_id)
left join changes as c using (department_id, budget_year)
