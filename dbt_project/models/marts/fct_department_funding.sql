-- depends_on: {{ ref('int_changed_departments') }}
-- Each department in each year (万元): the printed 合计, the sum of the printed unit
-- subtotals, and the sum of all projects; withheld (不宜公开) funding and its percent of
-- the projects' total (0–100).
with rows as (
    select * from {{ ref('int_funding_rows') }}
    where {{ in_changed_departments() }}
),

totals as (
    select document_key, sum(total_wan) as printed_total_wan
    from rows where row_type = 'total' group by document_key
),

units as (
    select document_key, sum(total_wan) as units_total_wan, count(*) as unit_rows
    from rows where row_type = 'unit' group by document_key
),

projects as (
    select
        document_key,
        sum(total_wan) as projects_total_wan,
        sum(case when not disclosed then total_wan else 0 end) as withheld_total_wan,
        count(*) as project_count,
        count(*) filter (where not disclosed) as withheld_project_count
    from rows where row_type = 'project' group by document_key
)

select
    {{ surrogate_key(["d.department_id", "d.budget_year"]) }} as department_funding_id,
    d.department_id,
    d.document_key,
    d.budget_year,
    make_date(d.budget_year, 1, 1) as budget_date,
    t.printed_total_wan,
    u.units_total_wan,
    coalesce(u.unit_rows, 0) as unit_count,
    coalesce(p.projects_total_wan, 0) as projects_total_wan,
    coalesce(t.printed_total_wan, p.projects_total_wan, 0) as total_wan,
    coalesce(p.withheld_total_wan, 0) as withheld_total_wan,
    case when coalesce(p.projects_total_wan, 0) > 0
         then round(coalesce(p.withheld_total_wan, 0) / p.projects_total_wan * 100, 2) end as withheld_pct,
    coalesce(p.project_count, 0) as project_count,
    coalesce(p.withheld_project_count, 0) as withheld_project_count
from {{ ref('int_documents') }} as d
left join totals as t using (document_key)
left join units as u using (document_key)
left join projects as p using (document_key)
-- a document that holds only the department's overall targets (published apart from its
-- project table) has no project funding: fct_department_target holds it
where (d.table_kinds is null or d.table_kinds like '%project%')
    and {{ in_changed_departments('d.department_id') }}
