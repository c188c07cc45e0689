"""``jixiao parse --format table``: an extraction as a readable text table."""

from __future__ import annotations

from collections import Counter

from .parser.model import AMOUNT_LABELS, Extraction
from .textable import render


def render_extraction(ex: Extraction) -> str:
    d = ex.document
    head = (
        f"{d.department or '?'} · {d.year or '?'} · {d.layout} layout · pages {d.pages[0]}–{d.pages[1]}"
        f" of {d.page_count} · amounts in {d.currency_unit}"
    )
    keys = list(d.amount_columns) or ["total"]
    n_ind = Counter((i.unit, i.project) for i in ex.indicators)
    rows = []
    for r in ex.rows:
        label = {"total": "合计", "unit": r.unit or "?", "project": "  " + (r.project or "?")}[r.row_type]
        flag = "" if r.disclosed else "withheld"
        if r.warnings:
            flag = (flag + " ⚠").strip()
        rows.append(
            [r.page, r.row_type, label]
            + [r.amounts.get(k) for k in keys]
            + [n_ind.get((r.unit, r.project), "") if r.row_type == "project" else "", flag]
        )
    table = render(
        ["page", "type", "unit / project", *(AMOUNT_LABELS[k] for k in keys), "indicators", "note"],
        rows,
        right=[0, *range(3, 3 + len(keys) + 1)],
    )
    failed = [c for c in ex.checks if not c.ok]
    lines = [head, "", table, ""]
    lines.append(
        f"{len(ex.rows)} rows, {len(ex.indicators)} indicators; "
        f"reconciliation: {len(ex.checks) - len(failed)}/{len(ex.checks)} checks pass"
    )
    for c in failed:
        lines.append(f"  ✗ {c.check} [{c.scope}]: printed {c.expected}, sum {c.actual}")
    for w in ex.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
