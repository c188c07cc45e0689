{{ config(materialized='table') }}
-- What could not be loaded, and why (one row per refused entry or failed document).
select
    document_key,
    department_name,
    budget_year,
    stage,
    error_kind,
    message,
    source_location,
    occurred_at
from {{ ref('stg_load_errors') }}
