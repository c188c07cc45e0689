{{ config(post_hook={'sql': '{{ clear_changed_departments() }}', 'transaction': false}) }}
-- The departments an incremental build recomputes (macros/incremental.sql): those holding a
-- document the loader changed (added, replaced, removed or quarantined), now or before.
select department_id
from {{ ref('int_documents') }}
where document_key in (select document_key from {{ source('jixiao_raw', 'raw_changes') }})
union
select previous_department_id
from {{ source('jixiao_raw', 'raw_changes') }}
where previous_department_id is not null
