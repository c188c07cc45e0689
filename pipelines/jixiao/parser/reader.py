"""Reading pages into the page model (:class:`~.geometry.PageGeometry`).

Two engines read pages, behind one interface (``PageReader(path).page(n)``): PDFium, the
default, at the speed of its C code; and pdfplumber, the reference, whose debugging tools
(``page.to_image()``, ``debug_tablefinder``) stay useful. Both report the same records
(:mod:`.rawpage`), so the table logic sees the same page from either. :data:`READERS` is the
one list of them: the CLI, the loader and the tests take their choices from it.

Pages are read one at a time and released once read; with a :class:`~.page_pool.PagePool`,
worker processes read them ahead, in page order, while the table logic works.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from .errors import CorruptPdfError, ParseError
from .geometry import PageGeometry, page_geometry
from .rawpage import RawPage

if TYPE_CHECKING:
    from .page_pool import PagePool

#: The page readers, the default first.
READERS: tuple[str, ...] = ("pdfium", "pdfplumber")
DEFAULT_READER = READERS[0]


class EnginePages(Protocol):
    """An open document of one engine."""

    def read(self, number: int) -> RawPage: ...

    def close(self) -> None: ...


def check_reader(name: str) -> str:
    if name not in READERS:
        raise ValueError(f"unknown page reader {name!r} (one of: {', '.join(READERS)})")
    return name


def open_pages(reader: str, source: str) -> EnginePages:
    """Open ``source`` with the engine ``reader`` names; :class:`CorruptPdfError` if it cannot."""
    check_reader(reader)
    try:
        if reader == "pdfium":
            from .pdfium_page import PdfiumPages

            return PdfiumPages(source)
        from .plumber_page import PlumberPages

        return PlumberPages(source)
    except Exception as exc:  # each engine raises its own kinds on damaged files
        raise CorruptPdfError(
            f"the PDF cannot be read ({exc.__class__.__name__}: {exc})"[:300], source=source
        ) from exc


def read_page(pages: EnginePages, number: int, source: str) -> PageGeometry:
    """Page ``number`` of an open document, as the page model."""
    try:
        return page_geometry(pages.read(number))
    except ParseError:
        raise
    except Exception as exc:  # engines raise many kinds on a damaged page
        raise CorruptPdfError(
            f"the page cannot be read ({exc.__class__.__name__}: {exc})"[:300], source=source, page=number
        ) from exc


class PageReader:
    def __init__(self, source: str, reader: str = DEFAULT_READER, pool: PagePool | None = None) -> None:
        self.source = source
        self.reader = check_reader(reader)
        self._pool = pool
        self._pages: EnginePages | None = None
        self._cache: dict[int, PageGeometry] = {}
        self._ahead: dict[int, Future[list[PageGeometry]]] = {}

    def keep(self, pages: dict[int, PageGeometry]) -> None:
        """Pages read already (by the scan)."""
        self._cache.update(pages)

    def prefetch(self, numbers: list[int]) -> None:
        """Have the pool read these pages ahead (in this order); without a pool, nothing."""
        if self._pool is None:
            return
        wanted = [n for n in dict.fromkeys(numbers) if n not in self._cache and n not in self._ahead]
        self._ahead.update(self._pool.read(wanted))

    def page(self, number: int) -> PageGeometry:
        """The geometry of page ``number`` (1-based); read once, then kept until released."""
        if number not in self._cache:
            future = self._ahead.get(number)
            if future is not None:
                for geom in future.result():
                    self._ahead.pop(geom.number, None)
                    self._cache[geom.number] = geom
            else:
                if self._pages is None:
                    self._pages = open_pages(self.reader, self.source)
                self._cache[number] = read_page(self._pages, number, self.source)
        return self._cache[number]

    def release(self, number: int) -> None:
        self._cache.pop(number, None)

    def close(self) -> None:
        """Release the file; a damaged file may fail again while closing, which must not
        hide the error already raised."""
        self._cache.clear()
        for future in self._ahead.values():
            future.cancel()
        self._ahead.clear()
        if self._pages is not None:
            with contextlib.suppress(Exception):
                self._pages.close()
            self._pages = None

    def __enter__(self) -> PageReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
