"""Cutting one page's body into table rows.

Ruled tables are cut at their rules, column by column (so merged cells come out as
one cell). Unruled tables are cut by alignment on anchors (see :mod:`.align`).

* compact: a :class:`Slot` per table row;
* long: :class:`UnitBlock` → :class:`ProjectBlock` → :class:`IndicatorRow`.

The first slot or block on a continuation page may be the rest of one that began on
the page before; it is marked ``lead`` when nothing but its position says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from .align import LEAD, MIDDLE, TOP, Span, align, alignment_costs
from .body import Body
from .categories import read_category
from .geometry import Line
from .header import GOAL, INDICATOR_PARTS, LEVEL1, NAME, PROJECT, UNIT, is_amount_role
from .text import looks_like_amount, squash

Cells = dict[str, list[Line]]  # column role -> lines, top to bottom


def _span(lines: list[Line]) -> Span:
    return Span(min(ln.top for ln in lines), max(ln.bottom for ln in lines))


def _cells_span(cells: Cells) -> Span | None:
    lines = [ln for col in cells.values() for ln in col]
    return _span(lines) if lines else None


@dataclass
class Style:
    """How the table is drawn, decided on its first page and kept for the others."""

    ruled: bool | None = None  # rows separated by rules
    valign: str | None = None  # unruled tables: cells aligned at the TOP or MIDDLE of rows

    def learn_valign(self, body: Body, cols: Sequence[int], anchors: list[Span]) -> None:
        if self.valign is not None:
            return
        top = mid = 0.0
        for c in cols:
            t, m = alignment_costs([Span(ln.top, ln.bottom) for ln in body.lines[c]], anchors)
            top, mid = top + t, mid + m
        if abs(top - mid) > 1.0:
            self.valign = MIDDLE if mid < top else TOP


@dataclass
class Slot:
    page: int
    top: float
    bottom: float
    cells: Cells
    lead: bool = False

    def has_text(self) -> bool:
        return any(self.cells.values())


@dataclass
class IndicatorRow:
    page: int
    top: float
    bottom: float
    cells: Cells


@dataclass
class ProjectBlock:
    page: int
    top: float
    bottom: float
    cells: Cells
    indicators: list[IndicatorRow] = field(default_factory=list)
    lead: bool = False
    total: bool = False  # the 合计 row


@dataclass
class UnitBlock:
    page: int
    top: float
    bottom: float
    lines: list[Line]
    projects: list[ProjectBlock] = field(default_factory=list)
    lead: bool = False


def _by_role(body: Body, cells: dict[int, list[Line]]) -> Cells:
    out: Cells = {}
    for c, lines in cells.items():
        role = body.columns.columns[c].role
        if role is not None:
            out.setdefault(role, []).extend(lines)
    return out


def has_amount(cells: Cells) -> bool:
    return any(looks_like_amount(ln.text) for role, lines in cells.items() if is_amount_role(role) for ln in lines)


def _amount_columns(body: Body) -> list[int]:
    return [i for i, c in enumerate(body.columns.columns) if is_amount_role(c.role)]


def _intervals(body: Body, col: int) -> list[tuple[float, float]]:
    cuts = [body.top, *body.rules_across(col), body.bottom]
    return [(a, b) for a, b in pairwise(cuts) if b - a > 1.0]


def _is_ruled(body: Body, col: int) -> bool:
    """Rows on this page are ruled across ``col`` (some rule separates its lines)."""
    lines = body.lines[col]
    rules = body.rules_across(col)
    return any(lines[0].yc < r < lines[-1].yc for r in rules) if len(lines) > 1 else bool(rules)


def _amount_anchors(body: Body, cols: list[int]) -> list[Span]:
    """One anchor per row: the amount lines of ``cols``, merged where they share a row."""
    spans = sorted(
        (Span(ln.top, ln.bottom) for c in cols for ln in body.lines[c] if looks_like_amount(ln.text)),
        key=lambda s: s.top,
    )
    merged: list[Span] = []
    for s in spans:
        if merged and s.top < merged[-1].bottom - 0.3 * (s.bottom - s.top):
            last = merged[-1]
            merged[-1] = Span(min(last.top, s.top), max(last.bottom, s.bottom))
        else:
            merged.append(s)
    return merged


def _group_lines(lines: list[Line], anchors: list[Span], allow_lead: bool, mode: str | None) -> dict[int, list[Line]]:
    groups: dict[int, list[Line]] = {}
    spans = [Span(ln.top, ln.bottom) for ln in lines]
    for ln, k in zip(lines, align(spans, anchors, allow_lead=allow_lead, mode=mode), strict=True):
        groups.setdefault(k, []).append(ln)
    return groups


# ---------------------------------------------------------------- compact


def compact_slots(body: Body, *, continuation: bool, style: Style) -> list[Slot]:
    cols = range(len(body.columns.columns))
    key = body.columns.index_of(NAME)
    if key is None:
        key = body.columns.index_of(PROJECT) or 0
    amount_cols = _amount_columns(body)
    if style.ruled is None:
        style.ruled = any(_is_ruled(body, c) for c in [key, *amount_cols] if body.lines[c])
    if style.ruled:
        slots = []
        for top, bottom in _intervals(body, key):
            cells = _by_role(body, {c: [ln for ln in body.lines[c] if top <= ln.yc < bottom] for c in cols})
            slot = Slot(body.page, top, bottom, cells)
            if slot.has_text():
                slots.append(slot)
        if continuation and slots and not has_amount(slots[0].cells):
            slots[0].lead = True
        return slots
    anchors = _amount_anchors(body, amount_cols)
    if not continuation:
        style.learn_valign(body, cols, anchors)
    grouped = {c: _group_lines(body.lines[c], anchors, continuation, style.valign) for c in cols}
    slots = []
    lead_cells = _by_role(body, {c: grouped[c].get(LEAD, []) for c in cols})
    if any(lead_cells.values()):
        span = _cells_span(lead_cells)
        assert span is not None
        slots.append(Slot(body.page, span.top, span.bottom, lead_cells, lead=True))
    for k, a in enumerate(anchors):
        cells = _by_role(body, {c: grouped[c].get(k, []) for c in cols})
        span = _cells_span(cells) or a
        slots.append(Slot(body.page, span.top, span.bottom, cells))
    return slots


# ---------------------------------------------------------------- long


def _indicator_columns(body: Body) -> list[int]:
    return [i for i, c in enumerate(body.columns.columns) if c.role in INDICATOR_PARTS]


def _project_columns(body: Body) -> list[int]:
    unit = body.columns.index_of(UNIT)
    inds = set(_indicator_columns(body))
    return [i for i in range(len(body.columns.columns)) if i != unit and i not in inds]


def _indicator_rows_ruled(body: Body, key: int, cols: list[int]) -> list[IndicatorRow]:
    rows = []
    for top, bottom in _intervals(body, key):
        cells = _by_role(body, {c: [ln for ln in body.lines[c] if top <= ln.yc < bottom] for c in cols})
        if any(cells.values()):
            rows.append(IndicatorRow(body.page, top, bottom, cells))
    return rows


def _indicator_rows_open(body: Body, cols: list[int]) -> list[IndicatorRow]:
    """Rows of an unruled indicator table: lines that overlap vertically form a row;
    a row whose level-1 cell does not start a category is the wrapped rest of the one
    above it (``满意度指`` / ``标``)."""
    tagged = sorted(((ln, c) for c in cols for ln in body.lines[c]), key=lambda t: t[0].top)
    comps: list[list[tuple[Line, int]]] = []
    bottom = -1.0
    for ln, c in tagged:
        shrink = 0.15 * (ln.bottom - ln.top)
        if comps and ln.top + shrink < bottom:
            comps[-1].append((ln, c))
            bottom = max(bottom, ln.bottom - shrink)
        else:
            comps.append([(ln, c)])
            bottom = ln.bottom - shrink
    level1 = body.columns.index_of(LEVEL1)
    rows: list[IndicatorRow] = []
    for comp in comps:
        by_col: dict[int, list[Line]] = {c: [] for c in cols}
        for ln, c in comp:
            by_col[c].append(ln)
        cells = _by_role(body, by_col)
        span = _cells_span(cells)
        assert span is not None
        starts = True
        if level1 is not None and rows:
            text = squash("".join(ln.text for ln in cells.get(LEVEL1, [])))
            starts = bool(text) and _starts_category(text)
        if starts or not rows:
            rows.append(IndicatorRow(body.page, span.top, span.bottom, cells))
        else:
            prev = rows[-1]
            for role, lines in cells.items():
                prev.cells.setdefault(role, []).extend(lines)
            prev.bottom = max(prev.bottom, span.bottom)
    return rows


def _starts_category(text: str) -> bool:
    return any(read_category(text[:n]) for n in range(min(len(text), 8), 1, -1))


def long_units(body: Body, *, continuation: bool, style: Style) -> list[UnitBlock]:
    ind_cols = _indicator_columns(body)
    proj_cols = _project_columns(body)
    amount_cols = _amount_columns(body)
    unit_col = body.columns.index_of(UNIT)
    project_col = body.columns.index_of(PROJECT)
    key = project_col if project_col is not None else (amount_cols[0] if amount_cols else proj_cols[0])
    ind_key: int = next(
        (
            i
            for r in ("indicator_name", "annual_target", LEVEL1)
            if (i := body.columns.index_of(r)) is not None
        ),
        ind_cols[0] if ind_cols else key,
    )
    if style.ruled is None:
        style.ruled = any(_is_ruled(body, c) for c in (key, ind_key) if body.lines[c])
    ruled = style.ruled

    # indicator rows
    ind_rows = _indicator_rows_ruled(body, ind_key, ind_cols) if ruled else _indicator_rows_open(body, ind_cols)

    # project blocks
    projects: list[ProjectBlock] = []
    if ruled:
        for top, bottom in _intervals(body, key):
            cells = _by_role(body, {c: [ln for ln in body.lines[c] if top <= ln.yc < bottom] for c in proj_cols})
            rows = [r for r in ind_rows if top <= (r.top + r.bottom) / 2 < bottom]
            if any(cells.values()) or rows:
                projects.append(ProjectBlock(body.page, top, bottom, cells, rows))
        if continuation and projects and not has_amount(projects[0].cells):
            projects[0].lead = True
    else:
        anchors = _amount_anchors(body, amount_cols)
        if not continuation:
            style.learn_valign(body, proj_cols, anchors)
        grouped = {c: _group_lines(body.lines[c], anchors, continuation, style.valign) for c in proj_cols}
        row_spans = [Span(r.top, r.bottom) for r in ind_rows]
        row_groups = align(row_spans, anchors, allow_lead=continuation, mode=style.valign)
        goal_col = body.columns.index_of(GOAL)
        if goal_col is not None:
            row_groups = _within_goals(row_spans, row_groups, grouped[goal_col])
        for k in [LEAD, *range(len(anchors))]:
            cells = _by_role(body, {c: grouped[c].get(k, []) for c in proj_cols})
            rows = [r for r, g in zip(ind_rows, row_groups, strict=True) if g == k]
            if k == LEAD and not rows and not any(cells.values()):
                continue
            spans = [s for s in [_cells_span(cells)] if s] + [Span(r.top, r.bottom) for r in rows]
            if k >= 0:
                spans.append(anchors[k])
            top = min(s.top for s in spans)
            bottom = max(s.bottom for s in spans)
            projects.append(ProjectBlock(body.page, top, bottom, cells, rows, lead=(k == LEAD)))

    # the 合计 row: its label may spread over the unit and project columns
    unit_lines = list(body.lines[unit_col]) if unit_col is not None else []
    for p in projects:
        inside = [ln for ln in unit_lines if p.top - 1 <= ln.yc <= p.bottom + 1]
        label = "".join(ln.text for ln in inside) + "".join(ln.text for ln in p.cells.get(PROJECT, []))
        if is_total_text(label) and not p.indicators:
            p.total = True
            unit_lines = [ln for ln in unit_lines if ln not in inside]

    # unit blocks
    if unit_col is None:
        return [UnitBlock(body.page, body.top, body.bottom, [], projects, lead=True)]
    units: list[UnitBlock] = []
    if ruled and _has_rules(body, unit_col):
        for top, bottom in _intervals(body, unit_col):
            lines = [ln for ln in unit_lines if top <= ln.yc < bottom]
            members = [p for p in projects if top <= (p.top + p.bottom) / 2 < bottom]
            if lines or members:
                units.append(UnitBlock(body.page, top, bottom, lines, members))
        if continuation and units and not units[0].lines:
            units[0].lead = True
        return units
    blocks = _text_blocks(unit_lines)
    anchors = [_span(b) for b in blocks]
    groups = align([Span(p.top, p.bottom) for p in projects], anchors, allow_lead=True, mode=style.valign)
    lead_members = [p for p, g in zip(projects, groups, strict=True) if g == LEAD]
    if lead_members:
        units.append(UnitBlock(body.page, lead_members[0].top, lead_members[-1].bottom, [], lead_members, lead=True))
    for k, b in enumerate(blocks):
        members = [p for p, g in zip(projects, groups, strict=True) if g == k]
        top = min([anchors[k].top] + [p.top for p in members])
        bottom = max([anchors[k].bottom] + [p.bottom for p in members])
        units.append(UnitBlock(body.page, top, bottom, b, members))
    return units


def _within_goals(rows: list[Span], groups: list[int], goals: dict[int, list[Line]]) -> list[int]:
    """An indicator row that lies within the lines of one project's goal (and no other's)
    belongs to that project: a project's cells are aligned on one block, and where the
    alignment alone is ambiguous (a new project at the top of a page) its goal says where
    the block begins and ends."""
    spans = {k: (min(ln.top for ln in lines), max(ln.bottom for ln in lines)) for k, lines in goals.items() if lines}
    out = list(groups)
    for i, r in enumerate(rows):
        inside = [k for k, (top, bottom) in spans.items() if top - 1 <= r.yc <= bottom + 1]
        if len(inside) == 1 and inside[0] != out[i]:
            out[i] = inside[0]
    # keep the groups in order (a row between two rows of one group is of that group)
    for i in range(1, len(out)):
        if out[i] < out[i - 1]:
            out[i] = out[i - 1]
    return out


def _has_rules(body: Body, col: int) -> bool:
    return bool(body.rules_across(col))


def is_total_text(text: str) -> bool:
    return squash(text).rstrip("：:") in {"合计", "总计"}


def _text_blocks(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines with ordinary line spacing form one block of text."""
    blocks: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        if blocks and ln.top - blocks[-1][-1].bottom < 0.8 * (ln.bottom - ln.top):
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
    return blocks
