-- The national framework of indicator categories (level 1 and level 2, with codes).
select
    category_code,
    category_level,
    category_name,
    parent_code,
    level1_name,
    framework,
    description
from {{ ref('indicator_categories') }}
