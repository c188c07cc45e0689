"""Indicator identity across years: within one project and its categories, the same
normalized name, else a close one (a reworded indicator).

Incremental (macros/incremental.sql): a build matches the indicators of the changed
departments only (projects belong to one department), and replaces their rows."""

from jixiao.identity import INDICATOR_THRESHOLD, Item, as_relation, assign, normalize_indicator_name


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append", on_schema_change="fail")
    inds = dbt.ref("stg_indicators").project("document_key, row_number, seq, level1, level2, indicator_name")
    projects = dbt.ref("int_projects")
    if dbt.is_incremental:
        projects = projects.join(dbt.ref("int_changed_departments"), "department_id")
    projects = projects.project("document_key, row_number, project_id, budget_year, department_id")
    rows = (
        inds.join(projects, "document_key, row_number")
        .project(
            "document_key, row_number, seq, project_id, level1, level2, budget_year, indicator_name, department_id"
        )
        .fetchall()
    )
    items = [
        Item((doc, row, seq), (project, level1 or "", level2 or ""), year, name or "", normalize_indicator_name(name))
        for doc, row, seq, project, level1, level2, year, name, _dept in rows
    ]
    normalized = {it.key: it.normalized for it in items}
    department = {(doc, row, seq): dept for doc, row, seq, *_rest, dept in rows}
    matches = assign(items, threshold=INDICATOR_THRESHOLD)
    return as_relation(
        session,
        "_indicator_identity",
        [
            ("document_key", "varchar"),
            ("row_number", "integer"),
            ("seq", "integer"),
            ("indicator_id", "varchar"),
            ("indicator_name_normalized", "varchar"),
            ("match_method", "varchar"),
            ("match_score", "double"),
            ("matched_name", "varchar"),
            ("department_id", "varchar"),
        ],
        [
            (
                m.key[0], m.key[1], m.key[2], m.identity, normalized[m.key], m.method, m.score, m.matched_name,
                department[m.key],
            )
            for m in matches
        ],
    )
