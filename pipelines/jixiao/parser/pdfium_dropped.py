"""The text objects PDFium's text layer leaves out, put back.

PDFium's text layer (FPDFText) is built for reading text, not for measuring a page: of what
the content stream draws, it leaves out

* a text object drawn again over itself (fake bold, overprinting): it comes back as a copy of
  the glyphs it repeats, shifted to where it is drawn;
* a space drawn right after a space (PDFium collapses runs of spaces): it comes back as a space;
* a text object whose glyphs have no box (a lone blank glyph): a space comes back. Where the
  font is not embedded, PDFium may simply have no outlines for it (an unembedded CJK font on
  a machine without CJK fonts) and the glyph could be anything: the page is
  :class:`UnmeasuredText`, and the reader reads it with pdfplumber instead.
"""

from __future__ import annotations

import math
from ctypes import addressof, byref, c_float

from . import pdfium_api as api
from .page_frame import Matrix, PageFrame, multiply
from .pdfium_chars import Fonts, TextLayer
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
    runs = layer.runs
    for k, (obj, outer) in enumerate(texts):
        if obj in runs:
            continue
        before = [(other, _matrix(other, o)) for other, o in texts[max(0, k - _LOOK_BACK) : k]]
        _restore(layer, obj, _matrix(obj, outer), before, frame, fonts)


def _matrix(obj: int, outer: Matrix) -> Matrix:
    """A text object's matrix to user space (its position: the origin of its first glyph)."""
    m = api.FS_MATRIX()
    if not api.object_matrix(obj, byref(m)):
        return outer
    return multiply((m.a, m.b, m.c, m.d, m.e, m.f), outer)


def _restore(
    layer: TextLayer,
    obj: int,
    matrix: Matrix,
    before: list[tuple[int, Matrix]],
    frame: PageFrame,
    fonts: Fonts,
) -> None:
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
    if _width(obj) < _NO_WIDTH and not api.font_is_embedded(font):
        raise UnmeasuredText
    a, b, c, d, e, f = matrix
    run = fonts.run((a, b, c, d, 0.0, 0.0), obj)
    layer.runs[obj] = run
    x, t = frame.point(e, f)
    layer.add(run.glyph(" ", 0x20, x, t), obj)


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


def _width(obj: int) -> float:
    """The object's width as PDFium measures it."""
    left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
    if not api.object_bounds(obj, byref(left), byref(bottom), byref(right), byref(top)):
        return 0.0
    return abs(right.value - left.value)
