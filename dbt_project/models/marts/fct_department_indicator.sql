-- depends_on: {{ ref('int_changed_departments') }}
-- Each indicator of a department's overall targets in each year: categories (where the
-- table prints them), name, the target as text and as a comparison, and what the table
-- prints beside it (nature, weight, core flag).
select
    {{ surrogate_key(["i.document_key", "i.row_number", "i.seq"]) }} as department_indicator_id,
    r.department_id,
    i.document_key,
    r.budget_year,
    make_date(r.budget_year, 1, 1) as budget_date,
    i.seq,
    {{ indicator_category_columns("i") }}
    i.indicator_name,
    i.period_target,
    i.annual_target,
    i.target_op,
    i.target_value,
    i.target_unit,
    case when i.target_unit = '元' then i.target_value / 10000 end as target_value_wan,
    i.nature,
    i.weight,
    i.is_core,
    i.scoring_rule,
    i.value_type,
    i.page
from {{ ref('stg_indicators') }} as i
join {{ ref('int_department_rows') }} as r using (document_key, row_number)
{{ indicator_category_joins("i") }}
where i.table_kind = 'department'
    and {{ in_changed_departments('r.department_id') }}
