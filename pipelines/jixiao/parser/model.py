"""The extraction: what the parser returns, as plain dataclasses.

The JSON form (:meth:`Extraction.to_dict`) follows the extraction contract, ``docs/extraction.md``; fields beyond
the contract (warnings, reconciliation, provenance) are additions, never renames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .vocabulary import AMOUNT_KEYS, AMOUNT_LABELS, EXTRA_AMOUNT_KEYS, STANDARD_AMOUNT_KEYS

__all__ = [
    "AMOUNT_KEYS",
    "AMOUNT_LABELS",
    "EXTRA_AMOUNT_KEYS",
    "KINDS",
    "LAYOUTS",
    "ROW_TYPES",
    "STANDARD_AMOUNT_KEYS",
    "Check",
    "DocumentInfo",
    "Extraction",
    "Indicator",
    "Row",
    "Task",
]

#: Which table a record comes from: a project table or the department's overall targets.
KINDS: tuple[str, ...] = ("project", "department")
ROW_TYPES: tuple[str, ...] = ("total", "unit", "project", "department")
#: compact: one row per project; long: one row per indicator; form: one key/value form per
#: project (or for the department); list: an indicator grid without levels.
LAYOUTS: tuple[str, ...] = ("compact", "long", "form", "list")


def _amount_str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass
class Task:
    """One of a department's key tasks for the year (年度重点工作任务)."""

    name: str | None
    content: str | None
    amount: Decimal | None
    goal: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "content": self.content, "amount": _amount_str(self.amount), "goal": self.goal}


@dataclass
class Row:
    row_type: str
    unit: str | None
    project: str | None
    amounts: dict[str, Decimal | None]
    goal: str | None
    indicators_raw: str | None
    disclosed: bool
    page: int
    warnings: list[str] = field(default_factory=list)
    project_code: str | None = None
    implementing_unit: str | None = None
    supervising_department: str | None = None
    long_term_goal: str | None = None
    tasks: list[Task] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "row_type": self.row_type,
            "unit": self.unit,
            "project": self.project,
            "project_code": self.project_code,
            "amounts": {k: _amount_str(v) for k, v in self.amounts.items()},
            "goal": self.goal,
            "long_term_goal": self.long_term_goal,
            "indicators_raw": self.indicators_raw,
            "implementing_unit": self.implementing_unit,
            "supervising_department": self.supervising_department,
            "disclosed": self.disclosed,
            "page": self.page,
            "warnings": list(self.warnings),
        }
        if self.row_type == "department":
            out["tasks"] = [t.to_dict() for t in self.tasks]
        return out


@dataclass
class Indicator:
    unit: str | None
    project: str | None
    seq: int
    level1: str | None
    level2: str | None
    name: str | None
    period_target: str | None
    annual_target: str | None
    op: str | None
    value: Decimal | None
    value_unit: str | None
    page: int | None = None
    nature: str | None = None
    weight: Decimal | None = None
    core: bool | None = None
    scoring_rule: str | None = None
    value_type: str | None = None
    #: the index (0-based) in ``Extraction.rows`` of the row it belongs to
    row: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "project": self.project,
            "row": self.row,
            "seq": self.seq,
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "period_target": self.period_target,
            "annual_target": self.annual_target,
            "op": self.op,
            "value": None if self.value is None else format(self.value, "f"),
            "value_unit": self.value_unit,
            "nature": self.nature,
            "weight": None if self.weight is None else format(self.weight, "f"),
            "core": self.core,
            "scoring_rule": self.scoring_rule,
            "value_type": self.value_type,
            "page": self.page,
        }


@dataclass
class Check:
    """One reconciliation: does ``expected`` (a printed figure) equal ``actual`` (a sum)?

    Published amounts are rounded, so a sum of ``n`` rounded figures may differ from the
    printed total by up to ``tolerance`` (0.01 per summed row): that is a rounding note
    (``status`` ``rounding``), not a failure.
    """

    check: str
    scope: str
    expected: Decimal | None
    actual: Decimal | None
    tolerance: Decimal = Decimal(0)

    @property
    def status(self) -> str:
        if self.expected is None or self.actual is None:
            return "failed"
        if self.expected == self.actual:
            return "ok"
        return "rounding" if abs(self.expected - self.actual) <= self.tolerance else "failed"

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "scope": self.scope,
            "expected": _amount_str(self.expected),
            "actual": _amount_str(self.actual),
            "tolerance": _amount_str(self.tolerance),
            "status": self.status,
            "ok": self.ok,
        }


@dataclass
class DocumentInfo:
    department: str | None
    year: int | None
    currency_unit: str | None
    layout: str
    pages: tuple[int, int]
    source: str | None = None
    page_count: int | None = None
    year_source: str | None = None
    amount_columns: tuple[str, ...] = ()
    kind: str = "project"
    region: str | None = None
    district: str | None = None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "department": self.department,
            "region": self.region,
            "district": self.district,
            "year": self.year,
            "currency_unit": self.currency_unit,
            "layout": self.layout,
            "pages": list(self.pages),
            "title": self.title,
            "source": self.source,
            "page_count": self.page_count,
            "year_source": self.year_source,
            "amount_columns": list(self.amount_columns),
        }


@dataclass
class Extraction:
    document: DocumentInfo
    rows: list[Row]
    indicators: list[Indicator]
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parser_version: str = ""

    @property
    def reconciled(self) -> bool:
        return all(c.ok for c in self.checks)

    def link_indicators(self) -> None:
        """Give each indicator the index of its row. Indicators follow their rows in table
        order and each row's numbering starts again, so a project name repeated over
        several budget lines (北京) still gets each line its own indicators."""
        owners = [i for i, r in enumerate(self.rows) if r.row_type in ("project", "department")]
        k = -1
        prev_seq = 0
        for ind in self.indicators:
            key = (ind.unit, ind.project)
            same = k >= 0 and (self.rows[owners[k]].unit, self.rows[owners[k]].project) == key
            if not same or ind.seq <= prev_seq:
                nxt = next(
                    (
                        j
                        for j in range(k + 1, len(owners))
                        if (self.rows[owners[j]].unit, self.rows[owners[j]].project) == key
                    ),
                    None,
                )
                if nxt is not None:
                    k = nxt
                elif not same:
                    ind.row = None
                    prev_seq = ind.seq
                    continue
            ind.row = owners[k]
            prev_seq = ind.seq

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document.to_dict(),
            "rows": [r.to_dict() for r in self.rows],
            "indicators": [i.to_dict() for i in self.indicators],
            "reconciliation": {
                "ok": self.reconciled,
                "rounding_notes": sum(1 for c in self.checks if c.status == "rounding"),
                "checks": [c.to_dict() for c in self.checks],
            },
            "warnings": list(self.warnings),
            "parser_version": self.parser_version,
        }
