{#- A project name as compared across years: year ranges (2025-2026年), a leading year,
    the department's own name as a prefix, spaces and the difference between full- and
    half-width brackets are dropped. -#}
{% macro normalize_project_name(name, department) -%}
trim(
  regexp_replace(
    regexp_replace(
      regexp_replace(
        translate(
          case when starts_with({{ name }}, {{ department }})
               then substr({{ name }}, length({{ department }}) + 1)
               else {{ name }} end,
          '（）【】〔〕［］：；，',
          '()[][][]:;,'
        ),
        '((19|20)[0-9]{2})\s*[-—–~至]\s*((19|20)?[0-9]{2})\s*年度?', '', 'g'
      ),
      '^((19|20)[0-9]{2})年度?', '', 'g'
    ),
    '[\s　]+', '', 'g'
  )
)
{%- endmacro %}

{#- An indicator name as compared across years: spaces and bracket widths only. -#}
{% macro normalize_indicator_name(name) -%}
regexp_replace(translate({{ name }}, '（）', '()'), '[\s　]+', '', 'g')
{%- endmacro %}

{#- A stable surrogate key from columns. -#}
{% macro surrogate_key(columns) -%}
md5(concat_ws('|', {% for c in columns %}coalesce(cast({{ c }} as varchar), '∅'){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
