-- Documents with their department under its current name (aliases applied).
select
    d.*,
    d.department_name as department_name_published,
    coalesce(a.department_name, d.department_name) as department_name_current,
    {{ surrogate_key(["coalesce(a.department_name, d.department_name)"]) }} as department_id
from {{ ref('stg_documents') }} as d
left join {{ ref('department_aliases') }} as a
    on a.alias_name = d.department_name
