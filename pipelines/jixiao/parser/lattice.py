"""Ruled tables as cell grids (a *lattice*, as camelot calls it).

Forms and department tables are drawn as fully ruled grids with merged cells. Their cells
come from the page's ruling: the distinct positions of the vertical and horizontal rules
cut the table into elementary cells; neighbouring elementary cells with no rule between
them are one merged cell. Each cell takes the glyphs whose centre lies in it.

A page may hold several tables (two forms, or a form and a note): rules that touch each
other make one table frame, read on its own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .geometry import Glyph, Line, PageGeometry, Segment, cluster_lines
from .text import join_lines, squash

#: Rule positions closer than this are one grid line.
SNAP = 2.0
#: A rule touches another when it reaches it within this distance.
TOUCH = 3.0
#: A grid line separates two elementary cells when it covers this share of their common edge.
COVER = 0.5


@dataclass(eq=False)
class Cell:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    row0: int  # first and last elementary row / column it covers (inclusive)
    row1: int
    col0: int
    col1: int
    lines: list[Line] = field(default_factory=list)
    #: (lines, text, key) as last worked out: a cell is read many times, its lines set once
    _read: tuple[list[Line], str, str] | None = field(default=None, repr=False)

    def _texts(self) -> tuple[list[Line], str, str]:
        read = self._read
        if read is None or read[0] is not self.lines:
            text = join_lines(ln.text for ln in self.lines) or ""
            read = self._read = (self.lines, text, squash(text))
        return read

    @property
    def text(self) -> str:
        return self._texts()[1]

    @property
    def key(self) -> str:
        """The text squashed: what labels are matched on."""
        return self._texts()[2]

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    def overlap_x(self, x0: float, x1: float) -> float:
        return max(0.0, min(self.x1, x1) - max(self.x0, x0))


@dataclass
class Grid:
    """One ruled table frame on one page."""

    page: int
    xs: list[float]
    ys: list[float]
    cells: list[Cell]

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    @property
    def left(self) -> float:
        return self.xs[0]

    @property
    def right(self) -> float:
        return self.xs[-1]

    def rows(self) -> list[list[Cell]]:
        """For each elementary row, the cells that cover it, left to right (a cell merged
        over several rows appears in each)."""
        out: list[list[Cell]] = [[] for _ in range(len(self.ys) - 1)]
        for c in self.cells:
            for r in range(c.row0, c.row1 + 1):
                out[r].append(c)
        for row in out:
            row.sort(key=lambda c: c.x0)
        return out


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _frames(hrules: list[Segment], vrules: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Group rules into frames: rules that touch, directly or through others."""
    rules: list[tuple[str, Segment]] = [("h", s) for s in hrules] + [("v", s) for s in vrules]
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, (k, _) in enumerate(rules) if k == "h"]
    vs = [i for i, (k, _) in enumerate(rules) if k == "v"]
    for i in hs:
        h = rules[i][1]
        for j in vs:
            v = rules[j][1]
            if h.start - TOUCH <= v.pos <= h.end + TOUCH and v.start - TOUCH <= h.pos <= v.end + TOUCH:
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, (k, s) in enumerate(rules):
        g = groups.setdefault(find(i), ([], []))
        (g[0] if k == "h" else g[1]).append(s)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covered(segments: list[Segment], pos: float, a: float, b: float) -> bool:
    """Some segment at ``pos`` covers most of the span a..b."""
    need = COVER * (b - a)
    total = 0.0
    for s in segments:
        if abs(s.pos - pos) <= SNAP:
            total += max(0.0, min(s.end, b) - max(s.start, a))
    return total >= need


def _grid(page: int, hrules: list[Segment], vrules: list[Segment], glyphs: list[Glyph]) -> Grid | None:
    xs = _snap([v.pos for v in vrules])
    ys = _snap([h.pos for h in hrules])
    if len(xs) < 2 or len(ys) < 2:
        return None
    ncol, nrow = len(xs) - 1, len(ys) - 1
    parent = list(range(ncol * nrow))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nrow):
        for c in range(ncol):
            here = r * ncol + c
            if c + 1 < ncol and not _covered(vrules, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(here)] = find(here + 1)
            if r + 1 < nrow and not _covered(hrules, ys[r + 1], xs[c], xs[c + 1]):
                parent[find(here)] = find(here + ncol)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(nrow):
        for c in range(ncol):
            members.setdefault(find(r * ncol + c), []).append((r, c))
    cells = []
    for group in members.values():
        r0, r1 = min(r for r, _ in group), max(r for r, _ in group)
        c0, c1 = min(c for _, c in group), max(c for _, c in group)
        cells.append(Cell(page, xs[c0], xs[c1 + 1], ys[r0], ys[r1 + 1], r0, r1, c0, c1))
    _fill(cells, glyphs, xs, ys)
    cells.sort(key=lambda c: (c.row0, c.col0))
    return Grid(page, xs, ys, cells)


def _spans(edges: list[float], value: float) -> range:
    """The elementary rows (columns) between ``edges`` whose closed span holds ``value``:
    one, or two where it lies on the edge between them."""
    first = max(bisect_left(edges, value) - 1, 0)
    return range(first, min(bisect_right(edges, value), len(edges) - 1))


def _fill(cells: list[Cell], glyphs: list[Glyph], xs: list[float], ys: list[float]) -> None:
    """Give each cell the glyphs whose centre lies in it, as lines (the first such cell, in
    ``cells`` order, where merged cells' boxes overlap)."""
    covering: dict[tuple[int, int], list[int]] = {}
    for i, c in enumerate(cells):
        for r in range(c.row0, c.row1 + 1):
            for col in range(c.col0, c.col1 + 1):
                covering.setdefault((r, col), []).append(i)
    buckets: dict[int, list[Glyph]] = {}
    right = max(c.x1 for c in cells)
    outside: list[Glyph] = []
    for g in glyphs:
        if g.blank:
            continue
        xc, yc = g.xc, g.yc
        best = -1
        for r in _spans(ys, yc):
            for col in _spans(xs, xc):
                for i in covering.get((r, col), ()):
                    if best < 0 or i < best:
                        c = cells[i]
                        if c.x0 <= xc <= c.x1 and c.top <= yc <= c.bottom:
                            best = i
        if best >= 0:
            buckets.setdefault(best, []).append(g)
        elif xc >= right:
            outside.append(g)
    # a line that runs out of the table's last column (past the page's edge, even) still
    # belongs to its cell: glyphs beyond the right edge on the baseline of a cell's text
    for g in outside:
        for i, c in enumerate(cells):
            if abs(c.x1 - right) < 1 and c.top <= g.yc <= c.bottom:
                if any(abs(x.top - g.top) < 0.5 * g.size for x in buckets.get(i, [])):
                    buckets[i].append(g)
                break
    for i, gs in buckets.items():
        cells[i].lines = cluster_lines(gs)


def page_grids(geom: PageGeometry, top: float = 0.0, bottom: float | None = None) -> list[Grid]:
    """The ruled table frames of a page (between ``top`` and ``bottom``), top to bottom."""
    end = geom.height if bottom is None else bottom
    hrules = [s for s in geom.hrules if top - 1 <= s.pos <= end + 1]
    vrules = [s for s in geom.vrules if s.end >= top - 1 and s.start <= end + 1]
    glyphs = [g for g in geom.glyphs if top <= g.yc <= end]
    grids = []
    for hs, vs in _frames(hrules, vrules):
        g = _grid(geom.number, hs, vs, glyphs)
        if g is not None and len(g.cells) >= 2:
            grids.append(g)
    grids.sort(key=lambda g: g.top)
    return grids
