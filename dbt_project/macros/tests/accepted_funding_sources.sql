{#- Every value is the key of a funding source of the given kinds (every kind when none), or
    one of `extra` (not_itemised, say): an accepted_values test whose list is the
    `funding_sources` var. -#}
{% test accepted_funding_sources(model, column_name, kinds=none, extra=[]) %}
select {{ column_name }} as value_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
  and {{ column_name }} not in ({% for s in funding_sources(kinds) %}'{{ s['key'] }}'{% if not loop.last %}, {% endif %}{% endfor %}{% for e in extra %}, '{{ e }}'{% endfor %})
group by {{ column_name }}
{% endtest %}
