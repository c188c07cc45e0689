"""What a PDF engine reports of one page, before the page model is built from it.

Every reader (pdfplumber, PDFium) reports the same records in the same frame: PDF points,
``x`` from the left edge of the page's mediabox as the page is displayed (its /Rotate
applied) and ``top``/``bottom`` measured down from its top edge — pdfplumber's convention.
:func:`~.geometry.page_geometry` builds the page model from these records alone, so the table
logic cannot tell which engine read the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class RawChar:
    """One glyph as drawn: its text, its box and how it is turned. (Not frozen, to be cheap
    to make: a page has a thousand of them, a document a hundred thousand.)"""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    #: the glyph's height on the page (its width, for text running up or down)
    size: float
    #: the glyph is drawn upright (pdfminer's test on its matrix)
    upright: bool
    #: which way the text runs on the page: ``right``, ``down`` or ``up``
    way: str
    #: ``top`` of its baseline when the glyph is drawn axis-aligned, else None
    baseline: float | None = None


@dataclass(frozen=True, slots=True)
class RawEdge:
    """One edge of a painted line, rectangle or curve (pdfplumber's ``page.edges``)."""

    x0: float
    x1: float
    top: float
    bottom: float
    #: ``h`` or ``v`` when the engine knows it, None for a slanted curve segment
    orientation: str | None


@dataclass(slots=True)
class RawPage:
    number: int  # 1-based physical page
    width: float
    height: float
    chars: list[RawChar] = field(default_factory=list)
    #: visible edges only: a white, unstroked rectangle (a cell's background) has none
    edges: list[RawEdge] = field(default_factory=list)


def direction(a: float, b: float) -> str:
    """Which way text whose matrix starts ``a b`` runs on the page: right, up or down."""
    if abs(b) > abs(a):
        return "up" if b > 0 else "down"
    return "right"


def is_white(color: object) -> bool:
    """A fill colour that paints the page's own white (gray 1, RGB 1,1,1 or CMYK 0,0,0,0)."""
    if color is None:
        return False
    values = color if isinstance(color, tuple | list) else (color,)
    try:
        v = [float(x) for x in values]
    except (TypeError, ValueError):
        return False
    if len(v) == 4:
        return all(x <= 0.02 for x in v)
    return bool(v) and all(x >= 0.98 for x in v)
