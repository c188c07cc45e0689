-- Indicators with their project's identity, category codes, and an identity of their
-- own across years: same project, same categories, same normalized name.
with inds as (
    select
        i.*,
        p.project_id,
        p.unit_id,
        p.department_id,
        p.budget_year,
        {{ normalize_indicator_name("i.indicator_name") }} as indicator_name_normalized
    from {{ ref('stg_indicators') }} as i
    join {{ ref('int_projects') }} as p
        on p.document_key = i.document_key and p.row_number = i.row_number
),

coded as (
    select
        inds.*,
        c1.category_code as level1_code,
        c2.category_code as level2_code,
        row_number() over (
            partition by document_key, project_id, level1, level2, indicator_name_normalized order by seq
        ) as occurrence
    from inds
    left join {{ ref('indicator_categories') }} as c1
        on c1.category_level = 1 and c1.category_name = inds.level1
    left join {{ ref('indicator_categories') }} as c2
        on c2.category_level = 2 and c2.category_name = inds.level2 and c2.level1_name = inds.level1
)

select
    *,
    {{ surrogate_key(["project_id", "level1", "level2", "indicator_name_normalized", "occurrence"]) }}
        as indicator_id
from coded
