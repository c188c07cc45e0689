"""Finding the table header on a page and mapping its columns by their text.

Columns are mapped by what the header says, never by position: the same table is
published with and without 财政专户拨款, with extra 一般公共预算 / 政府性基金 columns, in a
compact layout (one row per project) or a long one (one row per indicator).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .geometry import Line, PageGeometry, Segment, cluster_lines, split_fragments
from .text import squash
from .vocabulary import (
    ACTIVITY,
    AMOUNT_PREFIX,
    COLUMN_ROLES,
    CORE,
    GOAL,
    GROUP,
    IND_NAME,
    INDICATOR_PARTS,
    INDICATORS,
    LEVEL1,
    LEVEL2,
    NAME,
    NATURE,
    NOTE,
    PERIOD_TARGET,
    PROJECT,
    SCORING,
    SEQUENCE,
    TARGET,
    TARGET_CONTENT,
    UNIT,
    UNIT_CODE,
    VALUE_TYPE,
    VALUE_UNIT,
    WEIGHT,
    column_role,
)

__all__ = [
    "ACTIVITY",
    "AMOUNT_PREFIX",
    "CORE",
    "GOAL",
    "GROUP",
    "INDICATORS",
    "INDICATOR_PARTS",
    "IND_NAME",
    "LEVEL1",
    "LEVEL2",
    "NAME",
    "NATURE",
    "NOTE",
    "PERIOD_TARGET",
    "PROJECT",
    "SCORING",
    "SEQUENCE",
    "TARGET",
    "TARGET_CONTENT",
    "UNIT",
    "UNIT_CODE",
    "VALUE_TYPE",
    "VALUE_UNIT",
    "WEIGHT",
    "Header",
    "HeaderCell",
    "find_header",
    "header_role",
    "is_amount_role",
]

_VOCABULARY = COLUMN_ROLES
#: Words that only a header row contains (used to find it).
HEADER_KEYWORDS = ("总计", "绩效目标", "绩效指标", "项目名称", "单位名称", "年度目标", "一级指标", "指标值")
#: Complete header texts: two of these stacked are two cells, not one wrapped cell.
_COMPLETE = {
    "总计",
    "合计",
    "财政拨款",
    "财政专户拨款",
    "其他资金",
    "绩效目标",
    "绩效指标",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "单位名称",
    "项目名称",
    "一般公共预算",
    "政府性基金",
    "上年结转",
    "资金来源",
    "其中",
    "年度指标值",
    "实施周期指标值",
}


def header_role(text: str) -> str | None:
    return column_role(squash(text))


def is_amount_role(role: str | None) -> bool:
    return bool(role) and role.startswith(AMOUNT_PREFIX)  # type: ignore[union-attr]


@dataclass
class HeaderCell:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    role: str | None

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Header:
    """The header of the table as found on one page."""

    cells: list[HeaderCell]  # leaf columns, left to right
    top: float  # top of the header band (the table's top edge)
    bottom: float  # bottom of the header band: the body starts here
    parents: list[HeaderCell]
    currency_hint: str | None = None  # 金额（万元）

    @property
    def layout(self) -> str:
        roles = {c.role for c in self.cells}
        return "long" if roles & {LEVEL1, IND_NAME, TARGET} else "compact"

    def roles(self) -> list[str | None]:
        return [c.role for c in self.cells]


def find_header(geom: PageGeometry, *, below: float = 0.0) -> Header | None:
    """Find the column header of a performance table on this page, if it has one."""
    lines = [ln for ln in geom.lines() if ln.top >= below]
    first: Line | None = None
    for ln in lines:
        t = squash(ln.text)
        hits = sum(1 for k in HEADER_KEYWORDS if k in t)
        if hits >= 2 or (hits == 1 and _line_is_header_only(ln, geom)):
            first = ln
            break
    if first is None:
        return None
    band_top, band_bottom = _header_band(geom, lines, first)
    glyphs = [g for g in geom.glyphs if band_top - 0.5 <= g.yc <= band_bottom and not g.blank]
    fragments: list[Line] = []
    for ln in cluster_lines(glyphs):
        fragments.extend(_header_fragments(ln, geom))
    cells = _merge_wrapped(fragments, geom.hrules)
    return _build_header(cells, band_top, band_bottom, geom.vrules)


def _header_fragments(line: Line, geom: PageGeometry) -> list[Line]:
    """Cut a header line into labels. Labels of narrow columns sit close together
    (``财政拨款 上年结转 其他资金``), so cut at any visible gap, then rejoin pieces that
    only together make a label (letter-spaced ``项 目 名 称``)."""
    pieces = split_fragments(line, geom.vrules, gap_factor=0.25)
    out: list[Line] = []
    for piece in pieces:
        if out:
            prev = out[-1]
            joined = squash(prev.text + piece.text)
            near = piece.x0 - prev.x1 < 1.5 * piece.size
            ruled = any(prev.x1 - 0.5 <= v.pos <= piece.x0 + 0.5 and v.covers(piece.yc) for v in geom.vrules)
            complete = squash(prev.text) in _COMPLETE or squash(piece.text) in _COMPLETE
            joins = _is_header_prefix(joined) or (
                header_role(joined) is not None and not header_role(prev.text) and not header_role(piece.text)
            )
            if near and not ruled and not complete and joins:
                out[-1] = Line(prev.glyphs + piece.glyphs)
                continue
        out.append(piece)
    return out


def _line_is_header_only(line: Line, geom: PageGeometry) -> bool:
    frags = _header_fragments(line, geom)
    return len(frags) >= 3 and sum(1 for f in frags if header_role(f.text)) >= 3


def _header_band(geom: PageGeometry, lines: list[Line], first: Line) -> tuple[float, float]:
    """The header band: from the rule above the first header line to the rule that
    closes the header (a rule as wide as the table), else to the last header-only line."""
    width = max((s.length for s in geom.hrules), default=0.0)
    wide = sorted((s for s in geom.hrules if width and s.length >= 0.85 * width), key=lambda s: s.pos)
    above = [s.pos for s in wide if s.pos <= first.top + 0.5]
    top = above[-1] if above and first.top - above[-1] < 4 * first.size else first.top - 1.0
    below = [s.pos for s in wide if s.pos > first.bottom]
    if below:
        # the closing rule is the first wide rule with no body-like text above it
        for pos in below:
            inside = [ln for ln in lines if first.top <= ln.top and ln.bottom <= pos + 0.5]
            if all(_is_header_line(ln, geom) for ln in inside):
                return top, pos
            break
    # no rule: take header-looking lines
    bottom = first.bottom
    for ln in lines:
        if ln.top < first.top:
            continue
        if ln.top > bottom + 2.5 * ln.size:
            break
        if _is_header_line(ln, geom):
            bottom = max(bottom, ln.bottom)
        else:
            break
    return top, bottom + 0.5


def _is_header_line(line: Line, geom: PageGeometry) -> bool:
    frags = _header_fragments(line, geom)
    for f in frags:
        t = squash(f.text)
        if header_role(t) or t in _COMPLETE:
            continue
        if len(t) <= 4 and not re.search(r"\d", t):  # the wrapped tail of a header cell: 款, 位）
            continue
        if _is_header_prefix(t):
            continue
        return False
    return True


def _is_header_prefix(text: str) -> bool:
    """``财政专户拨`` or ``项目名称（资金使用单`` — a header cell cut by wrapping."""
    if len(text) < 2:
        return False
    return any(k.startswith(text) for _, keys in _VOCABULARY for k in keys)


def _merge_wrapped(fragments: list[Line], hrules: list[Segment]) -> list[HeaderCell]:
    """Join fragments stacked in one header cell (``财政专户拨`` over ``款``)."""
    cells: list[HeaderCell] = []
    for f in sorted(fragments, key=lambda f: (f.top, f.x0)):
        text = f.text.strip()
        target = None
        for c in cells:
            gap = f.top - c.bottom
            if gap < -0.5 or gap > 0.9 * f.size:
                continue
            overlap = min(c.x1, f.x1) - max(c.x0, f.x0)
            if overlap < 0.5 * min(c.x1 - c.x0, f.x1 - f.x0):
                continue
            if squash(c.text) in _COMPLETE and squash(text) in _COMPLETE:
                continue
            if any(c.bottom - 0.5 <= s.pos <= f.top + 0.5 and s.covers(f.xc) for s in hrules):
                continue
            target = c
        if target is None:
            cells.append(HeaderCell(text, f.x0, f.x1, f.top, f.bottom, None))
        else:
            target.text += text
            target.x0, target.x1 = min(target.x0, f.x0), max(target.x1, f.x1)
            target.bottom = max(target.bottom, f.bottom)
    for c in cells:
        c.role = header_role(c.text)
    return cells


_CURRENCY = re.compile(r"[（(]\s*(万元|元|千元|亿元)\s*[）)]")


def _children(c: HeaderCell, cells: list[HeaderCell], vrules: list[Segment]) -> list[HeaderCell]:
    """The header cells under ``c`` when ``c`` spans several columns (a two-level header).

    Where the header is ruled, ``c``'s cell runs between the vertical rules beside it;
    unruled, a spanning label is centred over its children, which lie close under it.
    """
    below = [d for d in cells if d is not c and d.top >= c.bottom - 0.5 and d.top - c.bottom < 3 * (c.bottom - c.top)]
    beside = sorted(v.pos for v in vrules if v.covers(c.yc, slack=0.5))
    left = max((x for x in beside if x < c.x0 + 0.5), default=None)
    right = min((x for x in beside if x > c.x1 - 0.5), default=None)
    interior = len(beside) > 2  # more than the table's frame: the header is ruled
    if interior and left is not None and right is not None:
        return [d for d in below if left < d.xc < right]
    reach = 1.6 * (c.x1 - c.x0)
    return [d for d in below if abs(d.xc - c.xc) <= reach]


def _build_header(cells: list[HeaderCell], top: float, bottom: float, vrules: list[Segment]) -> Header | None:
    roles = {c.role for c in cells}
    has_parts = bool(roles & set(INDICATOR_PARTS))
    parents: list[HeaderCell] = []
    leaves: list[HeaderCell] = []
    for c in cells:
        kids = _children(c, cells, vrules)
        if (c.role == INDICATORS and has_parts) or c.role == GROUP or len(kids) >= 2:
            parents.append(c)
        else:
            leaves.append(c)
    leaves.sort(key=lambda c: c.xc)
    if not any(c.role for c in leaves):
        return None
    currency = None
    for c in cells:
        m = _CURRENCY.search(squash(c.text))
        if m and is_amount_role(c.role):
            currency = m.group(1)
    return Header(leaves, top, bottom, parents, currency)
