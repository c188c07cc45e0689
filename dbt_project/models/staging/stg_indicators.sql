-- Every indicator, typed: the annual target as text and as a comparison.
select
    document_key,
    row_number,
    nullif(trim(unit), '') as unit_name,
    nullif(trim(project), '') as project_name,
    seq,
    level1,
    level2,
    indicator_name,
    period_target,
    annual_target,
    op as target_op,
    cast(target_value as decimal(38, 4)) as target_value,
    value_unit as target_unit,
    page
from {{ source('jixiao_raw', 'raw_indicators') }}
