{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- depends_on: {{ ref('int_changed_departments') }}
-- Project rows, before identity: what the identity model matches across years.
select *
from {{ ref('int_funding_rows') }}
where row_type = 'project'
    and {{ in_changed_departments() }}
