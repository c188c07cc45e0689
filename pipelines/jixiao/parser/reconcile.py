"""Reconciliation as data: do the printed totals add up?

* 合计 = Σ unit subtotals (or Σ projects when the table prints no subtotals);
* each unit subtotal = Σ its projects;
* on every row, 总计 = Σ its funding sources.

A mismatch becomes a failed :class:`~.model.Check` and a warning on the row; it never
stops the parse.
"""

from __future__ import annotations

from decimal import Decimal

from .model import Check, Row

_SOURCE_KEYS = ("fiscal_special_account", "other_funds", "prior_year_carryover")


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _label(row: Row) -> str:
    if row.row_type == "total":
        return "合计"
    if row.row_type == "unit":
        return row.unit or "?"
    return f"{row.unit or '?'} / {row.project or '?'}"


def sources_sum(row: Row, present: set[str]) -> Decimal | None:
    """Σ of the row's funding sources, or None when the table has no source columns."""
    a = row.amounts
    parts: list[Decimal | None] = []
    if "fiscal_appropriation" in present:
        parts.append(a.get("fiscal_appropriation"))
    else:
        parts += [a.get("general_public_budget"), a.get("government_fund")]
    parts += [a.get(k) for k in _SOURCE_KEYS]
    if not present - {"total"}:
        return None
    return _sum(parts)


def reconcile(rows: list[Row], amount_keys: tuple[str, ...]) -> list[Check]:
    present = set(amount_keys)
    checks: list[Check] = []
    totals = [r for r in rows if r.row_type == "total"]
    units = [r for r in rows if r.row_type == "unit"]
    projects = [r for r in rows if r.row_type == "project"]

    for total in totals:
        if units:
            c = Check(
                "total_equals_units",
                "合计",
                total.amounts.get("total"),
                _sum([u.amounts.get("total") for u in units]),
            )
        else:
            c = Check(
                "total_equals_projects",
                "合计",
                total.amounts.get("total"),
                _sum([p.amounts.get("total") for p in projects]),
            )
        checks.append(c)
        if not c.ok:
            total.warnings.append(f"合计 {c.expected} does not equal the sum below it ({c.actual})")

    for unit in units:
        members = [p for p in projects if p.unit == unit.unit]
        c = Check(
            "unit_equals_projects",
            unit.unit or "?",
            unit.amounts.get("total"),
            _sum([p.amounts.get("total") for p in members]),
        )
        checks.append(c)
        if not c.ok:
            unit.warnings.append(f"unit subtotal {c.expected} does not equal the sum of its projects ({c.actual})")

    for row in rows:
        actual = sources_sum(row, present)
        if actual is None or row.amounts.get("total") is None:
            continue
        c = Check("total_equals_sources", _label(row), row.amounts.get("total"), actual)
        checks.append(c)
        if not c.ok:
            row.warnings.append(f"总计 {c.expected} does not equal the sum of its funding sources ({c.actual})")
    return checks
