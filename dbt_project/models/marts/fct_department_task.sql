-- depends_on: {{ ref('int_changed_departments') }}
-- Each key task (年度重点工作任务) a department's overall targets set for a year.
select
    {{ surrogate_key(["t.document_key", "t.row_number", "t.seq"]) }} as department_task_id,
    r.department_id,
    t.document_key,
    r.budget_year,
    make_date(r.budget_year, 1, 1) as budget_date,
    t.seq,
    t.task_name,
    t.task_content,
    cast(t.amount * r.to_wan_yuan as decimal(22, 6)) as amount_wan,
    t.task_goal
from {{ ref('stg_tasks') }} as t
join {{ ref('int_department_rows') }} as r using (document_key, row_number)
where {{ in_changed_departments('r.department_id') }}
