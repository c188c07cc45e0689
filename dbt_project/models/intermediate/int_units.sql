{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- depends_on: {{ ref('int_changed_departments') }}
-- Each unit in each document: its printed subtotal (where the table prints one) and the
-- sum of its projects. Long-layout tables print no subtotals: units come from projects.
with subtotals as (
    select document_key, unit_id, any_value(unit_name) as unit_name, sum(total_wan) as printed_subtotal_wan,
        min(row_number) as first_row
    from {{ ref('int_funding_rows') }}
    where row_type = 'unit' and {{ in_changed_departments() }}
    group by document_key, unit_id
),

projects as (
    select document_key, unit_id, any_value(unit_name) as unit_name, sum(total_wan) as projects_total_wan,
        count(*) as project_count, min(row_number) as first_row
    from {{ ref('int_projects') }}
    where {{ in_changed_departments() }}
    group by document_key, unit_id
),

docs as (
    select document_key, department_id, budget_year from {{ ref('int_documents') }}
    where {{ in_changed_departments() }}
)

select
    coalesce(s.document_key, p.document_key) as document_key,
    coalesce(s.unit_id, p.unit_id) as unit_id,
    coalesce(s.unit_name, p.unit_name) as unit_name,
    d.department_id,
    d.budget_year,
    s.printed_subtotal_wan,
    coalesce(p.projects_total_wan, 0) as projects_total_wan,
    coalesce(p.project_count, 0) as project_count,
    least(coalesce(s.first_row, p.first_row), coalesce(p.first_row, s.first_row)) as first_row
from subtotals as s
full outer join projects as p
    on s.document_key = p.document_key and s.unit_id = p.unit_id
join docs as d
    on d.document_key = coalesce(s.document_key, p.document_key)
where coalesce(s.unit_id, p.unit_id) is not null
