{#- Reconciliation within a row: the column (总计 in 万元) equals the sum of the row's funding
    sources (the `funding_sources` of kind source, as `<key>_wan`), empty cells counting as
    zero, wherever one of them is filled. Rows that print parts of 财政拨款 (一般公共预算 …,
    kind appropriation_part) are left out: there 财政拨款 may be their sum or missing. -#}
{% test equals_sum_of_sources(model, column_name, tolerance=0) %}
{%- set columns = [] -%}
{%- for s in funding_sources(['source']) -%}{%- do columns.append(s['key'] ~ '_wan') -%}{%- endfor -%}
select *
from {{ model }}
where {{ column_name }} is not null
  {%- for s in funding_sources(['appropriation_part']) %}
  and {{ s['key'] }}_wan is null
  {%- endfor %}
  and ({% for c in columns %}{{ c }} is not null{% if not loop.last %} or {% endif %}{% endfor %})
  and abs({{ column_name }} - ({% for c in columns %}coalesce({{ c }}, 0){% if not loop.last %} + {% endif %}{% endfor %})) > {{ tolerance }}
{% endtest %}
