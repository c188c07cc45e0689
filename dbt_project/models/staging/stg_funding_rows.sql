-- The rows of each table, typed; amounts in the table's own currency unit, with the
-- precision printed (北京 prints six decimals). The amount columns are the funding_sources
-- var (macros/funding_sources.sql): every one the parser reads.
{{ assert_known_funding_sources() }}
select
    document_key,
    row_number,
    table_number,
    coalesce(table_kind, 'project') as table_kind,
    currency_unit,
    -- the table's amounts in 万元 (a document's tables may print different units)
    case currency_unit when '元' then 0.0001 when '千元' then 0.1 when '亿元' then 10000 else 1 end as to_wan_yuan,
    row_type,
    nullif(trim(unit), '') as unit_name,
    nullif(trim(project), '') as project_name,
    nullif(trim(project_code), '') as project_code,
    {{- funding_columns("cast({key} as decimal(24, 6)) as {key}") }}
    goal,
    long_term_goal,
    indicators_raw,
    nullif(trim(implementing_unit), '') as implementing_unit,
    nullif(trim(supervising_department), '') as supervising_department,
    disclosed,
    page,
    cast(warnings as json) as warnings
from {{ source('jixiao_raw', 'raw_funding_rows') }}
