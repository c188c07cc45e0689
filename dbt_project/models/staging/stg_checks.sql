-- The parser's reconciliation checks; a difference within rounding (0.01 per summed
-- figure printed with two decimals) is a rounding note, not a failure.
select
    document_key,
    coalesce(table_kind, 'project') as table_kind,
    check_name,
    scope,
    cast(expected as decimal(24, 6)) as expected,
    cast(actual as decimal(24, 6)) as actual,
    cast(tolerance as decimal(24, 6)) as tolerance,
    coalesce(status, case when ok then 'ok' else 'failed' end) as status,
    ok
from {{ source('jixiao_raw', 'raw_checks') }}
