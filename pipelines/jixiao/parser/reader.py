"""Reading pages into the page model (:class:`~.geometry.PageGeometry`).

One interface for every family of table reader: ``PageReader(path).page(n)``. pdfplumber is
the reader today; each page is released as soon as its geometry is taken.
"""

from __future__ import annotations

import contextlib
from types import TracebackType

import pdfplumber

from .errors import CorruptPdfError
from .geometry import PageGeometry, page_geometry


class PageReader:
    def __init__(self, source: str) -> None:
        self.source = source
        try:
            self._pdf = pdfplumber.open(source)
        except Exception as exc:  # pdfminer raises many kinds on damaged files
            raise CorruptPdfError(
                f"the PDF cannot be read ({exc.__class__.__name__}: {exc})"[:300], source=source
            ) from exc
        self._cache: dict[int, PageGeometry] = {}

    def page(self, number: int) -> PageGeometry:
        """The geometry of page ``number`` (1-based); read once, then kept."""
        if number not in self._cache:
            try:
                page = self._pdf.pages[number - 1]
                try:
                    self._cache[number] = page_geometry(page, number)
                finally:
                    page.close()
            except Exception as exc:  # pdfminer raises many kinds on a damaged page
                raise CorruptPdfError(
                    f"the page cannot be read ({exc.__class__.__name__}: {exc})"[:300], source=self.source, page=number
                ) from exc
        return self._cache[number]

    def release(self, number: int) -> None:
        self._cache.pop(number, None)

    def close(self) -> None:
        """Release the file; a damaged file may fail again while closing, which must not
        hide the error already raised."""
        self._cache.clear()
        with contextlib.suppress(Exception):
            self._pdf.close()

    def __enter__(self) -> PageReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
