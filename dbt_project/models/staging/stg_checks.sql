-- The parser's reconciliation checks.
select
    document_key,
    check_name,
    scope,
    cast(expected as decimal(20, 2)) as expected,
    cast(actual as decimal(20, 2)) as actual,
    ok
from {{ source('jixiao_raw', 'raw_checks') }}
