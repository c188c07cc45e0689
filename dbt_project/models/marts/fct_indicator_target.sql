-- Each indicator of each project in each year: categories, name, and the targets as
-- text and as a comparison (op, value, unit).
select
    {{ surrogate_key(["document_key", "row_number", "seq"]) }} as indicator_target_id,
    indicator_id,
    project_id,
    unit_id,
    department_id,
    document_key,
    budget_year,
    seq,
    level1_code,
    level1,
    level2_code,
    level2,
    indicator_name,
    indicator_name_normalized,
    period_target,
    annual_target,
    target_op,
    target_value,
    target_unit,
    page,
    match_method
from {{ ref('int_indicators') }}
