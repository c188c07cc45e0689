-- depends_on: {{ ref('int_changed_departments') }}
-- How much of each department's project funding is published without details
-- (项目信息不宜公开), by year: 万元 and percent of the projects' total (0–100).
select
    {{ surrogate_key(["f.department_id", "f.budget_year"]) }} as withheld_id,
    f.department_id,
    d.department_name,
    f.budget_year,
    f.budget_date,
    f.projects_total_wan,
    f.withheld_total_wan,
    f.withheld_pct,
    f.project_count,
    f.withheld_project_count
from {{ ref('fct_department_funding') }} as f
join {{ ref('dim_department') }} as d using (department_id)
where {{ in_changed_departments('f.department_id') }}
