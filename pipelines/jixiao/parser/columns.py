"""Column boundaries: from the vertical rules where the grid is ruled, else from the
header's centred labels and the white space (rivers) between the body's columns."""

from __future__ import annotations

from dataclasses import dataclass

from .geometry import PageGeometry
from .header import Header


@dataclass(frozen=True)
class Column:
    role: str | None
    label: str
    x0: float
    x1: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class ColumnMap:
    columns: tuple[Column, ...]
    left: float
    right: float
    ruled: bool  # boundaries came from vertical rules

    def index_of(self, role: str) -> int | None:
        for i, c in enumerate(self.columns):
            if c.role == role:
                return i
        return None

    def column_at(self, x: float) -> int | None:
        for i, c in enumerate(self.columns):
            if c.x0 <= x < c.x1:
                return i
        return None

    @property
    def roles(self) -> tuple[str | None, ...]:
        return tuple(c.role for c in self.columns)


def _table_extent(geom: PageGeometry, header: Header) -> tuple[float, float]:
    """Left and right edges of the table: its widest rule, else its header and text."""
    wide = [s for s in geom.hrules if s.pos >= header.top - 1.0]
    if wide:
        widest = max(wide, key=lambda s: s.length)
        if widest.length >= 0.5 * (header.cells[-1].x1 - header.cells[0].x0):
            return widest.start, widest.end
    body = [g for g in geom.glyphs if g.top >= header.bottom and not g.blank]
    xs0 = [c.x0 for c in header.cells] + [g.x0 for g in body]
    xs1 = [c.x1 for c in header.cells] + [g.x1 for g in body]
    return min(xs0) - 2.0, max(xs1) + 2.0


def map_columns(geom: PageGeometry, header: Header) -> ColumnMap:
    left, right = _table_extent(geom, header)
    ruled = _ruled_boundaries(geom, header, left, right)
    if ruled is not None:
        return ColumnMap(ruled, left, right, True)
    return ColumnMap(_open_boundaries(geom, header, left, right), left, right, False)


def _ruled_boundaries(geom: PageGeometry, header: Header, left: float, right: float) -> tuple[Column, ...] | None:
    xs: list[float] = []
    for v in geom.vrules:
        if v.end < header.top + 1.0 or not (left + 2.0 < v.pos < right - 2.0):
            continue
        if not any(abs(v.pos - x) < 1.5 for x in xs):
            xs.append(v.pos)
    bounds = [left, *sorted(xs), right]
    columns: list[Column] = []
    used: set[int] = set()
    for cell in header.cells:
        for i in range(len(bounds) - 1):
            if bounds[i] <= cell.xc < bounds[i + 1]:
                if i in used:
                    return None  # two labels in one ruled cell: the rules are not the grid
                used.add(i)
                columns.append(Column(cell.role, cell.text, bounds[i], bounds[i + 1]))
                break
    if len(columns) != len(header.cells) or len(bounds) < 3:
        return None
    return tuple(columns)


def _rivers(geom: PageGeometry, header: Header, left: float, right: float) -> list[tuple[float, float]]:
    """Horizontal stretches of the body that no glyph covers."""
    spans = sorted(
        (g.x0, g.x1) for g in geom.glyphs if g.top >= header.bottom and not g.blank and left <= g.xc <= right
    )
    rivers: list[tuple[float, float]] = []
    cursor = left
    for x0, x1 in spans:
        if x0 > cursor:
            rivers.append((cursor, x0))
        cursor = max(cursor, x1)
    if cursor < right:
        rivers.append((cursor, right))
    return rivers


def _open_boundaries(geom: PageGeometry, header: Header, left: float, right: float) -> tuple[Column, ...]:
    """Walk the header left to right: each label is centred in its cell, so a cell's
    right edge mirrors its left edge about the label's centre. Each estimate is snapped
    into the nearest river of the body, which the true boundary must lie in."""
    cells = header.cells
    rivers = _rivers(geom, header, left, right)
    bounds = [left]
    for k in range(len(cells) - 1):
        estimate = 2 * cells[k].xc - bounds[-1]
        lo, hi = cells[k].x1, cells[k + 1].x0
        if not lo < estimate < hi:
            estimate = min(max(estimate, lo), hi)
        bounds.append(_snap(estimate, rivers, lo, hi))
    bounds.append(right)
    return tuple(Column(c.role, c.text, bounds[i], bounds[i + 1]) for i, c in enumerate(cells))


def _snap(x: float, rivers: list[tuple[float, float]], lo: float, hi: float) -> float:
    best: tuple[float, float] | None = None
    for a, b in rivers:
        a, b = max(a, lo), min(b, hi)
        if b <= a:
            continue
        if a <= x <= b:
            return x
        d = a - x if x < a else x - b
        if best is None or d < best[0]:
            best = (d, (a + b) / 2)
    return best[1] if best else x
