{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- depends_on: {{ ref('int_changed_departments') }}
-- Project rows with `project_id`, the project's identity across years, and how it was
-- matched to the year before (method and score).
select
    r.*,
    i.project_id,
    i.project_name_normalized,
    i.match_method,
    i.match_score,
    i.matched_name,
    i.matched_year
from {{ ref('int_project_rows') }} as r
join {{ ref('int_project_identity') }} as i using (document_key, row_number)
where {{ in_changed_departments('r.department_id') }}
