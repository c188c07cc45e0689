"""pdfplumber's report of a page, as :class:`~.rawpage.RawPage` records.

pdfplumber is the reference reader: its boxes are pdfminer's (a glyph's box is its advance
width by the font size, from the font's descent up), and the PDFium reader reproduces them.
"""

from __future__ import annotations

from typing import Any

from .rawpage import RawChar, RawEdge, RawPage, direction, is_white


def is_invisible(edge: dict[str, Any]) -> bool:
    """The edge of a white, unstroked rectangle: a cell's background, not a rule."""
    return (
        edge.get("object_type") == "rect_edge" and not edge.get("stroke") and is_white(edge.get("non_stroking_color"))
    )


def raw_char(c: dict[str, Any]) -> RawChar:
    m = c.get("matrix") or (1, 0, 0, 1, 0, 0)
    baseline = None
    if c.get("matrix") and not m[1] and not m[2] and "y0" in c:
        baseline = float(c["bottom"]) + float(c["y0"]) - float(m[5])  # measured from the page top
    return RawChar(
        c["text"],
        float(c["x0"]),
        float(c["x1"]),
        float(c["top"]),
        float(c["bottom"]),
        float(c.get("size") or 0.0),
        bool(c.get("upright", True)),
        direction(float(m[0]), float(m[1])),
        baseline,
    )


def raw_edge(e: dict[str, Any]) -> RawEdge:
    return RawEdge(float(e["x0"]), float(e["x1"]), float(e["top"]), float(e["bottom"]), e.get("orientation"))


def plumber_page(page: Any, number: int) -> RawPage:
    """A pdfplumber page's characters and visible edges."""
    chars = [raw_char(c) for c in page.chars if c["text"]]
    edges = [raw_edge(e) for e in page.edges if not is_invisible(e)]
    return RawPage(number, float(page.width), float(page.height), chars, edges)


class PlumberPages:
    """An open document, read page by page by pdfplumber (each page released once read)."""

    def __init__(self, source: str) -> None:
        import pdfplumber

        self._pdf = pdfplumber.open(source)

    def __len__(self) -> int:
        return len(self._pdf.pages)

    def read(self, number: int) -> RawPage:
        page = self._pdf.pages[number - 1]
        try:
            return plumber_page(page, number)
        finally:
            page.close()

    def close(self) -> None:
        self._pdf.close()
