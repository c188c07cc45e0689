{#- The amount columns (funding sources) of the warehouse, from the `funding_sources` var of
    dbt_project.yml: a copy of jixiao.parser.vocabulary.FUNDING_SOURCES, kept equal by
    tests/test_funding_sources.py. No model spells the amount columns out; each takes them
    from here, so a source added to the vocabulary (and the var) reaches every model.
    See docs/adding_a_funding_source.md. -#}

{#- The funding sources of the given kinds (every one when `kinds` is none), in output order;
    each a mapping with `key`, `heading` and `kind`. -#}
{% macro funding_sources(kinds=none) %}
    {%- set out = [] -%}
    {%- for s in var('funding_sources') -%}
        {%- if kinds is none or s['kind'] in kinds -%}
            {%- do out.append(s) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(out) -}}
{% endmacro %}

{#- The kinds a project's funding carries: its total and its sources (基本支出 / 项目支出 split
    a department's budget, not a project's). -#}
{% macro project_amount_kinds() %}
    {{- return(['total', 'source', 'appropriation_part']) -}}
{% endmacro %}

{#- The key of the source the appropriation_part kind splits (财政拨款): a part's
    parent_source in the long-form funding. -#}
{% macro appropriation_key() %}
    {{- return('fiscal_appropriation') -}}
{% endmacro %}

{#- The kinds that say where money comes from (what mart_funding_source_mix lists). -#}
{% macro source_kinds() %}
    {{- return(['source', 'appropriation_part']) -}}
{% endmacro %}

{#- One select item per funding source of the given kinds: `template` with every `{key}`
    replaced by the source's key, e.g. "cast({key} * to_wan_yuan as decimal(22, 6)) as {key}_wan".
    Each item ends in a comma: put the call between two other select items. -#}
{% macro funding_columns(template, kinds=none) -%}
    {%- for s in funding_sources(kinds) %}
    {{ template | replace('{key}', s['key']) }},
    {%- endfor -%}
{%- endmacro %}

{#- Fail the build when a staged document printed an amount column the `funding_sources` var
    does not list (the vocabulary gained a source the var lacks): its amounts would otherwise
    be left out of every model without a word. Runs when the model is built. -#}
{% macro assert_known_funding_sources() %}
    {%- if execute -%}
        {%- set known = [] -%}
        {%- for s in funding_sources() -%}{%- do known.append(s['key']) -%}{%- endfor -%}
        {%- set query -%}
            select distinct trim(k) as amount_key, min(document_key) as document_key
            from (
                select document_key, unnest(string_split(amount_columns, ',')) as k
                from {{ source('jixiao_raw', 'raw_documents') }}
                where amount_columns is not null
            )
            where trim(k) <> ''
            group by 1
            order by 1
        {%- endset -%}
        {%- set unknown = [] -%}
        {%- for row in run_query(query).rows -%}
            {%- if row[0] not in known -%}
                {%- do unknown.append(row[0] ~ ' (' ~ row[1] ~ ')') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(
                "staged documents print amount columns the funding_sources var of dbt_project.yml "
                ~ "does not list: " ~ unknown | join(', ')
                ~ ". Copy jixiao.parser.vocabulary.FUNDING_SOURCES into the var "
                ~ "(docs/adding_a_funding_source.md; tests/test_funding_sources.py shows the lines).") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
