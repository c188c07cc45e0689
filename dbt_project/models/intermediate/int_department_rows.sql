{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- depends_on: {{ ref('int_changed_departments') }}
-- The department table of each document (部门整体支出绩效目标表): its one row — the
-- department's overall amounts (万元) and goal — with the department's identity and year.
select
    r.document_key,
    r.row_number,
    d.department_id,
    d.budget_year,
    -- every amount column in 万元 (macros/funding_sources.sql)
    {{- funding_columns("cast(r.{key} * r.to_wan_yuan as decimal(22, 6)) as {key}_wan") }}
    r.goal,
    r.page,
    d.department_layout as layout,
    r.currency_unit,
    r.to_wan_yuan
from {{ ref('stg_funding_rows') }} as r
join {{ ref('int_documents') }} as d using (document_key)
where r.row_type = 'department'
    and {{ in_changed_departments('d.department_id') }}
