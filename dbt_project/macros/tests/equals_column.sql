{#- Reconciliation: the column equals another column of the same row wherever both are
    known (e.g. a printed subtotal and the sum of the rows under it). -#}
{% test equals_column(model, column_name, other, tolerance=0) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and {{ other }} is not null
  and abs({{ column_name }} - {{ other }}) > {{ tolerance }}
{% endtest %}
