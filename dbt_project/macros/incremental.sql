{#
  Incremental models: a build recomputes only the departments whose documents
  changed since the last build that passed its tests, never the whole history.

  The loader lists in raw_changes every document whose rows it replaced, added or removed
  (and those a quarantine took out), each with the department the warehouse held it under
  before (previous_department_id, from int_documents). A department is the unit: project and
  indicator identity match a department's rows across its years, so a new year (or a late,
  older one) can change how the department's other years match. int_changed_departments holds
  the departments to recompute: those that hold a changed document now, and those that held
  one before.

  Each incremental model (materialized='incremental', incremental_strategy='append', meta
  recomputed_by: department in dbt_project.yml) selects the rows of those departments only
  (in_changed_departments). Their old rows are deleted before, in one place for every model:
  once int_changed_departments is built, its post-hook (clear_changed_departments) deletes the
  changed departments' rows from every such model, and from every table whose foreign keys
  lead to one, the referencing tables first, each delete committed on its own. One place,
  because the marts declare primary and foreign keys for BI tools, and DuckDB refuses to delete
  a row another table's foreign key still points at, even one deleted earlier in the same
  transaction: a model cannot clear itself in its own pre-hook. A crash between the deletes and
  the inserts leaves the changes listed in raw_changes: the next build does them again.
  Rebuilding the marts whole instead costs more than the rest of the build once the warehouse
  is large: dbt-duckdb copies every table that references a table before it replaces it.

  A full build (a new build file: the first, or after the dbt project, the parser or the
  staging schema changed) selects everything: is_incremental() is false, and there is
  nothing to clear.
#}

{#- `column in (the changed departments)` in an incremental build; true in a full one -#}
{% macro in_changed_departments(column='department_id') -%}
    {%- if is_incremental() -%}
        {{ column }} in (select department_id from {{ ref('int_changed_departments') }})
    {%- else -%}
        true
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


{#- The post-hook of int_changed_departments (outside its transaction): the changed departments'
    rows leave every incremental model recomputed by department that exists, and every table whose foreign
    keys lead to one of them, deepest references first, each delete in its own transaction
    (auto_begin=False: DuckDB commits each statement). -#}
{% macro clear_changed_departments() -%}
    {%- if execute -%}
        {%- set marts = {} -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model'
                and node.config.materialized == 'incremental'
                and (node.config.meta or {}).get('recomputed_by') == 'department' -%}
            {%- do marts.setdefault(node.schema, []).append(node.alias or node.name) -%}
        {%- endfor -%}
        {%- for schema, names in marts.items() -%}
            {%- call statement('clearing_order', fetch_result=True, auto_begin=False) -%}
                with recursive fks as (
                    select table_name, referenced_table from duckdb_constraints()
                    where constraint_type = 'FOREIGN KEY' and database_name = current_database()
                        and schema_name = '{{ schema }}'
                ),
                reach(table_name, depth) as (
                    select table_name, 0 from duckdb_tables()
                    where database_name = current_database() and schema_name = '{{ schema }}'
                        and table_name in ('{{ names | join("', '") }}')
                    union
                    select f.table_name, r.depth + 1 from fks as f join reach as r on f.referenced_table = r.table_name
                )
                select table_name, max(depth) as depth from reach group by table_name order by depth desc, table_name
            {%- endcall -%}
            {%- for row in load_result('clearing_order').table.rows -%}
                {%- call statement('clear_' ~ row[0], auto_begin=False) -%}
                    delete from "{{ schema }}"."{{ row[0] }}"
                    where department_id in (select department_id from {{ this }})
                {%- endcall -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
