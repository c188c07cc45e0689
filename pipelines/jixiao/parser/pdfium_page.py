"""Reading a page with PDFium: its glyphs and ruling edges as :class:`~.rawpage.RawPage` records.

Each page (and its text layer) is closed as soon as it is read. A page PDFium cannot
measure (:class:`~.pdfium_dropped.UnmeasuredText`) is read by pdfplumber instead.
"""

from __future__ import annotations

from . import pdfium_api as api
from .page_frame import Matrix, PageFrame
from .pdfium_chars import Fonts, TextLayer, page_chars
from .pdfium_dropped import UnmeasuredText, restore_dropped
from .pdfium_objects import page_objects
from .pdfium_paths import page_edges
from .plumber_page import PlumberPages
from .rawpage import RawChar, RawPage


def in_content_order(layer: TextLayer, texts: list[tuple[int, Matrix]]) -> list[RawChar]:
    """The glyphs in the order the content stream draws them (pdfminer's order): PDFium's
    text layer sorts the text objects of a line by position."""
    out: list[RawChar] = []
    for obj, _ in texts:
        out.extend(layer.chars[i] for i in layer.glyphs_of.get(obj, ()))
    if len(out) < len(layer.chars):  # a glyph of an object the walk did not see
        placed = {i for obj, _ in texts for i in layer.glyphs_of.get(obj, ())}
        out.extend(c for i, c in enumerate(layer.chars) if i not in placed)
    return out


class PdfiumPages:
    """An open document, read page by page."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._pdf = api.PdfDocument(source)
        self._fallback: PlumberPages | None = None
        #: pages read by pdfplumber because PDFium could not measure their text
        self.fallbacks: list[int] = []

    def __len__(self) -> int:
        return len(self._pdf)

    def read(self, number: int) -> RawPage:
        page = self._pdf[number - 1]
        try:
            frame = PageFrame.of(page.get_rotation(), tuple(page.get_mediabox()))
            objects = page_objects(api.address(page))
            fonts = Fonts(frame)
            textpage = page.get_textpage()
            try:
                layer = page_chars(api.address(textpage), fonts)
            finally:
                textpage.close()
            restore_dropped(layer, objects.texts, frame, fonts)
            edges = page_edges(objects.paths, frame)
        except UnmeasuredText:
            return self._read_elsewhere(number)
        finally:
            page.close()
        return RawPage(number, frame.width, frame.height, in_content_order(layer, objects.texts), edges)

    def _read_elsewhere(self, number: int) -> RawPage:
        if self._fallback is None:
            self._fallback = PlumberPages(self.source)
        self.fallbacks.append(number)
        return self._fallback.read(number)

    def close(self) -> None:
        self._pdf.close()
        if self._fallback is not None:
            self._fallback.close()
