"""The extraction: what the parser returns, as plain dataclasses.

The JSON form (:meth:`Extraction.to_dict`) follows ``spec/extraction.md``; fields beyond
the contract (warnings, reconciliation, provenance) are additions, never renames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: Amount keys every row carries (null when the table lacks the column).
STANDARD_AMOUNT_KEYS: tuple[str, ...] = (
    "total",
    "fiscal_appropriation",
    "fiscal_special_account",
    "other_funds",
)
#: Amount keys that appear only when the table has the column.
EXTRA_AMOUNT_KEYS: tuple[str, ...] = (
    "general_public_budget",
    "government_fund",
    "prior_year_carryover",
)
AMOUNT_KEYS: tuple[str, ...] = STANDARD_AMOUNT_KEYS + EXTRA_AMOUNT_KEYS
#: The column headings the keys stand for.
AMOUNT_LABELS: dict[str, str] = {
    "total": "总计",
    "fiscal_appropriation": "财政拨款",
    "fiscal_special_account": "财政专户拨款",
    "other_funds": "其他资金",
    "general_public_budget": "一般公共预算",
    "government_fund": "政府性基金",
    "prior_year_carryover": "上年结转",
}

ROW_TYPES: tuple[str, ...] = ("total", "unit", "project")
LAYOUTS: tuple[str, ...] = ("compact", "long")


def _amount_str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "row_type": self.row_type,
            "unit": self.unit,
            "project": self.project,
            "amounts": {k: _amount_str(v) for k, v in self.amounts.items()},
            "goal": self.goal,
            "indicators_raw": self.indicators_raw,
            "disclosed": self.disclosed,
            "page": self.page,
            "warnings": list(self.warnings),
        }


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "project": self.project,
            "seq": self.seq,
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "period_target": self.period_target,
            "annual_target": self.annual_target,
            "op": self.op,
            "value": None if self.value is None else format(self.value, "f"),
            "value_unit": self.value_unit,
            "page": self.page,
        }


@dataclass
class Check:
    """One reconciliation: does ``expected`` (a printed figure) equal ``actual`` (a sum)?"""

    check: str
    scope: str
    expected: Decimal | None
    actual: Decimal | None

    @property
    def ok(self) -> bool:
        return self.expected is not None and self.actual is not None and self.expected == self.actual

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "scope": self.scope,
            "expected": _amount_str(self.expected),
            "actual": _amount_str(self.actual),
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "department": self.department,
            "year": self.year,
            "currency_unit": self.currency_unit,
            "layout": self.layout,
            "pages": list(self.pages),
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document.to_dict(),
            "rows": [r.to_dict() for r in self.rows],
            "indicators": [i.to_dict() for i in self.indicators],
            "reconciliation": {
                "ok": self.reconciled,
                "checks": [c.to_dict() for c in self.checks],
            },
            "warnings": list(self.warnings),
            "parser_version": self.parser_version,
        }
