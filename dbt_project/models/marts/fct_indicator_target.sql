-- depends_on: {{ ref('int_changed_departments') }}
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
    make_date(budget_year, 1, 1) as budget_date,
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
    -- a money target in 万元 like the funding columns (the parser reads money in 元)
    case when target_unit = '元' then target_value / 10000 end as target_value_wan,
    nature,
    weight,
    is_core,
    scoring_rule,
    value_type,
    page,
    match_method
from {{ ref('int_indicators') }}
where {{ in_changed_departments() }}
