-- depends_on: {{ ref('int_changed_departments') }}
-- Where each department's project money comes from, by year: one row per funding source
-- (万元 and percent of the department's project total, 0–100), `not_itemised` (未分列)
-- included, so a department whose table prints only 总计 shows all its money there rather
-- than vanishing. The rows with no parent_source add up to the total (100%); the parts of
-- 财政拨款 are listed with 财政拨款's key as their parent_source.
with s as (
    select department_id, budget_year, source, source_label, parent_source,
        sum(amount_wan) as amount_wan, count(*) as project_count
    from {{ ref('fct_project_funding_source') }}
    where {{ in_changed_departments() }}
    group by all
),

-- the sum of the top-level rows: the projects' totals, and for a project printed without
-- its total, its sources
totals as (
    select department_id, budget_year, sum(amount_wan) as total_wan
    from s where parent_source is null
    group by all
)

select
    {{ surrogate_key(["s.department_id", "s.budget_year", "s.source"]) }} as source_mix_id,
    s.department_id,
    d.department_name,
    d.region_name,
    s.budget_year,
    make_date(s.budget_year, 1, 1) as budget_date,
    s.source,
    s.source_label,
    s.parent_source,
    s.amount_wan,
    case when t.total_wan > 0 then round(s.amount_wan / t.total_wan * 100, 2) end as share_pct,
    s.project_count
from s
join totals as t using (department_id, budget_year)
join {{ ref('dim_department') }} as d on d.department_id = s.department_id
