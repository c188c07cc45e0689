{{ config(materialized='table') }}
-- A table built whole each time: its ranks compare each department with every other of its
-- function (one row per department and year: small).
-- Departments of one function side by side across regions and years (北京市统计局 beside
-- 烟台市统计局): their money (projects, and the department's overall budget where it
-- publishes one), how many projects and targets, and how measurable the targets are.
-- One row per department and year; compare rows of the same function_code.
with projects as (
    select department_id, budget_year, project_count, projects_total_wan, withheld_total_wan
    from {{ ref('fct_department_funding') }}
),

project_indicators as (
    select
        department_id,
        budget_year,
        count(*) as indicator_count,
        count(*) filter (where target_value is not null) as quantified_count,
        count(*) filter (where level1 = '产出指标') as output_count,
        count(*) filter (where level1 = '效益指标') as outcome_count,
        count(*) filter (where level1 = '满意度指标') as satisfaction_count,
        count(*) filter (where level1 = '成本指标') as cost_count
    from {{ ref('fct_indicator_target') }}
    group by department_id, budget_year
),

overall as (
    select * from {{ ref('fct_department_target') }}
),

years as (
    select distinct department_id, budget_year from {{ ref('int_documents') }}
),

rows as (
    select
        d.function_code,
        d.function_name,
        d.region_name,
        d.district_name,
        y.department_id,
        d.department_name,
        y.budget_year,
        make_date(y.budget_year, 1, 1) as budget_date,
        coalesce(p.project_count, 0) as project_count,
        coalesce(p.projects_total_wan, 0) as projects_total_wan,
        o.total_wan as department_budget_wan,
        o.basic_expenditure_wan,
        o.project_expenditure_wan,
        coalesce(i.indicator_count, 0) as project_indicator_count,
        case when p.project_count > 0 then round(coalesce(i.indicator_count, 0) / p.project_count, 2) end
            as indicators_per_project,
        case when i.indicator_count > 0 then round(i.quantified_count / i.indicator_count * 100, 2) end
            as quantified_pct,
        case when i.indicator_count > 0 then round(i.output_count / i.indicator_count * 100, 2) end as output_pct,
        case when i.indicator_count > 0 then round(i.outcome_count / i.indicator_count * 100, 2) end as outcome_pct,
        case when i.indicator_count > 0 then round(i.satisfaction_count / i.indicator_count * 100, 2) end
            as satisfaction_pct,
        case when i.indicator_count > 0 then round(i.cost_count / i.indicator_count * 100, 2) end as cost_pct,
        coalesce(o.indicator_count, 0) as department_indicator_count,
        coalesce(o.task_count, 0) as department_task_count,
        o.department_id is not null as has_department_targets
    from years as y
    join {{ ref('dim_department') }} as d using (department_id)
    left join projects as p using (department_id, budget_year)
    left join project_indicators as i using (department_id, budget_year)
    left join overall as o using (department_id, budget_year)
)

select
    {{ surrogate_key(["department_id", "budget_year"]) }} as comparison_id,
    *,
    count(*) over (partition by function_code, function_name, budget_year) as peers_in_year,
    rank() over (
        partition by function_code, function_name, budget_year order by projects_total_wan desc
    ) as rank_by_project_funding
from rows
