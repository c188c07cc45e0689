"""A page's glyphs from PDFium's text layer, boxed the way pdfminer boxes them.

pdfminer's box of a glyph is its advance width by the font size, standing on the font's
descent below the baseline, carried by the glyph's text matrix. PDFium gives, for every
character of its text layer, the origin and the text object (hence matrix, font and size);
the advance width and the descent come from the font, asked once per font and character.

Where PDFium's text layer differs from what the content stream draws, the reader puts it
back (the identity test, ``tests/test_readers_agree.py``, finds these):

* characters PDFium synthesises (spaces between words, line breaks) are dropped;
* a run of spaces PDFium collapsed to one is drawn again, one space per advance;
* a hyphen PDFium marked as a line-end hyphen (U+0002) is a hyphen again;
* the pieces PDFium splits a ligature into (ﬁ → f, i) are one glyph again.

Whole text objects the layer leaves out are put back by :mod:`.pdfium_dropped`.
"""

from __future__ import annotations

from ctypes import addressof, c_double, c_float, create_string_buffer
from dataclasses import dataclass, field

from . import pdfium_api as api
from .page_frame import Matrix, PageFrame, multiply
from .rawpage import RawChar, direction

_SPACE = 0x20
_GENERATED = (0x20, 0x0D, 0x0A)
_HYPHEN_MARK = 0x02


class Run:
    """What the glyphs of text objects with one font, size and matrix share."""

    __slots__ = (
        "adv", "baseline_ok", "box", "desc", "dx", "font", "fonts", "linear", "offsets", "size", "upright", "way"
    )

    def __init__(self, linear: Matrix, font: int, size: float, frame: PageFrame, fonts: Fonts) -> None:
        self.size = size
        self.font = font
        self.fonts = fonts
        self.linear = linear
        self.desc = fonts.descent(font) * size
        # the glyph's box axes on the page, and its matrix in pdfminer's device space
        self.box = multiply(linear, frame.to_page)
        da, db, dc, dd, _, _ = multiply(linear, frame.device)
        self.upright = da * dd > 0 and db * dc <= 0
        self.way = direction(da, db)
        self.baseline_ok = db == 0 and dc == 0
        # the text direction in user space, to measure the distance between two origins
        self.dx = (linear[0], linear[1])
        self.adv: dict[int, float] = {}
        #: per character: its box (x0, x1, top, bottom) around its origin on the page
        self.offsets: dict[int, tuple[float, float, float, float]] = {}

    def advance(self, code: int) -> float:
        adv = self.adv.get(code)
        if adv is None:
            adv = self.adv[code] = self.fonts.width(self.font, code) * self.size
        return adv

    def offset(self, code: int) -> tuple[float, float, float, float]:
        """pdfminer's box of ``code`` around its origin."""
        box = self.offsets.get(code)
        if box is None:
            box = self.offsets[code] = self.box_of(self.advance(code))
        return box

    def box_of(self, adv: float) -> tuple[float, float, float, float]:
        """pdfminer's box of a glyph advancing ``adv``, around its origin: the advance by the
        font size, standing on the descent, carried by the matrix (its four corners' box)."""
        ga, gb, gc, gd, _, _ = self.box
        lo, hi = self.desc, self.desc + self.size
        xa, xc1, xc2 = ga * adv, gc * lo, gc * hi
        ta, tc1, tc2 = gb * adv, gd * lo, gd * hi
        return (
            min(xa, 0.0) + min(xc1, xc2),
            max(xa, 0.0) + max(xc1, xc2),
            min(ta, 0.0) + min(tc1, tc2),
            max(ta, 0.0) + max(tc1, tc2),
        )

    def glyph(self, text: str, code: int, x: float, t: float) -> RawChar:
        """The glyph of ``code`` whose origin is (x, t) on the page."""
        dx0, dx1, dt0, dt1 = self.offset(code)
        top, bottom = t + dt0, t + dt1
        baseline = t if self.baseline_ok else None
        return RawChar(text, x + dx0, x + dx1, top, bottom, bottom - top, self.upright, self.way, baseline)


class FontBook:
    """What a document's fonts tell, kept while its pages come and go: PDFium's handle of a
    font lasts only as long as a page using it, so fonts are known by what they say of
    themselves (name, embedding, flags, weight, descent)."""

    def __init__(self) -> None:
        self.widths: dict[tuple[object, int], float] = {}
        #: per font, size, matrix and page frame: advances and boxes of characters
        self.advances: dict[tuple[object, ...], dict[int, float]] = {}
        self.offsets: dict[tuple[object, ...], dict[int, tuple[float, float, float, float]]] = {}


class Fonts:
    """The fonts of one page: descents, advance widths and runs."""

    def __init__(self, frame: PageFrame, book: FontBook | None = None) -> None:
        self.frame = frame
        self.book = book or FontBook()
        self._keys: dict[int, tuple[object, ...]] = {}
        self._runs: dict[tuple[int, float, Matrix], Run] = {}
        self._out = c_float()
        self._out_at = addressof(self._out)

    def run(self, linear: Matrix, obj: int, size: float | None = None) -> Run:
        """The run of text object ``obj`` drawn with ``linear`` (a page drawing every glyph as
        an object of its own has many objects and few runs)."""
        font = api.textobj_font(obj) or 0
        if size is None:
            api.textobj_font_size(obj, self._out_at)
            size = self._out.value
        key = (font, size, linear)
        run = self._runs.get(key)
        if run is None:
            run = self._runs[key] = Run(linear, font, size, self.frame, self)
            shared = (self.key(font), size, linear, self.frame.to_page)
            run.adv = self.book.advances.setdefault(shared, {})
            run.offsets = self.book.offsets.setdefault(shared, {})
        return run

    def key(self, font: int) -> tuple[object, ...]:
        """What the font says of itself (its key in the :class:`FontBook`)."""
        key = self._keys.get(font)
        if key is None:
            name = create_string_buffer(128)
            size = api.font_base_name(font, name, 128) if font else 0
            embedded = api.font_is_embedded(font) if font else 0
            descent = None
            if font and not embedded and 0 < size <= 128:
                descent = _STANDARD_DESCENTS.get(name.value.decode("latin-1"))
            if descent is None:
                descent = self._out.value / 1000.0 if font and api.font_descent(font, 1000.0, self._out_at) else 0.0
            descent = -descent if descent > 0 else descent
            flags = (api.font_flags(font), api.font_weight(font)) if font else (0, 0)
            key = self._keys[font] = (name.value, embedded, flags, descent)
        return key

    def descent(self, font: int) -> float:
        """The font's descent per unit of font size (negative, as pdfminer forces it). For a
        standard font the PDF does not embed, pdfminer takes Adobe's metrics and PDFium its
        substitute's: Adobe's, then."""
        descent = self.key(font)[3]
        assert isinstance(descent, float)
        return descent

    def width(self, font: int, code: int) -> float:
        """The advance width of ``code`` per unit of font size; 0 when PDFium has none."""
        key = (self.key(font), code)
        w = self.book.widths.get(key)
        if w is None:
            w = 0.0
            if font and api.font_glyph_width(font, code, 1000.0, self._out_at):
                w = self._out.value / 1000.0
            self.book.widths[key] = w
        return w


#: The descent of the standard fonts in Adobe's metrics, by the base names pdfminer knows them
#: by (its ``FONT_METRICS``).
_STANDARD_DESCENTS: dict[str, float] = {
    **dict.fromkeys(
        ("Courier", "Courier-Bold", "Courier-BoldOblique", "Courier-Oblique", "CourierNew", "CourierNew,Bold",
         "CourierNew,BoldItalic", "CourierNew,Italic"),
        -0.194,
    ),
    **dict.fromkeys(
        ("Helvetica", "Helvetica-Bold", "Helvetica-BoldOblique", "Helvetica-Oblique", "Arial", "Arial,Bold",
         "Arial,BoldItalic", "Arial,Italic"),
        -0.207,
    ),
    **dict.fromkeys(
        ("Times-Roman", "Times-Bold", "Times-BoldItalic", "Times-Italic", "TimesNewRoman", "TimesNewRoman,Bold",
         "TimesNewRoman,BoldItalic", "TimesNewRoman,Italic"),
        -0.217,
    ),
    "Symbol": 0.0,
    "ZapfDingbats": 0.0,
}


@dataclass(slots=True)
class TextLayer:
    chars: list[RawChar] = field(default_factory=list)
    #: the text object of each glyph
    owners: list[int] = field(default_factory=list)
    #: the text objects the layer holds, with their run
    runs: dict[int, Run] = field(default_factory=dict)

    def add(self, char: RawChar, owner: int) -> None:
        self.chars.append(char)
        self.owners.append(owner)

    def glyphs_of(self, obj: int) -> list[RawChar]:
        return [c for c, o in zip(self.chars, self.owners, strict=True) if o == obj]

    def in_order(self, objects: list[int]) -> list[RawChar]:
        """The glyphs, object by object in the order of ``objects`` (each object's glyphs in
        their own order); glyphs of objects not listed come last."""
        rank = {obj: k for k, obj in enumerate(objects)}
        last = len(objects)
        keys = [rank.get(o, last) for o in self.owners]
        return [self.chars[i] for i in sorted(range(len(keys)), key=keys.__getitem__)]


def page_chars(textpage: int, fonts: Fonts) -> TextLayer:
    """Every glyph of the page's text layer, in the layer's order."""
    layer = TextLayer()
    n = api.text_count_chars(textpage)
    if n <= 0:
        return layer
    out, owners, runs = layer.chars, layer.owners, layer.runs
    ox, oy = c_double(), c_double()
    rox, roy = addressof(ox), addressof(oy)
    m = api.FS_MATRIX()
    rm = addressof(m)
    rect = api.FS_RECTF()
    rect_at = addressof(rect)
    unicode_of, object_of, origin_of = api.text_unicode, api.text_object, api.text_origin
    text_font_size, font_of = api.text_font_size, api.textobj_font
    drawn: tuple[object, ...] = ()
    last_run: Run | None = None
    fa, fb, fc, fd, fe, ff = fonts.frame.to_page
    last_obj, last_u, last_v, last_code = 0, 0.0, 0.0, -1
    run: Run | None = None
    for i in range(n):
        code = unicode_of(textpage, i)
        if code in _GENERATED and api.text_is_generated(textpage, i):
            continue
        obj = object_of(textpage, i)
        if not obj:
            continue
        origin_of(textpage, i, rox, roy)
        u, v = ox.value, oy.value
        if obj != last_obj:
            run = runs.get(obj)
            if run is None:
                api.text_matrix(textpage, i, rm)
                font, size = font_of(obj), text_font_size(textpage, i)
                if last_run is not None and (font, size, m.a, m.b, m.c, m.d) == drawn:
                    run = runs[obj] = last_run  # most text objects draw like the one before
                else:
                    run = runs[obj] = last_run = fonts.run((m.a, m.b, m.c, m.d, 0.0, 0.0), obj, size)
                    drawn = (font, size, m.a, m.b, m.c, m.d)
        else:
            if u == last_u and v == last_v:
                # a ligature PDFium split into pieces, all at the ligature's origin
                out[-1].text += chr(code)
                continue
            if last_code == _SPACE:
                _restore_spaces(layer, obj, (last_u, last_v), (u, v))
        assert run is not None
        if code == _HYPHEN_MARK and api.text_is_hyphen(textpage, i):
            code = 0x2D
        last_obj, last_u, last_v, last_code = obj, u, v, code
        x = fa * u + fc * v + fe
        t = fb * u + fd * v + ff
        box = run.offsets.get(code) or run.offset(code)
        if code == _SPACE:
            adv = _own_advance(textpage, i, run, rect, rect_at)
            if adv is not None:
                box = run.box_of(adv)
        top, bottom = t + box[2], t + box[3]
        owners.append(obj)
        out.append(
            RawChar(
                chr(code),
                x + box[0],
                x + box[1],
                top,
                bottom,
                bottom - top,
                run.upright,
                run.way,
                t if run.baseline_ok else None,
            )
        )
    return layer


def _own_advance(textpage: int, i: int, run: Run, rect: api.FS_RECTF, rect_at: int) -> float | None:
    """The advance of character ``i`` by its own code. The advance of a character is asked of
    the font by its Unicode value, which the font maps back to a code; a font may map several
    codes to U+0020, of different widths: for a space, the loose box (measured from the code
    drawn) says which. None where that box is not the font's (no metrics, a turned run)."""
    a, b, c, _, _, _ = run.linear
    if b or c or not a or not api.text_loose_box(textpage, i, rect_at):
        return None
    if abs(abs(rect.top - rect.bottom) - abs(a) * run.size) > 0.01 * abs(a) * run.size:
        return None  # PDFium fell back to the glyph's tight box
    return (rect.right - rect.left) / a


def _restore_spaces(layer: TextLayer, obj: int, at: tuple[float, float], nxt: tuple[float, float]) -> None:
    """PDFium keeps the first space of a run: draw the others again, where the gap to the
    next glyph of the same text object shows a whole number of spaces."""
    run = layer.runs[obj]
    adv = run.advance(_SPACE)
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
        baseline = None if space.baseline is None else space.baseline + dt
        layer.add(
            RawChar(
                space.text,
                space.x0 + dx,
                space.x1 + dx,
                space.top + dt,
                space.bottom + dt,
                space.size,
                space.upright,
                space.way,
                baseline,
            ),
            obj,
        )
