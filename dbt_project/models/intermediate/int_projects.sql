-- Project rows with a project identity that holds across years: same department, same
-- unit, same normalized name. A name repeated within one table gets an ordinal.
with projects as (
    select
        *,
        row_number() over (
            partition by document_key, unit_key, project_name_normalized order by row_number
        ) as occurrence
    from {{ ref('int_funding_rows') }}
    where row_type = 'project'
)

select
    *,
    {{ surrogate_key(["department_id", "unit_key", "project_name_normalized", "occurrence"]) }} as project_id
from projects
