{#- Reconciliation within a row: the column (e.g. 总计) equals the sum of the given
    columns (the funding sources), empty cells counting as zero, wherever at least one
    of those columns is filled. -#}
{% test equals_sum_of(model, column_name, columns, tolerance=0) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and ({% for c in columns %}{{ c }} is not null{% if not loop.last %} or {% endif %}{% endfor %})
  and abs({{ column_name }} - ({% for c in columns %}coalesce({{ c }}, 0){% if not loop.last %} + {% endif %}{% endfor %})) > {{ tolerance }}
{% endtest %}
