"""An extraction (the parser's JSON form) as staging rows for one document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..parser.errors import MultipleTablesError
from ..parser.text import squash
from ..sources.fetch import Fetched
from ..sources.manifest import Entry
from .schema import CHECKS, DOCUMENTS, FUNDING_ROWS, INDICATORS, LOAD_ERRORS, Table

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


def pick_extraction(extractions: list[dict[str, Any]], entry: Entry) -> dict[str, Any]:
    """The table of the entry's department (a file may hold several departments')."""
    if len(extractions) == 1:
        return extractions[0]
    want = squash(entry.department)
    for ex in extractions:
        if squash(ex["document"].get("department")) == want:
            return ex
    names = ", ".join(str(ex["document"].get("department")) for ex in extractions)
    raise MultipleTablesError(
        f"the file holds {len(extractions)} departments' tables ({names}) and none is {entry.department}",
        source=entry.location,
    )


def _row(table: Table, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(c) for c in table.column_names)


def duplicate_projects(extraction: dict[str, Any]) -> list[str]:
    """Projects listed twice under the same unit ("unit / project (pages 3, 4)")."""
    seen: dict[tuple[str, str], list[int]] = {}
    for r in extraction["rows"]:
        if r["row_type"] == "project":
            seen.setdefault((squash(r["unit"]), squash(r["project"])), []).append(r["page"])
    out = []
    for r in extraction["rows"]:
        key = (squash(r["unit"]), squash(r["project"]))
        if r["row_type"] == "project" and len(seen.get(key, [])) > 1:
            out.append(f"{r['unit']} / {r['project']} (pages {', '.join(map(str, seen.pop(key)))})")
    return out


def staging_rows(
    extraction: dict[str, Any], entry: Entry, fetched: Fetched, *, parsed_at: str | None = None
) -> tuple[Rows, StagedSummary]:
    doc = extraction["document"]
    key = entry.key
    rows = extraction["rows"]
    warnings = list(extraction.get("warnings", []))
    if doc.get("department") and squash(doc["department"]) != squash(entry.department):
        warnings.append(f"the document names its department {doc['department']}, the manifest {entry.department}")
    if doc.get("year") and doc["year"] != entry.year and doc.get("year_source") != "manifest":
        warnings.append(f"the document reads as year {doc['year']}, the manifest says {entry.year}")
    reconciled = bool(extraction.get("reconciliation", {}).get("ok", True))
    out: Rows = {t.name: [] for t in (DOCUMENTS, FUNDING_ROWS, INDICATORS, CHECKS)}
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
                "parser_version": extraction.get("parser_version"),
                "page_count": doc.get("page_count"),
                "table_first_page": doc["pages"][0],
                "table_last_page": doc["pages"][1],
                "layout": doc.get("layout"),
                "currency_unit": doc.get("currency_unit"),
                "amount_columns": ",".join(doc.get("amount_columns", [])),
                "row_count": len(rows),
                "indicator_count": len(extraction["indicators"]),
                "reconciled": reconciled,
                "warnings": json.dumps(warnings, ensure_ascii=False),
                "notes": entry.notes,
            },
        )
    )
    for n, r in enumerate(rows, start=1):
        out[FUNDING_ROWS.name].append(
            _row(
                FUNDING_ROWS,
                {
                    "document_key": key,
                    "row_number": n,
                    **{k: r[k] for k in ("row_type", "unit", "project", "goal", "indicators_raw", "disclosed", "page")},
                    **r["amounts"],
                    "warnings": json.dumps(r.get("warnings", []), ensure_ascii=False),
                },
            )
        )
    for number, ind in link_indicators(rows, extraction["indicators"]):
        out[INDICATORS.name].append(
            _row(
                INDICATORS,
                {
                    "document_key": key,
                    "row_number": number,
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
                        )
                    },
                    "indicator_name": ind.get("name"),
                    "target_value": ind.get("value"),
                },
            )
        )
    for c in extraction.get("reconciliation", {}).get("checks", []):
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
                },
            )
        )
    summary = StagedSummary(
        rows=len(rows),
        indicators=len(extraction["indicators"]),
        pages=(doc["pages"][0], doc["pages"][1]),
        page_count=doc.get("page_count") or 0,
        layout=doc.get("layout") or "",
        reconciled=reconciled,
        warnings=warnings,
        department_in_document=doc.get("department"),
    )
    return out, summary


def link_indicators(rows: list[dict[str, Any]], indicators: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Pair each indicator with the row number of its project (indicators follow row order)."""
    out = []
    i = 0
    for n, r in enumerate(rows, start=1):
        if r["row_type"] != "project":
            continue
        while i < len(indicators) and (indicators[i]["unit"], indicators[i]["project"]) == (r["unit"], r["project"]):
            out.append((n, indicators[i]))
            i += 1
    for ind in indicators[i:]:  # unmatched (should not happen): keep them, unlinked
        out.append((0, ind))
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
