{{ config(
    incremental_strategy='merge',
    unique_key='document_key',
    merge_clauses={
        'when_matched': [{'action': 'update', 'mode': 'explicit', 'update': {'exclude': ['document_key', 'department_id', 'region_id']}}],
        'when_not_matched': [{'action': 'insert', 'mode': 'by_name'}],
    },
) }}
-- depends_on: {{ ref('int_changed_departments') }}
-- Incremental by department like the other marts (the changed departments' documents are cleared
-- first), and one thing more: a document only listed elsewhere (another manifest, line or
-- location) changes no department, but its row here changes. So every document's row is computed
-- (one row a document: cheap) and those that differ from the table's are merged in. The update
-- leaves the key and the foreign keys alone: DuckDB updates an indexed column by deleting the row
-- and inserting it again, which the facts' references to the row forbid (and a listing never
-- changes them).
-- One row per loaded document: where it came from and how it was read.
select
    document_key,
    department_id,
    region_id,
    department_name_published,
    budget_year,
    source_location,
    manifest_file,
    manifest_line,
    sha256,
    file_bytes,
    page_count,
    table_first_page,
    table_last_page,
    fetched_at,
    parsed_at,
    parser_version,
    layout,
    department_layout,
    table_kinds,
    region_source,
    currency_unit,
    amount_columns,
    row_count,
    indicator_count,
    parser_reconciled,
    warning_count,
    warnings,
    notes
from {{ ref('int_documents') }}
{% if is_incremental() -%}
except
select * from {{ this }}
{%- endif %}
