-- One row per loaded document, typed.
select
    document_key,
    trim(department) as department_name,
    year as budget_year,
    department_in_document,
    year_in_document,
    source_location,
    manifest_file,
    manifest_line,
    sha256,
    bytes as file_bytes,
    cast(fetched_at as timestamptz) as fetched_at,
    cast(parsed_at as timestamptz) as parsed_at,
    parser_version,
    page_count,
    table_first_page,
    table_last_page,
    layout,
    currency_unit,
    -- amounts are reported in 万元; tables printed in 元 are scaled
    case currency_unit when '元' then 0.0001 when '千元' then 0.1 when '亿元' then 10000 else 1 end
        as to_wan_yuan,
    amount_columns,
    row_count,
    indicator_count,
    reconciled as parser_reconciled,
    cast(warnings as json) as warnings,
    json_array_length(cast(warnings as json)) as warning_count,
    notes
from {{ source('jixiao_raw', 'raw_documents') }}
