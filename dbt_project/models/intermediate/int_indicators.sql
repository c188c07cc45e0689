{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- depends_on: {{ ref('int_changed_departments') }}
-- Indicators with their project's identity, category codes, and their own identity
-- across years (same project and categories, same or close normalized name). Every
-- indicator has a category: 未分类 (unclassified) where the table prints none.
select
    i.* exclude (level1, level2),
    {{ indicator_category_columns("i") }}
    p.project_id,
    p.unit_id,
    p.department_id,
    p.budget_year,
    n.indicator_id,
    n.indicator_name_normalized,
    n.match_method,
    n.match_score
from {{ ref('stg_indicators') }} as i
join {{ ref('int_projects') }} as p
    on p.document_key = i.document_key and p.row_number = i.row_number
    and {{ in_changed_departments('p.department_id') }}
join {{ ref('int_indicator_identity') }} as n
    on n.document_key = i.document_key and n.row_number = i.row_number and n.seq = i.seq
{{ indicator_category_joins("i") }}
