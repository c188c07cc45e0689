"""What PDFium's text layer leaves out of the page, put back.

PDFium's text layer (FPDFText) is built for reading text, not for measuring a page: of what
the content stream draws, it leaves out

* a text object drawn again over itself (fake bold, overprinting): it comes back as a copy of
  the glyphs it repeats, shifted to where it is drawn;
* the spaces of a run after its first (PDFium collapses runs of spaces): inside a text object
  they come back from the gap they leave (:mod:`.pdfium_chars`); at the end of one, or as text
  objects of their own, from the object's extent — one space per advance;
* a text object whose glyphs have no box (a lone blank glyph): a space comes back. Where the
  font is not embedded, PDFium may simply have no outlines for it (an unembedded CJK font on
  a machine without CJK fonts) and the glyph could be anything: the page is
  :class:`UnmeasuredText`, and the reader reads it with pdfplumber instead.
"""

from __future__ import annotations

import math
from ctypes import addressof, c_float

from . import pdfium_api as api
from .page_frame import Matrix, PageFrame, multiply
from .pdfium_chars import Fonts, Run, TextLayer
from .rawpage import RawChar

#: PDFium compares a text object with this many text objects before it.
_LOOK_BACK = 5
#: A repeat lies within this share of the font size of what it repeats (fake bold's offset).
_REPEAT_OFFSET = 0.2
#: PDFium leaves out a text object narrower than this (cpdf_textpage.cpp's kSizeEpsilon).
_NO_WIDTH = 0.01


class UnmeasuredText(Exception):
    """PDFium cannot measure some glyph of the page (a font it has no outlines for)."""


def restore_dropped(layer: TextLayer, texts: list[tuple[int, Matrix]], frame: PageFrame, fonts: Fonts) -> None:
    _restore_tails(layer, texts, frame)
    runs = layer.runs
    for k, (obj, outer) in enumerate(texts):
        if obj in runs:
            continue
        before = [(other, _matrix(other, o)) for other, o in texts[max(0, k - _LOOK_BACK) : k]]
        _restore(layer, obj, outer, before, frame, fonts)


def _matrix(obj: int, outer: Matrix) -> Matrix:
    """A text object's matrix to user space (its position: the origin of its first glyph)."""
    m = api.FS_MATRIX()
    if not api.object_matrix(obj, addressof(m)):
        return outer
    return multiply((m.a, m.b, m.c, m.d, m.e, m.f), outer)


def _restore(
    layer: TextLayer, obj: int, outer: Matrix, before: list[tuple[int, Matrix]], frame: PageFrame, fonts: Fonts
) -> None:
    matrix = _matrix(obj, outer)
    size = c_float()
    api.textobj_font_size(obj, addressof(size))
    font = api.textobj_font(obj) or 0
    scale = math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2])) * size.value
    for other, other_matrix in reversed(before):
        run = layer.runs.get(other)
        if run is None or run.font != font or run.size != size.value:
            continue
        du, dv = matrix[4] - other_matrix[4], matrix[5] - other_matrix[5]
        if math.hypot(du, dv) <= _REPEAT_OFFSET * scale:
            _repeat(layer, obj, other, du, dv, frame)
            return
    box = _bounds(obj, outer, frame)
    if (box is None or _raw_width(obj) < _NO_WIDTH) and not api.font_is_embedded(font):
        raise UnmeasuredText
    a, b, c, d, e, f = matrix
    run = fonts.run((a, b, c, d, 0.0, 0.0), obj)
    layer.runs[obj] = run
    x, t = frame.point(e, f)
    space = run.glyph(" ", 0x20, x, t)
    layer.add(space, obj)
    _more_spaces(layer, obj, run, space, box)


def _repeat(layer: TextLayer, obj: int, other: int, du: float, dv: float, frame: PageFrame) -> None:
    """Copy the glyphs of ``other`` drawn again (du, dv) further in user space."""
    a, b, c, d, _, _ = frame.to_page
    dx, dt = a * du + c * dv, b * du + d * dv
    for g in layer.glyphs_of(other):
        baseline = None if g.baseline is None else g.baseline + dt
        layer.add(
            RawChar(g.text, g.x0 + dx, g.x1 + dx, g.top + dt, g.bottom + dt, g.size, g.upright, g.way, baseline), obj
        )
    layer.runs[obj] = layer.runs[other]


def _restore_tails(layer: TextLayer, texts: list[tuple[int, Matrix]], frame: PageFrame) -> None:
    """A text object whose last glyph in the layer is a space, but which reaches further:
    the spaces after it were collapsed."""
    last: dict[int, int] = {}
    for i, owner in enumerate(layer.owners):
        last[owner] = i
    tails = {obj: i for obj, i in last.items() if layer.chars[i].text == " "}
    if not tails:
        return
    for obj, outer in texts:
        at = tails.get(obj)
        if at is not None:
            _more_spaces(layer, obj, layer.runs[obj], layer.chars[at], _bounds(obj, outer, frame))


def _more_spaces(
    layer: TextLayer, obj: int, run: Run, space: RawChar, box: tuple[float, float, float, float] | None
) -> None:
    """The spaces after ``space`` that the object's box (x0, x1, top, bottom on the page)
    reaches over: one per advance, the last one's box being empty or narrow (text running
    right on the page only)."""
    ga, gb = run.box[0], run.box[1]
    adv = space.x1 - space.x0
    if box is None or gb != 0 or ga <= 0 or adv <= 0:
        return
    count = round((box[1] - space.x0) / adv)  # spaces drawn closer or wider than their advance, too
    for k in range(1, count + 1):
        layer.add(
            RawChar(" ", space.x0 + k * adv, space.x1 + k * adv, space.top, space.bottom, space.size, space.upright,
                    space.way, space.baseline),
            obj,
        )


def _raw_width(obj: int) -> float:
    """The object's width as PDFium's text layer measures it (in its own space)."""
    left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
    if not api.object_bounds(obj, addressof(left), addressof(bottom), addressof(right), addressof(top)):
        return 0.0
    return abs(right.value - left.value)


def _bounds(obj: int, outer: Matrix, frame: PageFrame) -> tuple[float, float, float, float] | None:
    """The object's box as PDFium measures it (x0, x1, top, bottom on the page)."""
    left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
    if not api.object_bounds(obj, addressof(left), addressof(bottom), addressof(right), addressof(top)):
        return None
    to_page = multiply(outer, frame.to_page)
    a, b, c, d, e, f = to_page
    xs, ts = [], []
    x0, x1, lo, hi = left.value, right.value, bottom.value, top.value
    for u, v in ((x0, lo), (x1, hi), (x0, hi), (x1, lo)):
        xs.append(a * u + c * v + e)
        ts.append(b * u + d * v + f)
    return min(xs), max(xs), min(ts), max(ts)
