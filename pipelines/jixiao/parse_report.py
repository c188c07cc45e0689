"""``jixiao parse --format table``: an extraction as a readable text table."""

from __future__ import annotations

from collections import Counter

from .parser.model import AMOUNT_LABELS, Extraction, Row
from .textable import render

_KIND = {"project": "project targets", "department": "department's overall targets"}


def _label(r: Row) -> str:
    if r.row_type == "total":
        return "合计"
    if r.row_type == "unit":
        return r.unit or "?"
    if r.row_type == "department":
        return "（部门整体）"
    code = f" [{r.project_code}]" if r.project_code else ""
    return "  " + (r.project or "?") + code


def render_extraction(ex: Extraction) -> str:
    d = ex.document
    place = " ".join(x for x in (d.region, d.district) if x)
    head = (
        f"{d.department or '?'} ({place or 'region unknown'}) · {d.year or '?'} · {_KIND.get(d.kind, d.kind)}"
        f" · {d.layout} layout · pages {d.pages[0]}–{d.pages[1]} of {d.page_count} · amounts in {d.currency_unit}"
    )
    keys = list(d.amount_columns) or ["total"]
    n_ind = Counter((i.unit, i.project) for i in ex.indicators)
    rows = []
    for r in ex.rows:
        flag = "" if r.disclosed else "withheld"
        if r.warnings:
            flag = (flag + " ⚠").strip()
        count = n_ind.get((r.unit, r.project), "") if r.row_type in ("project", "department") else ""
        rows.append([r.page, r.row_type, _label(r), *(r.amounts.get(k) for k in keys), count, flag])
    table = render(
        ["page", "type", "unit / project", *(AMOUNT_LABELS.get(k, k) for k in keys), "indicators", "note"],
        rows,
        right=[0, *range(3, 3 + len(keys) + 1)],
    )
    failed = [c for c in ex.checks if not c.ok]
    rounding = [c for c in ex.checks if c.status == "rounding"]
    lines = [head, "", table, ""]
    for r in ex.rows:
        if r.row_type == "department":
            if r.goal:
                lines.append(f"goal: {r.goal}")
            for t in r.tasks:
                lines.append(f"task: {t.name} ({t.amount if t.amount is not None else '—'})")
            lines.append("")
    lines.append(
        f"{len(ex.rows)} rows, {len(ex.indicators)} indicators; "
        f"reconciliation: {len(ex.checks) - len(failed)}/{len(ex.checks)} checks pass"
        + (f" ({len(rounding)} within rounding)" if rounding else "")
    )
    for c in failed:
        lines.append(f"  ✗ {c.check} [{c.scope}]: printed {c.expected}, sum {c.actual}")
    for w in ex.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
