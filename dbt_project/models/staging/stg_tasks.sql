-- A department's key tasks for the year (年度重点工作任务), from its department table.
select
    document_key,
    row_number,
    seq,
    task_name,
    content as task_content,
    cast(amount as decimal(24, 6)) as amount,
    goal as task_goal
from {{ source('jixiao_raw', 'raw_tasks') }}
