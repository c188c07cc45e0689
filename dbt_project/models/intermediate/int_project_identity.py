"""Project identity across years (see jixiao.identity): curated aliases, then the same
normalized name, then fuzzy matching against the previous year's unmatched projects,
within one department (its region and name) and unit. One row per project row, with the
method and score.

Incremental (macros/incremental.sql): a build matches the changed departments only (the
unit of matching is a department's unit), and replaces their rows."""

from jixiao.identity import Item, as_relation, assign, normalize_project_name


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append", on_schema_change="fail")
    project_rows = dbt.ref("int_project_rows")
    if dbt.is_incremental:
        project_rows = project_rows.join(dbt.ref("int_changed_departments"), "department_id")
    rows = project_rows.project(
        "document_key, row_number, department_id, department_name, department_name_published, unit_key,"
        " budget_year, project_name"
    ).fetchall()
    ids_by_name: dict[str, set[str]] = {}
    for _doc, _row, dept_id, dept, *_rest in rows:
        ids_by_name.setdefault(dept, set()).add(dept_id)
    aliases = {}
    for department, alias, name in (
        dbt.ref("project_aliases").project("department_name, alias_name, project_name").fetchall()
    ):
        for dept_id in ids_by_name.get(department, ()):
            aliases[(dept_id, normalize_project_name(alias, department))] = normalize_project_name(name, department)
    items = [
        Item((doc, row), (dept_id, unit_key), year, name or "", normalize_project_name(name, published))
        for doc, row, dept_id, _dept, published, unit_key, year, name in rows
    ]
    normalized = {it.key: it.normalized for it in items}
    department = {(doc, row): dept_id for doc, row, dept_id, *_rest in rows}
    matches = assign(items, aliases=aliases)
    return as_relation(
        session,
        "_project_identity",
        [
            ("document_key", "varchar"),
            ("row_number", "integer"),
            ("project_id", "varchar"),
            ("project_name_normalized", "varchar"),
            ("match_method", "varchar"),
            ("match_score", "double"),
            ("matched_name", "varchar"),
            ("matched_year", "integer"),
            ("department_id", "varchar"),
        ],
        [
            (
                m.key[0], m.key[1], m.identity, normalized[m.key], m.method, m.score, m.matched_name, m.matched_year,
                department[m.key],
            )
            for m in matches
        ],
    )
