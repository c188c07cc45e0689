"""Reconciliation as data: do the printed totals add up?

* 合计 = Σ unit subtotals (or Σ projects when the table prints no subtotals);
* each unit subtotal = Σ its projects;
* on every row, 总计 = Σ its funding sources, and = 基本支出 + 项目支出 where both are printed.

Published amounts are rounded: a sum of ``n`` printed figures may differ from the printed
total by up to one unit of the last printed decimal per summed figure (0.01 per row for
amounts printed with two decimals). Such a difference is a rounding note; a larger one is
a failed :class:`~.model.Check` and a warning on the row. Nothing here stops the parse.
"""

from __future__ import annotations

from decimal import Decimal

from .model import Check, Row
from .vocabulary import AMOUNT_KEYS, AMOUNT_KIND, APPROPRIATION_PARTS, SOURCE

# the sources beside 财政拨款 (fiscal_special_account, other_funds, prior_year_carryover, …)
_EXTRA_SOURCES = tuple(k for k in AMOUNT_KEYS if AMOUNT_KIND[k] == SOURCE and k != "fiscal_appropriation")
_APPROPRIATION_PARTS = APPROPRIATION_PARTS


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _quantum(values: list[Decimal | None]) -> Decimal:
    """One unit of the finest decimal printed among ``values`` (0.01 for ``2,925.54``)."""
    exponents = [v.as_tuple().exponent for v in values if v is not None]
    finest = min((e for e in exponents if isinstance(e, int)), default=-2)
    return Decimal(1).scaleb(min(finest, 0))


def _check(name: str, scope: str, expected: Decimal | None, parts: list[Decimal | None]) -> Check:
    present = [p for p in parts if p is not None]
    tolerance = _quantum([expected, *present]) * max(len(present) - 1, 0)
    return Check(name, scope, expected, _sum(parts), tolerance)


def _label(row: Row) -> str:
    if row.row_type == "total":
        return "合计"
    if row.row_type == "unit":
        return row.unit or "?"
    if row.row_type == "department":
        return "部门"
    return f"{row.unit or '?'} / {row.project or '?'}"


def source_parts(row: Row, present: set[str]) -> list[Decimal | None] | None:
    """The row's funding sources, or None when the table has no source columns."""
    a = row.amounts
    parts: list[Decimal | None] = []
    if "fiscal_appropriation" in present:
        parts.append(a.get("fiscal_appropriation"))
    else:
        parts += [a.get(k) for k in _APPROPRIATION_PARTS if k in present]
    parts += [a.get(k) for k in _EXTRA_SOURCES if k in present]
    return parts or None


def _note(row: Row, c: Check, what: str) -> None:
    if not c.ok:
        row.warnings.append(f"{what} {c.expected} does not equal the sum of its parts ({c.actual})")


def reconcile(rows: list[Row], amount_keys: tuple[str, ...]) -> list[Check]:
    present = set(amount_keys)
    checks: list[Check] = []
    totals = [r for r in rows if r.row_type == "total"]
    units = [r for r in rows if r.row_type == "unit"]
    projects = [r for r in rows if r.row_type == "project"]

    for total in totals:
        below = units or projects
        name = "total_equals_units" if units else "total_equals_projects"
        c = _check(name, "合计", total.amounts.get("total"), [r.amounts.get("total") for r in below])
        checks.append(c)
        _note(total, c, "合计")

    for unit in units:
        members = [p for p in projects if p.unit == unit.unit]
        c = _check(
            "unit_equals_projects",
            unit.unit or "?",
            unit.amounts.get("total"),
            [p.amounts.get("total") for p in members],
        )
        checks.append(c)
        _note(unit, c, "unit subtotal")

    for row in rows:
        row_total = row.amounts.get("total")
        if row_total is None:
            continue
        parts = source_parts(row, present)
        if parts is not None and any(p is not None for p in parts):
            c = _check("total_equals_sources", _label(row), row_total, parts)
            checks.append(c)
            _note(row, c, "总计 (funding sources)")
        if {"basic_expenditure", "project_expenditure"} <= present:
            spending = [row.amounts.get("basic_expenditure"), row.amounts.get("project_expenditure")]
            if any(p is not None for p in spending):
                c = _check("total_equals_spending", _label(row), row_total, spending)
                checks.append(c)
                _note(row, c, "总计 (基本支出 + 项目支出)")
    return checks
