"""What the table reader sees of a page: glyphs, text lines and ruling segments.

Built once per page from what a reader reported of it (:mod:`.rawpage`), whichever engine
read it. Coordinates are PDF points, ``top`` measured from the top of the (rotated) page.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter

from .rawpage import RawPage

#: Rules shorter than this are the thickness edges of thin filled rectangles, not rules.
MIN_RULE_LENGTH = 3.0
#: Edges closer than this (perpendicular) are one rule drawn twice (rect mode, fill mode).
RULE_MERGE_TOLERANCE = 1.2


#: Not frozen: a page has a hundred thousand glyphs, and a frozen dataclass's __init__ costs
#: five times a plain one's. Nothing changes a glyph once made; equality and hash stay by value.
@dataclass(slots=True, unsafe_hash=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def blank(self) -> bool:
        return not self.text.strip()


_BY_X0 = attrgetter("x0")
_BY_TOP_X0 = attrgetter("top", "x0")


@dataclass(slots=True)
class Line:
    """Glyphs on one baseline within one column (or one page-wide band)."""

    glyphs: list[Glyph]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        glyphs = self.glyphs
        glyphs.sort(key=_BY_X0)
        ink = [g for g in glyphs if g.text.strip()] or glyphs
        self.x0 = ink[0].x0  # sorted by x0
        self.x1 = max([g.x1 for g in ink])
        self.top = min([g.top for g in glyphs])
        self.bottom = max([g.bottom for g in glyphs])

    @property
    def text(self) -> str:
        return "".join([g.text for g in self.glyphs])

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)


@dataclass(frozen=True, slots=True)
class Segment:
    """A ruling: ``pos`` is y for horizontal rules, x for vertical ones."""

    pos: float
    start: float
    end: float

    def covers(self, value: float, slack: float = 0.5) -> bool:
        return self.start - slack <= value <= self.end + slack

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass
class PageGeometry:
    number: int  # 1-based physical page
    width: float
    height: float
    glyphs: list[Glyph]
    hrules: list[Segment] = field(default_factory=list)
    vrules: list[Segment] = field(default_factory=list)
    _lines: list[Line] | None = field(default=None, repr=False, compare=False)

    def lines(self) -> list[Line]:
        """The page's text lines (:func:`cluster_lines` of every glyph), worked out once."""
        if self._lines is None:
            self._lines = cluster_lines(self.glyphs)
        return self._lines

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled packed (texts, then every number in one array): a page read by a worker
        process crosses to the parser in a tenth of the time its objects would take."""
        coords = array("d")
        for g in self.glyphs:
            coords.extend((g.x0, g.x1, g.top, g.bottom, g.size))
        rules = array("d")
        for s in self.hrules + self.vrules:
            rules.extend((s.pos, s.start, s.end))
        texts = [g.text for g in self.glyphs]
        return (_unpack, (self.number, self.width, self.height, texts, coords, rules, len(self.hrules)))


def _unpack(
    number: int, width: float, height: float, texts: list[str], coords: array[float], rules: array[float], nh: int
) -> PageGeometry:
    glyphs = list(map(Glyph, texts, coords[0::5], coords[1::5], coords[2::5], coords[3::5], coords[4::5]))
    segments = list(map(Segment, rules[0::3], rules[1::3], rules[2::3]))
    return PageGeometry(number, width, height, glyphs, segments[:nh], segments[nh:])


def _merge_segments(raw: Iterable[tuple[float, float, float]]) -> list[Segment]:
    """Merge collinear, overlapping or touching segments (pos, start, end)."""
    items = sorted(raw)
    # group by position
    groups: list[list[tuple[float, float, float]]] = []
    for item in items:
        if groups and item[0] - groups[-1][-1][0] <= RULE_MERGE_TOLERANCE:
            groups[-1].append(item)
        else:
            groups.append([item])
    out: list[Segment] = []
    for group in groups:
        pos = sum(p for p, _, _ in group) / len(group)
        spans = sorted((s, e) for _, s, e in group)
        cur_s, cur_e = spans[0]
        for s, e in spans[1:]:
            if s <= cur_e + RULE_MERGE_TOLERANCE * 2:
                cur_e = max(cur_e, e)
            else:
                out.append(Segment(pos, cur_s, cur_e))
                cur_s, cur_e = s, e
        out.append(Segment(pos, cur_s, cur_e))
    return [s for s in out if s.length >= MIN_RULE_LENGTH]


#: An edge: x0, x1, top, bottom and orientation (``h``, ``v`` or None when not known).
Edge = tuple[float, float, float, float, str | None]


def rules_from_edges(edges: Iterable[Edge]) -> tuple[list[Segment], list[Segment]]:
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    for x0, x1, top, bottom, orientation in edges:
        if orientation == "h" or (bottom - top) < 1.0 <= (x1 - x0):
            horizontal.append(((top + bottom) / 2, x0, x1))
        elif orientation == "v" or (x1 - x0) < 1.0 <= (bottom - top):
            vertical.append(((x0 + x1) / 2, top, bottom))
    return _merge_segments(horizontal), _merge_segments(vertical)


@cache
def _compatibility() -> dict[int, str]:
    """Kangxi radicals and CJK compatibility ideographs that some fonts' ToUnicode maps
    give instead of the ordinary ideograph (⽬ for 目): map them back. And the Latin
    ligatures (ﬁ), which one engine reports as one glyph and another as its letters."""
    table: dict[int, str] = {}
    for lo, hi in ((0x2E80, 0x2FDF), (0xF900, 0xFAFF)):
        for cp in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(cp))
            if norm != chr(cp) and len(norm) == 1:
                table[cp] = norm
    for cp in range(0xFB00, 0xFB07):
        table[cp] = unicodedata.normalize("NFKC", chr(cp))
    return table


def clean_text(text: str) -> str:
    if len(text) == 1:  # a glyph
        cp = ord(text)
        if cp < 0x2E80 or 0x2FDF < cp < 0xF900 or cp > 0xFB06:
            return text
        return _compatibility().get(cp, text)
    if any(0x2E80 <= ord(ch) <= 0x2FDF or 0xF900 <= ord(ch) <= 0xFB06 for ch in text):
        return text.translate(_compatibility())
    return text


#: Where a glyph's box lies about its baseline, as shares of the font size (an em box).
ASCENT = 0.88
DESCENT = 0.12
#: Coordinates are kept on a grid of 1/GRID point. Engines compute the same position a few
#: millionths apart (PDFium in single precision, pdfminer in double); on the grid both give
#: the same number, so that a glyph centred exactly on a rule falls on the same side of it
#: whichever engine read the page.
GRID = 1000


def _vertical_box(top: float, bottom: float, baseline: float | None, size: float) -> tuple[float, float]:
    """top and bottom of a glyph. Some embedded fonts carry a broken bounding box (digits of
    one font drawn a line below the ideographs beside them, on the same baseline): where the
    box does not hold the glyph's baseline, the box is rebuilt around the baseline."""
    if baseline is None:
        return top, bottom
    h = bottom - top
    if top + 0.5 * h <= baseline <= bottom + 0.05 * h:
        return top, bottom
    size = size or h
    return baseline - ASCENT * size, baseline + DESCENT * size


def _turn(
    box: tuple[float, float, float, float], way: str, width: float, height: float
) -> tuple[float, float, float, float]:
    """A box (x0, x1, top, bottom) of a page whose text runs ``way``, in the frame where the
    text runs right."""
    x0, x1, top, bottom = box
    if way == "down":  # rotate the page a quarter turn anticlockwise
        return top, bottom, width - x1, width - x0
    return height - bottom, height - top, x0, x1  # up: a quarter turn clockwise


def _grid(value: float) -> float:
    """``value`` on the grid of :data:`GRID` points."""
    return round(value * GRID) / GRID


def page_geometry(raw: RawPage) -> PageGeometry:
    """Build the page model from what a reader reported of the page (chars and edges).

    A page whose text runs sideways (a page carrying a /Rotate its content does not expect,
    or a table drawn turned on an upright page) is read in the direction of its text.
    """
    chars = [c for c in raw.chars if c.text]
    width, height, number = _grid(raw.width), _grid(raw.height), raw.number
    ways = [c.way for c in chars]
    way = max(("right", "down", "up"), key=ways.count) if chars else "right"
    edges = [(_grid(e.x0), _grid(e.x1), _grid(e.top), _grid(e.bottom), e.orientation) for e in raw.edges]
    glyphs = []
    if way != "right":
        for c in chars:
            if c.way != way:
                continue
            box = _turn((_grid(c.x0), _grid(c.x1), _grid(c.top), _grid(c.bottom)), way, width, height)
            x0, x1, top, bottom = box
            glyphs.append(Glyph(clean_text(c.text), x0, x1, top, bottom, _grid(c.size) or (x1 - x0)))
        turned: list[Edge] = []
        for x0, x1, top, bottom, _ in edges:
            tx0, tx1, ttop, tbottom = _turn((x0, x1, top, bottom), way, width, height)
            turned.append((tx0, tx1, ttop, tbottom, None))
        hrules, vrules = rules_from_edges(turned)
        return PageGeometry(number, height, width, _dedupe(glyphs), hrules, vrules)
    k = GRID
    for c in chars:
        if not c.upright:
            continue
        size = round(c.size * k) / k
        top, bottom = round(c.top * k) / k, round(c.bottom * k) / k
        if c.baseline is not None:
            top, bottom = _vertical_box(top, bottom, round(c.baseline * k) / k, size)
        x0, x1 = round(c.x0 * k) / k, round(c.x1 * k) / k
        glyphs.append(Glyph(clean_text(c.text), x0, x1, top, bottom, size or (bottom - top)))
    hrules, vrules = rules_from_edges(edges)
    return PageGeometry(number, width, height, _dedupe(glyphs), hrules, vrules)


def _dedupe(glyphs: list[Glyph]) -> list[Glyph]:
    """Drop glyphs drawn twice at (almost) the same place (fake bold, overprinting)."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for g in glyphs:
        key = (g.text, round(g.x0), round(g.top))
        if key in seen:
            continue
        seen.add(key)
        out.append(g)
    return out


#: A glyph smaller than this share of the text around it is a sub- or superscript (PM₂.₅).
SCRIPT_SIZE = 0.75


def cluster_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    """Group glyphs into lines by baseline (top), in reading order. A subscript or
    superscript joins the line it is printed on rather than starting one of its own."""
    ordered = sorted(glyphs, key=_BY_TOP_X0)
    sizes = sorted([g.size for g in ordered if g.text.strip()])
    typical = sizes[len(sizes) // 2] if sizes else 0.0
    small = SCRIPT_SIZE * typical
    scripts = [g for g in ordered if g.size < small and g.text.strip()]
    if scripts:
        ordered = [g for g in ordered if not (g.size < small and g.text.strip())]
    lines: list[list[Glyph]] = []
    anchor_top = anchor_size = 0.0
    current: list[Glyph] = []
    for g in ordered:
        size = g.size
        if lines and g.top - anchor_top <= 0.45 * (anchor_size if anchor_size >= size else size):
            current.append(g)
        else:
            current = [g]
            lines.append(current)
            anchor_top, anchor_size = g.top, size
    for g in scripts:
        host = next((ln for ln in lines if min(x.top for x in ln) <= g.yc <= max(x.bottom for x in ln)), None)
        if host is None:
            lines.append([g])
            lines.sort(key=lambda ln: min(x.top for x in ln))
        else:
            host.append(g)
    return [Line(ln) for ln in lines if any(g.text.strip() for g in ln)]


def split_fragments(line: Line, vrules: Sequence[Segment] = (), gap_factor: float = 0.6) -> list[Line]:
    """Split a line where glyphs are far apart or a vertical rule runs between them."""
    frags: list[list[Glyph]] = []
    prev: Glyph | None = None
    for g in line.glyphs:
        if prev is not None:
            gap = g.x0 - prev.x1
            ruled = any(prev.x1 - 0.5 <= v.pos <= g.x0 + 0.5 and v.covers(g.yc, slack=1.0) for v in vrules)
            if ruled or gap > gap_factor * max(g.size, prev.size):
                frags.append([])
        if not frags:
            frags.append([])
        frags[-1].append(g)
        prev = g
    return [Line(f) for f in frags if any(not g.blank for g in f)]
