-- depends_on: {{ ref('int_changed_departments') }}
-- Each department's overall targets in each year (部门整体支出绩效目标表): its budget as the
-- table prints it (万元; what a table does not print is null, never computed), its overall
-- goal, and how many key tasks and indicators it sets; beside the project facts.
with changed as (
    select document_key from {{ ref('int_department_rows') }}
    where {{ in_changed_departments() }}
),

indicators as (
    select
        document_key,
        row_number,
        count(*) as indicator_count,
        count(*) filter (where target_value is not null) as quantified_indicator_count,
        count(*) filter (where is_core) as core_indicator_count
    from {{ ref('stg_indicators') }}
    where table_kind = 'department'
        and document_key in (select document_key from changed)
    group by document_key, row_number
),

tasks as (
    select document_key, row_number, count(*) as task_count, sum(amount) as task_amount
    from {{ ref('stg_tasks') }}
    where document_key in (select document_key from changed)
    group by document_key, row_number
)

select
    {{ surrogate_key(["r.department_id", "r.budget_year"]) }} as department_target_id,
    r.department_id,
    r.document_key,
    r.budget_year,
    make_date(r.budget_year, 1, 1) as budget_date,
    -- every amount column's <key>_wan (macros/funding_sources.sql)
    {{- funding_columns("r.{key}_wan") }}
    r.goal,
    coalesce(t.task_count, 0) as task_count,
    cast(t.task_amount * r.to_wan_yuan as decimal(22, 6)) as task_amount_wan,
    coalesce(i.indicator_count, 0) as indicator_count,
    coalesce(i.quantified_indicator_count, 0) as quantified_indicator_count,
    coalesce(i.core_indicator_count, 0) as core_indicator_count,
    r.layout,
    r.page
from {{ ref('int_department_rows') }} as r
left join indicators as i using (document_key, row_number)
left join tasks as t using (document_key, row_number)
where {{ in_changed_departments('r.department_id') }}
