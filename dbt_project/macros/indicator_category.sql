{#- The framework categories of an indicator row `i` (with printed level1 / level2):
    joins to the indicator_categories seed (a level 2 printed without its level 1 still finds
    it), then select items giving every indicator a category — 未分类 (unclassified) where the
    table prints none or one outside the framework — so no level is null:
    level1_code, level1, level2_code, level2. -#}
{% macro indicator_category_joins(i) -%}
left join {{ ref('indicator_categories') }} as c1
    on c1.category_level = 1 and c1.framework <> 'unclassified' and c1.category_name = {{ i }}.level1
left join {{ ref('indicator_categories') }} as c2
    on c2.category_level = 2 and c2.framework <> 'unclassified' and c2.category_name = {{ i }}.level2
    and (c2.level1_name = {{ i }}.level1 or {{ i }}.level1 is null)
{%- endmacro %}

{% macro indicator_category_columns(i) -%}
    coalesce(c1.category_code, c2.parent_code, '0') as level1_code,
    coalesce({{ i }}.level1, c2.level1_name, '未分类') as level1,
    coalesce(c2.category_code, coalesce(c1.category_code, c2.parent_code, '0') || '0') as level2_code,
    coalesce({{ i }}.level2, '未分类') as level2,
    {{ i }}.level1 is not null and c1.category_code is null as level1_outside_framework,
    {{ i }}.level2 is not null and c2.category_code is null as level2_outside_framework,
{%- endmacro %}
