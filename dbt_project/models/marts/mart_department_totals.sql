-- Each department's total by year (万元) with the change from its previous year, and
-- how many projects came and went.
with f as (
    select
        *,
        lag(budget_year) over (partition by department_id order by budget_year) as prev_year,
        lag(total_wan) over (partition by department_id order by budget_year) as prev_total_wan
    from {{ ref('fct_department_funding') }}
),

changes as (
    select
        department_id,
        budget_year,
        count(*) filter (where change = 'new') as new_projects,
        count(*) filter (where change = 'dropped') as dropped_projects,
        count(*) filter (where change = 'renamed') as renamed_projects
    from {{ ref('mart_project_changes') }}
    group by department_id, budget_year
)

select
    {{ surrogate_key(["f.department_id", "f.budget_year"]) }} as department_year_id,
    f.department_id,
    d.department_name,
    f.budget_year,
    f.prev_year,
    f.total_wan,
    f.prev_total_wan,
    f.total_wan - f.prev_total_wan as change_wan,
    case when f.prev_total_wan > 0 then round((f.total_wan - f.prev_total_wan) / f.prev_total_wan * 100, 2) end
        as change_pct,
    f.project_count,
    coalesce(c.new_projects, 0) as new_projects,
    coalesce(c.dropped_projects, 0) as dropped_projects,
    coalesce(c.renamed_projects, 0) as renamed_projects
from f
join {{ ref('dim_department') }} as d using (department_id)
left join changes as c using (department_id, budget_year)
