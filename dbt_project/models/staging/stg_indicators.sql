-- Every indicator, typed: the annual target as text and as a comparison, and what the
-- table prints beside it (指标性质, 分值/权重, 是否核心, 评（扣）分标准, 指标值类型).
select
    document_key,
    row_number,
    coalesce(table_kind, 'project') as table_kind,
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
    nature,
    cast(weight as decimal(12, 4)) as weight,
    core as is_core,
    scoring_rule,
    value_type,
    page
from {{ source('jixiao_raw', 'raw_indicators') }}
