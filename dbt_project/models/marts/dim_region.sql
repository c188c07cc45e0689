-- One row per region the warehouse holds departments of: the city-level division
-- (广州市, 北京市) and, for a district's departments, its 区/县.
select
    region_id,
    any_value(region) as region_name,
    any_value(district) as district_name,
    case
        when any_value(region) is null then 'unknown'
        when any_value(district) is null then 'city'
        else 'district'
    end as region_level,
    count(distinct department_id) as department_count,
    min(budget_year) as first_year,
    max(budget_year) as last_year
from {{ ref('int_documents') }}
group by region_id
