-- depends_on: {{ ref('int_changed_departments') }}
{{ config(
    incremental_strategy='merge',
    unique_key='region_id',
    merge_clauses={
        'when_matched': [{'action': 'update', 'mode': 'explicit', 'update': {'exclude': ['region_id']}}],
        'when_not_matched': [{'action': 'insert', 'mode': 'by_name'}, {'by': 'source', 'action': 'delete'}],
    },
    meta={'recomputed_by': 'whole'},
) }}
-- Few rows (a few thousand for the whole country), computed again whole at each build and merged:
-- the departments' and documents' rows reference these, so a region that stays is updated in place,
-- never deleted and inserted again; a new one is added, and one no document holds any more is
-- deleted (by then the departments that referenced it were cleared: macros/incremental.sql).
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
