-- The long-form funding of a project (its rows with no parent_source) adds up to the
-- project's total: not_itemised takes whatever no printed source accounts for.
select f.funding_id, f.total_wan, sum(s.amount_wan) as sources_wan
from {{ ref('fct_project_funding') }} as f
join {{ ref('fct_project_funding_source') }} as s
    on s.funding_id = f.funding_id and s.parent_source is null
where f.total_wan is not null
group by f.funding_id, f.total_wan
having abs(sum(s.amount_wan) - f.total_wan) > 0.000001
