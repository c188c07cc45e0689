-- Documents with their department under its current name (aliases applied), its region
-- and its identity: a department is its region and its name (北京市统计局 and 烟台市统计局
-- are two departments of one function), and its function (统计) from department_functions.
with docs as (
    select
        d.*,
        d.department_name as department_name_published,
        coalesce(a.department_name, d.department_name) as department_name_current
    from {{ ref('stg_documents') }} as d
    left join {{ ref('department_aliases') }} as a
        on a.alias_name = d.department_name
),

keywords as (
    select function_code, function_name, unnest(string_split(keywords, '|')) as keyword
    from {{ ref('department_functions') }}
),

functions as (
    select
        d.document_key,
        k.function_code,
        k.function_name,
        row_number() over (partition by d.document_key order by length(k.keyword) desc, k.function_code) as pick
    from docs as d
    join keywords as k on contains(d.department_name_current, k.keyword)
)

select
    d.*,
    {{ surrogate_key(["d.region", "d.district"]) }} as region_id,
    {{ surrogate_key(["d.region", "d.department_name_current"]) }} as department_id,
    f.function_code,
    -- a department no keyword names keeps its own name, without its region, as its function
    coalesce(
        f.function_name,
        regexp_replace(
            regexp_replace(d.department_name_current, '^(中共|中国共产党)?' || coalesce(d.region, ''), ''),
            '^' || coalesce(d.district, ''),
            ''
        )
    ) as function_name
from docs as d
left join functions as f
    on f.document_key = d.document_key and f.pick = 1
