{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- depends_on: {{ ref('int_changed_departments') }}
-- Every table row with its department, year and identities; amounts scaled to 万元.
with docs as (
    select * from {{ ref('int_documents') }}
    where {{ in_changed_departments() }}
),

rows as (
    select
        r.*,
        d.department_id,
        d.department_name_current as department_name,
        d.department_name_published,
        d.budget_year,
        -- the department's own unit (…（本级）) keeps its identity when the department is renamed
        case
            when r.unit_name like '%（本级）' or r.unit_name like '%(本级)' then '本级'
            else r.unit_name
        end as unit_key
    from {{ ref('stg_funding_rows') }} as r
    join docs as d using (document_key)
    -- the project tables' rows; a department table's row is int_department_rows
    where r.table_kind = 'project'
)

select
    document_key,
    row_number,
    row_type,
    department_id,
    department_name,
    budget_year,
    unit_name,
    unit_key,
    case when unit_key is not null then {{ surrogate_key(["department_id", "unit_key"]) }} end as unit_id,
    project_name,
    project_code,
    implementing_unit,
    supervising_department,
    department_name_published,
    -- 总计 and each funding source in 万元 (macros/funding_sources.sql)
    {{- funding_columns("cast({key} * to_wan_yuan as decimal(22, 6)) as {key}_wan", project_amount_kinds()) }}
    total as total_printed,
    currency_unit,
    disclosed,
    goal,
    long_term_goal,
    indicators_raw,
    page
from rows
