{#- The change columns of a year-over-year mart row `r` holding amount_wan,
    prev_amount_wan and status: change_wan (a missing side counts as 0; null in a
    department's first year) and change_pct (percent of the year before, 0–100 scale; null
    where there was nothing the year before). Ends in a comma. -#}
{% macro yoy_change_columns(r) -%}
    case when {{ r }}.status = 'first_year' then null
         else coalesce({{ r }}.amount_wan, 0) - coalesce({{ r }}.prev_amount_wan, 0) end as change_wan,
    case when {{ r }}.status <> 'first_year' and {{ r }}.prev_amount_wan > 0
         then round((coalesce({{ r }}.amount_wan, 0) - {{ r }}.prev_amount_wan) / {{ r }}.prev_amount_wan * 100, 2)
    end as change_pct,
{%- endmacro %}

{#- The status of an entity (key column `key`) in a year-over-year pair: first_year (the
    department's first loaded year), continued, new or dropped; null when it is in neither
    year. `cur` and `prev` are its rows of this year and of the department's previous year,
    `p` the pair (with prev_year). -#}
{% macro yoy_status(key) -%}
    case
        when cur.{{ key }} is not null and p.prev_year is null then 'first_year'
        when cur.{{ key }} is not null and prev.{{ key }} is not null then 'continued'
        when cur.{{ key }} is not null then 'new'
        when prev.{{ key }} is not null then 'dropped'
    end
{%- endmacro %}
