"""Reading a page with PDFium: its glyphs and ruling edges as :class:`~.rawpage.RawPage` records.

Each page (and its text layer) is closed as soon as it is read. A page PDFium cannot
measure (:class:`~.pdfium_dropped.UnmeasuredText`) is read by pdfplumber instead.
"""

from __future__ import annotations

import pypdfium2 as pdfium

from . import pdfium_api as api
from .page_frame import PageFrame
from .pdfium_chars import FontBook, Fonts, page_chars
from .pdfium_dropped import UnmeasuredText, restore_dropped
from .pdfium_objects import page_objects
from .pdfium_paths import page_edges
from .plumber_page import PlumberPages
from .rawpage import RawPage


def read_loaded(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int, book: FontBook | None = None
) -> RawPage:
    """A page already loaded, with its text layer (the caller closes both); ``book`` keeps
    what the document's fonts told across its pages. Raises :class:`UnmeasuredText` for a
    page PDFium cannot measure."""
    frame = PageFrame.of(page.get_rotation(), tuple(page.get_mediabox()))
    objects = page_objects(api.address(page))
    fonts = Fonts(frame, book)
    layer = page_chars(api.address(textpage), fonts)
    restore_dropped(layer, objects.texts, frame, fonts)
    edges = page_edges(objects.paths, frame)
    # in the order the content stream draws them (pdfminer's): PDFium's text layer sorts the
    # text objects of a line by position
    chars = layer.in_order([obj for obj, _ in objects.texts])
    return RawPage(number, frame.width, frame.height, chars, edges)


class PdfiumPages:
    """An open document, read page by page."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._pdf = api.PdfDocument(source)
        self._fallback: PlumberPages | None = None
        self._book = FontBook()
        #: pages read by pdfplumber because PDFium could not measure their text
        self.fallbacks: list[int] = []

    def __len__(self) -> int:
        return len(self._pdf)

    def read(self, number: int) -> RawPage:
        page = self._pdf[number - 1]
        try:
            textpage = page.get_textpage()
            try:
                return read_loaded(page, textpage, number, self._book)
            finally:
                textpage.close()
        except UnmeasuredText:
            return self.read_elsewhere(number)
        finally:
            page.close()

    def read_elsewhere(self, number: int) -> RawPage:
        """Page ``number`` read by pdfplumber (PDFium cannot measure it)."""
        if self._fallback is None:
            self._fallback = PlumberPages(self.source)
        self.fallbacks.append(number)
        return self._fallback.read(number)

    def close(self) -> None:
        self._pdf.close()
        if self._fallback is not None:
            self._fallback.close()
