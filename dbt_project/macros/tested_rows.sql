{#
  A blocking data test checks the rows the build changed, not the whole history.

  An incremental build leaves every row of an unchanged department as it was (macros/incremental.sql),
  and those rows passed every test when they were built: a test that reads the whole table again
  reads, at 10,000 documents, hundreds of thousands of rows it has already checked (the tests were
  a third of dbt's work adding one document). So a test of
    * an incremental model recomputed by department by appending (meta recomputed_by: department,
      incremental_strategy: append) reads the changed departments' rows only
      (int_changed_departments), and
    * a staging view of the documents' rows marked `meta: {tested_on: changed_documents}` reads the
      changed documents' rows only (raw_changes);
  every other model (views of the load's bookkeeping, tables built whole, the two merged dimensions,
  seeds) is tested whole, and so is every test at warn severity: a warning says what the warehouse
  holds (a real table whose 合计 is not the sum of its parts), and each build says it again. A build from nothing lists every document as changed: it tests
  everything. A change to a model or a test changes the dbt project, and with it every table is
  built (and tested) again from nothing. Keys stay checked on every row: DuckDB enforces them.

  Run by hand, `dbt build --vars '{test_everything: true}'` tests every row (with no changes
  listed, the scoped tests read nothing).

  This is dbt's own hook for a test's `where` config (get_where_subquery); a test's own `where`,
  if it has one, still applies.
#}
{% macro default__get_where_subquery(relation) -%}
    {#- (one macro: dbt dispatches it from its own namespace, where the project's other macros are not
        all in scope while it parses) -#}
    {%- set filters = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- do filters.append(where) -%}
    {%- endif -%}
    {%- set blocking = (config.get('severity') or 'error') | lower == 'error' -%}
    {%- set tested = graph.nodes.get(model.attached_node or '') if execute and blocking
            and not var('test_everything', false) -%}
    {%- if tested and tested.resource_type == 'model' -%}
        {#- the rows of the model the test is attached to that this build changed -#}
        {%- set meta = tested.config.meta or {} -%}
        {%- if tested.config.materialized == 'incremental' and tested.config.incremental_strategy == 'append'
                and meta.get('recomputed_by') == 'department' -%}
            {%- set changed = graph.nodes['model.' ~ project_name ~ '.int_changed_departments'] -%}
            {%- do filters.append('department_id in (select department_id from ' ~ changed.relation_name ~ ')') -%}
        {%- elif meta.get('tested_on') == 'changed_documents' -%}
            {%- set changes = graph.sources['source.' ~ project_name ~ '.jixiao_raw.raw_changes'] -%}
            {%- do filters.append('document_key in (select document_key from ' ~ changes.relation_name ~ ')') -%}
        {%- endif -%}
    {%- endif -%}
    {%- if filters -%}
        {%- set filtered -%}
            (select * from {{ relation }} where ({{ filters | join(') and (') }})) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
