-- Where each department's project money comes from, by year (万元 and share of 总计).
with f as (
    select * from {{ ref('fct_project_funding') }}
),

by_source as (
    -- one branch per funding source (macros/funding_sources.sql)
    {% for s in funding_sources(source_kinds()) %}
    select department_id, budget_year, '{{ s.key }}' as source, '{{ s.heading }}' as source_label,
        sum({{ s.key }}_wan) as amount_wan, count({{ s.key }}_wan) as projects_with_source
    from f
    group by department_id, budget_year
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

totals as (
    select department_id, budget_year, sum(total_wan) as total_wan from f group by department_id, budget_year
)

select
    {{ surrogate_key(["s.department_id", "s.budget_year", "s.source"]) }} as source_mix_id,
    s.department_id,
    d.department_name,
    s.budget_year,
    s.source,
    s.source_label,
    coalesce(s.amount_wan, 0) as amount_wan,
    case when t.total_wan > 0 then round(coalesce(s.amount_wan, 0) / t.total_wan, 4) end as share_of_total,
    s.projects_with_source
from by_source as s
join totals as t using (department_id, budget_year)
join {{ ref('dim_department') }} as d on d.department_id = s.department_id
where coalesce(s.amount_wan, 0) <> 0
