-- Project rows, before identity: what the identity model matches across years.
select *
from {{ ref('int_funding_rows') }}
where row_type = 'project'
