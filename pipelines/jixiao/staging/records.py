"""An extraction (the parser's JSON form) as staging rows for one document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..parser.errors import MultipleTablesError
from ..parser.text import squash
from ..parser.vocabulary import AMOUNT_KEYS
from ..sources.fetch import Fetched
from ..sources.manifest import Entry
from .schema import CHECKS, DOCUMENT_TABLES, DOCUMENTS, FUNDING_ROWS, INDICATORS, LOAD_ERRORS, TASKS, Table

Rows = dict[str, list[tuple[Any, ...]]]  # table name -> rows in column order


@dataclass(frozen=True)
class StagedSummary:
    rows: int
    indicators: int
    pages: tuple[int, int]
    page_count: int
    layout: str
    reconciled: bool
    warnings: list[str]
    department_in_document: str | None


def pick_tables(extractions: list[dict[str, Any]], entry: Entry) -> list[dict[str, Any]]:
    """The tables of the entry's department, in page order: its project targets and its
    overall (department) targets. A file may hold several departments' tables."""
    names = {squash(ex["document"].get("department")) for ex in extractions}
    if len(names) <= 1:
        return extractions
    want = squash(entry.department)
    mine = [ex for ex in extractions if squash(ex["document"].get("department")) == want]
    if mine:
        return mine
    listed = ", ".join(sorted(str(ex["document"].get("department")) for ex in extractions))
    raise MultipleTablesError(
        f"the file holds {len(names)} departments' tables ({listed}) and none is {entry.department}",
        source=entry.location,
    )


class UnknownAmountError(ValueError):
    """A row carries an amount the staging tables have no column for."""


def _row(table: Table, values: dict[str, Any]) -> tuple[Any, ...]:
    """The values in the table's column order; a value with no column is an error, never dropped."""
    unknown = [k for k in values if k not in table.columns_set]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(map(repr, unknown))}")
    return tuple(values.get(c) for c in table.column_names)


def amounts_of(row: dict[str, Any]) -> dict[str, Any]:
    """A row's amounts, each of which must be one of the vocabulary's amount keys: an amount
    the staging tables do not know fails the document instead of vanishing."""
    amounts: dict[str, Any] = row.get("amounts") or {}
    unknown = [k for k in amounts if k not in AMOUNT_KEYS]
    if unknown:
        raise UnknownAmountError(
            f"the row {row.get('unit') or ''} / {row.get('project') or ''} (page {row.get('page')}) has amount "
            f"{', '.join(map(repr, unknown))}, which the staging tables have no column for "
            "(every amount key must be listed in AMOUNT_COLUMNS, jixiao/parser/vocabulary.py)"
        )
    return amounts


def duplicate_projects(tables: list[dict[str, Any]]) -> list[str]:
    """Projects listed twice under the same unit with the same money and goal ("unit /
    project (pages 3, 4)"): a table read twice. One name over several budget lines, each
    with its own amount (北京), is not a duplicate."""
    seen: dict[tuple[str, ...], list[int]] = {}
    rows = [r for t in tables for r in t["rows"] if r["row_type"] == "project"]
    for r in rows:
        seen.setdefault(_identity(r), []).append(r["page"])
    out = []
    for r in rows:
        pages = seen.pop(_identity(r), [])
        if len(pages) > 1:
            out.append(f"{r['unit']} / {r['project']} (pages {', '.join(map(str, pages))})")
    return out


def _identity(r: dict[str, Any]) -> tuple[str, ...]:
    amounts = tuple(str(r["amounts"].get(k)) for k in sorted(r["amounts"]))
    return (squash(r["unit"]), squash(r["project"]), squash(r.get("goal")), *amounts)


def staging_rows(
    tables: list[dict[str, Any]], entry: Entry, fetched: Fetched, *, parsed_at: str | None = None
) -> tuple[Rows, StagedSummary]:
    key = entry.key
    projects = [t for t in tables if t["document"].get("kind", "project") == "project"]
    departments = [t for t in tables if t["document"].get("kind") == "department"]
    main = (projects or departments)[0]
    doc = main["document"]
    rows = [r for t in tables for r in t["rows"]]
    indicators = [i for t in tables for i in t["indicators"]]
    warnings = [w for t in tables for w in t.get("warnings", [])]
    if doc.get("department") and squash(doc["department"]) != squash(entry.department):
        warnings.append(f"the document names its department {doc['department']}, the manifest {entry.department}")
    if doc.get("year") and doc["year"] != entry.year and doc.get("year_source") != "manifest":
        warnings.append(f"the document reads as year {doc['year']}, the manifest says {entry.year}")
    region = entry.region or doc.get("region")
    if entry.region and doc.get("region") and entry.region != doc.get("region"):
        warnings.append(f"the document reads as region {doc['region']}, the manifest says {entry.region}")
    reconciled = all(bool(t.get("reconciliation", {}).get("ok", True)) for t in tables)
    out: Rows = {t.name: [] for t in DOCUMENT_TABLES}
    out[DOCUMENTS.name].append(
        _row(
            DOCUMENTS,
            {
                "document_key": key,
                "department": entry.department,
                "year": entry.year,
                "department_in_document": doc.get("department"),
                "year_in_document": doc.get("year") if doc.get("year_source") != "manifest" else None,
                "source_location": entry.location,
                "manifest_file": str(entry.manifest),
                "manifest_line": entry.line,
                "sha256": fetched.sha256,
                "bytes": fetched.size,
                "fetched_at": fetched.fetched_at,
                "parsed_at": parsed_at or datetime.now(UTC).isoformat(timespec="seconds"),
                "parser_version": main.get("parser_version"),
                "page_count": doc.get("page_count"),
                "table_first_page": min(t["document"]["pages"][0] for t in tables),
                "table_last_page": max(t["document"]["pages"][1] for t in tables),
                "layout": main["document"].get("layout") if projects else None,
                "currency_unit": doc.get("currency_unit"),
                "amount_columns": ",".join(
                    dict.fromkeys(k for t in tables for k in t["document"].get("amount_columns", []))
                ),
                "row_count": len(rows),
                "indicator_count": len(indicators),
                "reconciled": reconciled,
                "warnings": json.dumps(warnings, ensure_ascii=False),
                "notes": entry.notes,
                "region": region,
                "district": entry.district or doc.get("district"),
                "region_source": "manifest" if entry.region else ("document" if doc.get("region") else None),
                "table_kinds": ",".join(dict.fromkeys(t["document"].get("kind", "project") for t in tables)),
                "department_layout": departments[0]["document"].get("layout") if departments else None,
            },
        )
    )
    number = 0
    for table_number, t in enumerate(tables, start=1):
        kind = t["document"].get("kind", "project")
        scale_rows = t["rows"]
        first = number + 1
        for r in scale_rows:
            number += 1
            out[FUNDING_ROWS.name].append(
                _row(
                    FUNDING_ROWS,
                    {
                        "document_key": key,
                        "row_number": number,
                        "table_number": table_number,
                        "table_kind": kind,
                        "currency_unit": t["document"].get("currency_unit"),
                        **{
                            k: r.get(k)
                            for k in (
                                "row_type",
                                "unit",
                                "project",
                                "project_code",
                                "goal",
                                "long_term_goal",
                                "indicators_raw",
                                "implementing_unit",
                                "supervising_department",
                                "disclosed",
                                "page",
                            )
                        },
                        **amounts_of(r),
                        "warnings": json.dumps(r.get("warnings", []), ensure_ascii=False),
                    },
                )
            )
            for seq, task in enumerate(r.get("tasks") or [], start=1):
                out[TASKS.name].append(
                    _row(
                        TASKS,
                        {
                            "document_key": key,
                            "row_number": number,
                            "seq": seq,
                            "task_name": task.get("name"),
                            "content": task.get("content"),
                            "amount": task.get("amount"),
                            "goal": task.get("goal"),
                        },
                    )
                )
        for row_number, ind in link_indicators(scale_rows, t["indicators"], first):
            out[INDICATORS.name].append(
                _row(
                    INDICATORS,
                    {
                        "document_key": key,
                        "row_number": row_number,
                        "table_kind": kind,
                        **{
                            k: ind.get(k)
                            for k in (
                                "unit",
                                "project",
                                "seq",
                                "level1",
                                "level2",
                                "period_target",
                                "annual_target",
                                "op",
                                "value_unit",
                                "page",
                                "nature",
                                "weight",
                                "core",
                                "scoring_rule",
                                "value_type",
                            )
                        },
                        "indicator_name": ind.get("name"),
                        "target_value": ind.get("value"),
                    },
                )
            )
        for c in t.get("reconciliation", {}).get("checks", []):
            out[CHECKS.name].append(
                _row(
                    CHECKS,
                    {
                        "document_key": key,
                        "check_name": c["check"],
                        "scope": c["scope"],
                        "expected": c["expected"],
                        "actual": c["actual"],
                        "ok": c["ok"],
                        "status": c.get("status"),
                        "tolerance": c.get("tolerance"),
                        "table_kind": kind,
                    },
                )
            )
    summary = StagedSummary(
        rows=len(rows),
        indicators=len(indicators),
        pages=(min(t["document"]["pages"][0] for t in tables), max(t["document"]["pages"][1] for t in tables)),
        page_count=doc.get("page_count") or 0,
        layout=doc.get("layout") or "",
        reconciled=reconciled,
        warnings=warnings,
        department_in_document=doc.get("department"),
    )
    return out, summary


def link_indicators(
    rows: list[dict[str, Any]], indicators: list[dict[str, Any]], first: int = 1
) -> list[tuple[int, dict[str, Any]]]:
    """Pair each indicator with the row number of its row (the parser links them: ``row``,
    the row's index in the table); an indicator it could not link keeps row number 0."""
    out = []
    for ind in indicators:
        index = ind.get("row")
        number = first + index if isinstance(index, int) and 0 <= index < len(rows) else 0
        out.append((number, ind))
    return out


def error_row(
    key: str, department: str | None, year: int | None, stage: str, kind: str, message: str, location: str | None
) -> tuple[Any, ...]:
    return _row(
        LOAD_ERRORS,
        {
            "document_key": key,
            "department": department,
            "year": year,
            "stage": stage,
            "error_kind": kind,
            "message": message,
            "source_location": location,
            "occurred_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
