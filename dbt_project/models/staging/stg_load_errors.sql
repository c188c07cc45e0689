-- Documents and manifest entries that could not be loaded.
select
    document_key,
    department as department_name,
    year as budget_year,
    stage,
    error_kind,
    message,
    source_location,
    cast(occurred_at as timestamptz) as occurred_at
from {{ source('jixiao_raw', 'raw_load_errors') }}
