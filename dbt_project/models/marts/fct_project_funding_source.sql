-- depends_on: {{ ref('int_changed_departments') }}
-- Each project's funding in each year by funding source, in long form (万元): one row per
-- source the table printed an amount for, plus `not_itemised` (未分列) for whatever part of
-- the total no source accounts for — all of it where a table prints only 总计. The rows
-- with no parent_source add up to the project's total; the parts of 财政拨款 (一般公共预算,
-- 政府性基金, 国有资本经营预算) are rows of their own with parent_source
-- the 财政拨款 key (macros/funding_sources.sql), for a breakdown of that source. Where a table prints the parts
-- but not 财政拨款 itself, 财政拨款 is their sum.
with f as (
    select * from {{ ref('fct_project_funding') }}
    where {{ in_changed_departments() }}
),

parts as (
    select
        funding_id,
        {% for s in funding_sources(['appropriation_part']) -%}
        coalesce({{ s.key }}_wan, 0){% if not loop.last %} + {% endif %}
        {%- endfor %} as parts_sum_wan,
        {% for s in funding_sources(['appropriation_part']) -%}
        {{ s.key }}_wan is not null{% if not loop.last %} or {% endif %}
        {%- endfor %} as has_parts
    from f
),

sources as (
    -- one branch per funding source (macros/funding_sources.sql)
    {% for s in funding_sources(['source']) %}
    select f.funding_id, '{{ s.key }}' as source, null::varchar as parent_source,
        {% if s.key == appropriation_key() -%}
        coalesce(f.{{ s.key }}_wan, case when p.has_parts then p.parts_sum_wan end)
        {%- else -%}
        f.{{ s.key }}_wan
        {%- endif %} as amount_wan
    from f
    {% if s.key == appropriation_key() %}join parts as p using (funding_id){% endif %}
    union all
    {% endfor %}
    {% for s in funding_sources(['appropriation_part']) %}
    select funding_id, '{{ s.key }}', '{{ appropriation_key() }}', {{ s.key }}_wan from f
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

itemised as (
    select funding_id, sum(amount_wan) as itemised_wan
    from sources where parent_source is null and amount_wan is not null
    group by funding_id
),

not_itemised as (
    select f.funding_id, 'not_itemised' as source, null::varchar as parent_source,
        f.total_wan - coalesce(i.itemised_wan, 0) as amount_wan
    from f
    left join itemised as i using (funding_id)
    where f.total_wan is not null and f.total_wan - coalesce(i.itemised_wan, 0) <> 0
),

rows as (
    select * from sources where amount_wan is not null and amount_wan <> 0
    union all
    select * from not_itemised
)

select
    {{ surrogate_key(["r.funding_id", "r.source"]) }} as funding_source_id,
    r.funding_id,
    f.project_id,
    f.unit_id,
    f.department_id,
    f.document_key,
    f.budget_year,
    make_date(f.budget_year, 1, 1) as budget_date,
    r.source,
    s.source_label,
    r.parent_source,
    r.amount_wan
from rows as r
join f using (funding_id)
join {{ ref('int_funding_source_labels') }} as s on s.source = r.source
