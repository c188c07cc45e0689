{#
  Incremental intermediate models: a build recomputes only the departments whose documents
  changed since the last build that passed its tests, never the whole history.

  The loader lists in raw_changes every document whose rows it replaced, added or removed
  (and those a quarantine took out), each with the department the warehouse held it under
  before (previous_department_id, from int_documents). A department is the unit: project and
  indicator identity match a department's rows across its years, so a new year (or a late,
  older one) can change how the department's other years match. int_changed_departments holds
  the departments to recompute: those that hold a changed document now, and those that held
  one before.

  Each incremental model (materialized='incremental', incremental_strategy='append') deletes
  the rows of those departments first (delete_changed_departments, a pre-hook run in the same
  transaction as the insert), then selects the rows of those departments only
  (in_changed_departments). A full build (a new build file: the first, or after the dbt
  project, the parser or the staging schema changed) selects everything: is_incremental() is
  false.
#}

{#- `column in (the changed departments)` in an incremental build; true in a full one -#}
{% macro in_changed_departments(column='department_id') -%}
    {%- if is_incremental() -%}
        {{ column }} in (select department_id from {{ ref('int_changed_departments') }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{% macro delete_changed_departments() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where department_id in (select department_id from {{ ref('int_changed_departments') }})
    {%- endif -%}
{%- endmacro %}


{#- dbt-duckdb leaves the batch of an incremental Python model behind as a table of the main
    schema (<model>__dbt_tmp<time>): drop it once the batch is in (a post-hook). -#}
{% macro drop_python_batch_tables() -%}
    {%- if execute and is_incremental() -%}
        {%- set found = run_query(
            "select table_schema, table_name from information_schema.tables where table_catalog = current_database()"
            ~ " and starts_with(table_name, '" ~ this.identifier ~ "__dbt_tmp')"
        ) -%}
        {%- for row in found.rows -%}
            {%- do run_query('drop table if exists "' ~ row[0] ~ '"."' ~ row[1] ~ '"') -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
