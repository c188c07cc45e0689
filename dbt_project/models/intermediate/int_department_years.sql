-- The years each department has a document for, each with the department's previous
-- loaded year: what every year-over-year comparison compares against.
select
    department_id,
    budget_year,
    lag(budget_year) over (partition by department_id order by budget_year) as prev_year
from (select distinct department_id, budget_year from {{ ref('int_documents') }})
