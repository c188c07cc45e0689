{#- A stable surrogate key from columns. -#}
{% macro surrogate_key(columns) -%}
md5(concat_ws('|', {% for c in columns %}coalesce(cast({{ c }} as varchar), '∅'){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
