-- depends_on: {{ ref('int_changed_departments') }}
{{ config(meta={'recomputed_by': 'whole'}) }}
-- A seed's rows: a change to the seed changes the dbt project, and with it every table is built
-- again from nothing; an incremental build only adds categories it does not hold.
-- The national framework of indicator categories (level 1 and level 2, with codes).
select
    category_code,
    category_level,
    category_name,
    parent_code,
    level1_name,
    framework,
    description
from {{ ref('indicator_categories') }}
{% if is_incremental() -%}
where category_code not in (select category_code from {{ this }})
{%- endif %}
