"""The body of the table on one page: its vertical extent and its text, column by column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .columns import ColumnMap
from .geometry import Line, PageGeometry, Segment, cluster_lines, split_fragments
from .text import squash

_FOOTER = re.compile(
    r"^(?:[-—–－_~·]*\s*\d{1,4}\s*[-—–－_~·]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE,
)
_NEW_SECTION = re.compile(r"^(?:附件\s*\d{1,2}|附表\s*\d{1,2}|第[一二三四五六七八九十]+部分)")


def is_footer_text(text: str) -> bool:
    return bool(_FOOTER.match(text.strip()))


@dataclass
class Body:
    page: int
    top: float
    bottom: float
    columns: ColumnMap
    lines: list[list[Line]]  # per column, top to bottom
    hrules: list[Segment] = field(default_factory=list)  # rules strictly inside the body

    def rules_across(self, col: int) -> list[float]:
        """y of the rules that cross column ``col`` (its centre), top to bottom."""
        c = self.columns.columns[col]
        xc = c.xc
        span = c.x1 - c.x0
        out = []
        for s in self.hrules:
            if s.covers(xc, slack=0.25 * span):
                out.append(s.pos)
        return sorted(out)

    def is_empty(self) -> bool:
        return not any(self.lines)


def table_body(geom: PageGeometry, columns: ColumnMap, top: float) -> Body | None:
    """The body below ``top`` (the header's bottom, or the top of the page's frame)."""
    left, right = columns.left, columns.right
    glyphs = [g for g in geom.glyphs if g.yc > top and left - 1 <= g.xc <= right + 1]
    page_lines = cluster_lines(glyphs)
    bottom = geom.height
    # The table ends at a footer, or where a new section or table starts on the page.
    for ln in page_lines:
        t = squash(ln.text)
        if _NEW_SECTION.match(t) or (
            ln.top > top + 5 and ("部门名称" in t or "单位名称：" in t) and ln.bottom < bottom
        ):
            bottom = min(bottom, ln.top - 0.5)
            break
    wide = [s for s in geom.hrules if s.length >= 0.85 * (right - left) and top + 1 < s.pos < bottom]
    if wide:
        frame_bottom = max(s.pos for s in wide)
        below = [ln for ln in page_lines if ln.top > frame_bottom and ln.yc < bottom]
        if all(is_footer_text(ln.text) for ln in below):
            bottom = min(bottom, frame_bottom + 0.5)
    footer = {
        id(g)
        for ln in page_lines
        if ln.top > geom.height * 0.85
        for frag in split_fragments(ln)
        if is_footer_text(frag.text)
        for g in frag.glyphs
    }
    kept = [g for g in glyphs if g.yc < bottom and id(g) not in footer]
    if not kept:
        return None
    per_column: list[list] = [[] for _ in columns.columns]
    for g in kept:
        idx = columns.column_at(g.xc)
        if idx is not None:
            per_column[idx].append(g)
    lines = [cluster_lines(col) for col in per_column]
    rules = [s for s in geom.hrules if top + 1.0 < s.pos < bottom - 1.0]
    return Body(geom.number, top, bottom, columns, lines, rules)
