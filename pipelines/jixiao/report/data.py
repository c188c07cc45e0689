"""What the department report shows, read from the published warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ..warehouse.build import META_TABLE


class ReportError(Exception):
    """The report cannot be made (unknown department, no warehouse, no years)."""


@dataclass
class ReportData:
    department: str
    names_published: list[str]
    years: list[int]
    totals: list[dict[str, Any]]  # per year: total, change, projects, new/dropped/renamed
    projects: list[dict[str, Any]]  # per project: unit, name, amounts by year
    changes: list[dict[str, Any]]  # the latest comparison: project, before, after, change, status
    indicator_counts: list[dict[str, Any]]  # per year and status
    indicator_moves: list[dict[str, Any]]  # targets tightened / loosened
    withheld: list[dict[str, Any]]  # per year
    sources: list[dict[str, Any]]  # per year and funding source
    project_changes: list[dict[str, Any]]  # new / dropped / renamed, for review
    built_at: str | None
    warehouse: Path


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [
        dict(zip(cols, (float(v) if isinstance(v, Decimal) else v for v in row), strict=True)) for row in cur.fetchall()
    ]


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``2023-2026`` or ``2025`` → (first, last)."""
    if not text:
        return None
    parts = text.replace("–", "-").split("-")
    try:
        first, last = int(parts[0]), int(parts[-1])
    except ValueError as exc:
        raise ReportError(f"--years must look like 2023-2026, not {text!r}") from exc
    if first > last:
        first, last = last, first
    return first, last


def load_report(warehouse: Path, department: str, years: tuple[int, int] | None = None) -> ReportData:
    if not warehouse.exists():
        raise ReportError(f"no warehouse at {warehouse}: run `jixiao load` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute(
            "select department_id, department_name, names_published from dim_department "
            "where department_name = ? or list_contains(string_split(names_published, '；'), ?)",
            [department, department],
        ).fetchone()
        if found is None:
            known = [r[0] for r in con.execute("select department_name from dim_department order by 1").fetchall()]
            raise ReportError(f"no department {department!r} in the warehouse; it has: {', '.join(known)}")
        dept_id, name, published = found
        all_years = [
            r[0]
            for r in con.execute(
                "select distinct budget_year from fct_department_funding where department_id = ? order by 1", [dept_id]
            ).fetchall()
        ]
        lo, hi = years or (min(all_years), max(all_years))
        chosen = [y for y in all_years if lo <= y <= hi]
        if not chosen:
            raise ReportError(f"{name} has no document in {lo}–{hi} (years loaded: {', '.join(map(str, all_years))})")
        p = [dept_id, chosen[0], chosen[-1]]
        totals = _rows(
            con,
            "select * from mart_department_funding_yoy where department_id = ? "
            "and budget_year between ? and ? order by budget_year",
            p,
        )
        funding = _rows(
            con,
            """
            select f.project_id, u.unit_name, dp.latest_project_name as project_name, f.budget_year, f.total_wan
            from fct_project_funding f
            join dim_project dp using (project_id)
            join dim_unit u on u.unit_id = f.unit_id
            where f.department_id = ? and f.budget_year between ? and ?
            order by u.unit_name, dp.latest_project_name, f.budget_year""",
            p,
        )
        projects: dict[str, dict[str, Any]] = {}
        for r in funding:
            entry = projects.setdefault(
                r["project_id"], {"unit": r["unit_name"], "project": r["project_name"], "amounts": {}}
            )
            entry["amounts"][r["budget_year"]] = r["total_wan"]
        latest = chosen[-1]
        changes = _rows(
            con,
            """
            select project_name, unit_name, prev_year, budget_year, prev_amount_wan, amount_wan, change_wan,
                   change_pct, status
            from mart_project_funding_yoy
            where department_id = ? and budget_year = ? and status <> 'first_year'
            order by change_wan desc""",
            [dept_id, latest],
        )
        indicator_counts = _rows(
            con,
            """
            select budget_year, status, count(*) as n from mart_indicator_yoy
            where department_id = ? and budget_year between ? and ? group by 1, 2 order by 1, 2""",
            p,
        )
        indicator_moves = _rows(
            con,
            """
            select budget_year, project_name, indicator_name, prev_annual_target, annual_target, status
            from mart_indicator_yoy
            where department_id = ? and budget_year between ? and ? and status in ('tightened', 'loosened')
            order by budget_year desc, status, project_name""",
            p,
        )
        withheld = _rows(
            con,
            "select * from mart_withheld_share where department_id = ? "
            "and budget_year between ? and ? order by budget_year",
            p,
        )
        sources = _rows(
            con,
            "select budget_year, source_label, amount_wan, share_pct from "
            "mart_funding_source_mix where department_id = ? and budget_year between ? and ? and parent_source is null "
            "order by budget_year, amount_wan desc",
            p,
        )
        project_changes = _rows(
            con,
            """
            select budget_year, change, unit_name, project_name, previous_name, match_method, match_score,
                   prev_amount_wan, amount_wan
            from mart_project_changes where department_id = ? and budget_year between ? and ?
            order by budget_year, change, unit_name""",
            p,
        )
        built = con.execute(f"select built_at from {META_TABLE}").fetchone()
    finally:
        con.close()
    return ReportData(
        name,
        str(published).split("；"),
        chosen,
        totals,
        list(projects.values()),
        changes,
        indicator_counts,
        indicator_moves,
        withheld,
        sources,
        project_changes,
        built[0] if built else None,
        warehouse,
    )
