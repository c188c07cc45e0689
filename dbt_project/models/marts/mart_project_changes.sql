-- depends_on: {{ ref('int_changed_departments') }}
-- Projects that changed between a department's consecutive years, for review: new
-- (no match), dropped (gone), renamed (matched under another name — how, and how sure).
-- A name that changed only in what identity ignores (its year or year range, the
-- department prefix, spaces, bracket widths: 2024年…运动会经费 → 2025年…运动会经费) is the
-- same name, not a rename.
with doc_years as (
    select * from {{ ref('int_department_years') }}
    where {{ in_changed_departments() }}
),

f as (
    select f.*, p.project_name_normalized
    from {{ ref('fct_project_funding') }} as f
    join {{ ref('int_projects') }} as p using (project_id, budget_year)
    where {{ in_changed_departments('f.department_id') }}
),

renamed_or_new as (
    select
        f.department_id, f.unit_id, f.project_id, f.budget_year, y.prev_year,
        case when f.match_method = 'new' then 'new' else 'renamed' end as change,
        f.project_name, f.matched_name as previous_name, f.match_method, f.match_score,
        f.total_wan as amount_wan, prev.total_wan as prev_amount_wan
    from f
    join doc_years as y on y.department_id = f.department_id and y.budget_year = f.budget_year
    left join f as prev on prev.project_id = f.project_id and prev.budget_year = y.prev_year
    where y.prev_year is not null
      and (f.match_method = 'new' or (prev.project_name_normalized <> f.project_name_normalized))
),

dropped as (
    select
        prev.department_id, prev.unit_id, prev.project_id, y.budget_year, y.prev_year,
        'dropped' as change,
        null as project_name, prev.project_name as previous_name, null as match_method,
        null::double as match_score,
        null::decimal(22, 6) as amount_wan, prev.total_wan as prev_amount_wan
    from f as prev
    join doc_years as y on y.department_id = prev.department_id and y.prev_year = prev.budget_year
    left join f as cur on cur.project_id = prev.project_id and cur.budget_year = y.budget_year
    where cur.project_id is null
)

select
    {{ surrogate_key(["c.project_id", "c.budget_year", "c.change"]) }} as change_id,
    c.department_id,
    d.department_name,
    c.unit_id,
    u.unit_name,
    c.project_id,
    c.budget_year,
    make_date(c.budget_year, 1, 1) as budget_date,
    c.prev_year,
    c.change,
    c.project_name,
    c.previous_name,
    c.match_method,
    c.match_score,
    c.amount_wan,
    c.prev_amount_wan
from (select * from renamed_or_new union all select * from dropped) as c
left join {{ ref('dim_department') }} as d on d.department_id = c.department_id
left join {{ ref('dim_unit') }} as u on u.unit_id = c.unit_id
