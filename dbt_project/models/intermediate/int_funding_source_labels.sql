-- The funding sources a long-form funding row can name: every source of the
-- `funding_sources` var (macros/funding_sources.sql) with its printed heading, and
-- `not_itemised` (未分列) for a total's part no printed source accounts for.
{% for s in funding_sources(['source', 'appropriation_part']) %}
select '{{ s.key }}' as source, '{{ s.heading }}' as source_label, '{{ s.kind }}' as source_kind, {{ loop.index }} as sort_order
union all
{% endfor %}
select 'not_itemised', '未分列', 'not_itemised', 99
