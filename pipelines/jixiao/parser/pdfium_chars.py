"""A page's glyphs from PDFium's text layer, boxed the way pdfminer boxes them.

pdfminer's box of a glyph is its advance width by the font size, standing on the font's
descent below the baseline, carried by the glyph's text matrix. PDFium gives, for every
character of its text layer, the origin and the text object (hence matrix, font and size);
the advance width and the descent come from the font, asked once per font and character.

Where PDFium's text layer differs from what the content stream draws, the reader puts it
back (the identity test in ``tests/test_readers_agree.py`` finds these):

* characters PDFium synthesises (spaces between words, line breaks) are dropped;
* a run of spaces PDFium collapsed to one is drawn again, one space per advance;
* a hyphen PDFium marked as a line-end hyphen (U+0002) is a hyphen again;
* the pieces PDFium splits a ligature into (ﬁ → f, i) are one glyph again.
"""

from __future__ import annotations

from ctypes import byref, c_double, c_float
from dataclasses import dataclass, field

from . import pdfium_api as api
from .page_frame import Matrix, PageFrame, multiply
from .rawpage import RawChar, direction

_SPACE = 0x20
_GENERATED = (0x20, 0x0D, 0x0A)
_HYPHEN_MARK = 0x02


class Run:
    """What every character of one text object shares."""

    __slots__ = ("adv", "baseline_ok", "box", "desc", "dx", "font", "size", "upright", "way")

    def __init__(self, linear: Matrix, obj: int, frame: PageFrame, fonts: Fonts) -> None:
        size = c_float()
        api.textobj_font_size(obj, byref(size))
        self.size = size.value
        self.font = api.textobj_font(obj) or 0
        self.desc = fonts.descent(self.font) * self.size
        # the glyph's box axes on the page, and its matrix in pdfminer's device space
        self.box = multiply(linear, frame.to_page)
        da, db, dc, dd, _, _ = multiply(linear, frame.device)
        self.upright = da * dd > 0 and db * dc <= 0
        self.way = direction(da, db)
        self.baseline_ok = db == 0 and dc == 0
        # the text direction in user space, to measure the distance between two origins
        self.dx = (linear[0], linear[1])
        self.adv: dict[int, float] = {}

    def advance(self, fonts: Fonts, code: int) -> float:
        adv = self.adv.get(code)
        if adv is None:
            adv = self.adv[code] = fonts.width(self.font, code) * self.size
        return adv

    def glyph(self, text: str, adv: float, x: float, t: float) -> RawChar:
        """The glyph whose origin is (x, t) on the page, pdfminer's box around it."""
        ga, gb, gc, gd, _, _ = self.box
        lo, hi = self.desc, self.desc + self.size
        xa, xc1, xc2 = ga * adv, gc * lo, gc * hi
        ta, tc1, tc2 = gb * adv, gd * lo, gd * hi
        x0 = x + (xa if xa < 0 else 0.0) + (xc1 if xc1 < xc2 else xc2)
        x1 = x + (xa if xa > 0 else 0.0) + (xc1 if xc1 > xc2 else xc2)
        top = t + (ta if ta < 0 else 0.0) + (tc1 if tc1 < tc2 else tc2)
        bottom = t + (ta if ta > 0 else 0.0) + (tc1 if tc1 > tc2 else tc2)
        return RawChar(text, x0, x1, top, bottom, bottom - top, self.upright, self.way, t if self.baseline_ok else None)


class Fonts:
    """Descents and advance widths, asked of PDFium once per font and character."""

    def __init__(self) -> None:
        self._descent: dict[int, float] = {}
        self._width: dict[tuple[int, int], float] = {}
        self._out = c_float()

    def descent(self, font: int) -> float:
        """The font's descent per unit of font size (negative, as pdfminer forces it)."""
        d = self._descent.get(font)
        if d is None:
            d = 0.0
            if font and api.font_descent(font, 1000.0, byref(self._out)):
                d = self._out.value / 1000.0
            d = -d if d > 0 else d
            self._descent[font] = d
        return d

    def width(self, font: int, code: int) -> float:
        """The advance width of ``code`` per unit of font size; 0 when PDFium has none."""
        key = (font, code)
        w = self._width.get(key)
        if w is None:
            w = 0.0
            if font and api.font_glyph_width(font, code, 1000.0, byref(self._out)):
                w = self._out.value / 1000.0
            self._width[key] = w
        return w


@dataclass(slots=True)
class TextLayer:
    chars: list[RawChar] = field(default_factory=list)
    #: the text objects the layer holds, and the indexes of each one's glyphs in ``chars``
    runs: dict[int, Run] = field(default_factory=dict)
    glyphs_of: dict[int, list[int]] = field(default_factory=dict)


def page_chars(textpage: int, frame: PageFrame, fonts: Fonts) -> TextLayer:
    """Every glyph of the page's text layer, in the layer's order."""
    layer = TextLayer()
    n = api.text_count_chars(textpage)
    if n <= 0:
        return layer
    out, runs, glyphs_of = layer.chars, layer.runs, layer.glyphs_of
    ox, oy = c_double(), c_double()
    rox, roy = byref(ox), byref(oy)
    m = api.FS_MATRIX()
    unicode_of, object_of, origin_of = api.text_unicode, api.text_object, api.text_origin
    fa, fb, fc, fd, fe, ff = frame.to_page
    last_obj = 0
    last_origin = (0.0, 0.0)
    last_code = -1
    for i in range(n):
        code = unicode_of(textpage, i)
        if code in _GENERATED and api.text_is_generated(textpage, i):
            continue
        obj = object_of(textpage, i)
        if not obj:
            continue
        run = runs.get(obj)
        if run is None:
            api.text_matrix(textpage, i, byref(m))
            run = runs[obj] = Run((m.a, m.b, m.c, m.d, 0.0, 0.0), obj, frame, fonts)
            glyphs_of[obj] = []
        origin_of(textpage, i, rox, roy)
        u, v = ox.value, oy.value
        if code == _HYPHEN_MARK and api.text_is_hyphen(textpage, i):
            code = 0x2D
        text = chr(code)
        if obj == last_obj and (u, v) == last_origin and out:
            # a ligature PDFium split into pieces, all at the ligature's origin
            prev = out[-1]
            out[-1] = RawChar(prev.text + text, prev.x0, prev.x1, prev.top, prev.bottom, prev.size, prev.upright,
                              prev.way, prev.baseline)
            continue
        if obj == last_obj and last_code == _SPACE:
            _restore_spaces(layer, obj, run, fonts, last_origin, (u, v))
        last_obj, last_origin, last_code = obj, (u, v), code
        glyphs_of[obj].append(len(out))
        out.append(run.glyph(text, run.advance(fonts, code), fa * u + fc * v + fe, fb * u + fd * v + ff))
    return layer


def _restore_spaces(
    layer: TextLayer, obj: int, run: Run, fonts: Fonts, at: tuple[float, float], nxt: tuple[float, float]
) -> None:
    """PDFium keeps the first space of a run: draw the others again, where the gap to the
    next glyph of the same text object shows a whole number of spaces."""
    adv = run.advance(fonts, _SPACE)
    a, b = run.dx
    norm = a * a + b * b
    if adv <= 0 or norm == 0:
        return
    along = ((nxt[0] - at[0]) * a + (nxt[1] - at[1]) * b) / norm  # in text space units
    count = round(along / adv)
    if count < 2 or abs(along - count * adv) > 0.25 * adv:
        return
    space = layer.chars[-1]
    step_x, step_t = run.box[0] * adv, run.box[1] * adv  # one advance, on the page
    for k in range(1, count):
        dx, dt = step_x * k, step_t * k
        layer.glyphs_of[obj].append(len(layer.chars))
        layer.chars.append(
            RawChar(space.text, space.x0 + dx, space.x1 + dx, space.top + dt, space.bottom + dt, space.size,
                    space.upright, space.way, None if space.baseline is None else space.baseline + dt)
        )
