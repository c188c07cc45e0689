-- Each indicator of a department's overall targets in each year: categories (where the
-- table prints them), name, the target as text and as a comparison, and what the table
-- prints beside it (nature, weight, core flag).
select
    {{ surrogate_key(["i.document_key", "i.row_number", "i.seq"]) }} as department_indicator_id,
    r.department_id,
    i.document_key,
    r.budget_year,
    i.seq,
    c1.category_code as level1_code,
    i.level1,
    c2.category_code as level2_code,
    i.level2,
    i.indicator_name,
    i.period_target,
    i.annual_target,
    i.target_op,
    i.target_value,
    i.target_unit,
    i.nature,
    i.weight,
    i.is_core,
    i.scoring_rule,
    i.value_type,
    i.page
from {{ ref('stg_indicators') }} as i
join {{ ref('int_department_rows') }} as r using (document_key, row_number)
left join {{ ref('indicator_categories') }} as c1
    on c1.category_level = 1 and c1.category_name = i.level1
left join {{ ref('indicator_categories') }} as c2
    on c2.category_level = 2 and c2.category_name = i.level2 and c2.level1_name = i.level1
where i.table_kind = 'department'
