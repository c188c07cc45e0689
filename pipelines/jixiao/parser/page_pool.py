"""Worker processes that read the pages of one document in parallel.

Each worker opens the PDF itself (nothing of an engine crosses a process boundary) and
sends back, a few pages at a time in page order, the pages' text (the scan, with the page
model of the pages that may hold targets, read while loaded) or the page model of pages
asked for later.

Used when one document is parsed on a machine with cores to spare (``jixiao parse``); the
loader parses documents in parallel instead and reads each one's pages in order.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from .document import ScannedPage, scan_pages
from .geometry import PageGeometry
from .reader import EnginePages, open_pages, read_page

#: Pages per task: small enough for the first pages to come back early, large enough that
#: sending tasks and results costs little beside reading.
SCAN_CHUNK = 16
READ_CHUNK = 4
#: Below this many pages a document is read in the parent: starting workers costs about what
#: sharing the reading of a short document saves.
MIN_PAGES = 64

_OPEN: dict[tuple[str, str], EnginePages] = {}


def _pages(source: str, reader: str) -> EnginePages:
    key = (source, reader)
    if key not in _OPEN:
        for other in _OPEN.values():
            other.close()
        _OPEN.clear()
        _OPEN[key] = open_pages(reader, source)
    return _OPEN[key]


def _read(source: str, reader: str, numbers: list[int]) -> list[PageGeometry]:
    pages = _pages(source, reader)
    return [read_page(pages, n, source) for n in numbers]


def _scan(source: str, first: int, last: int, read_ahead: bool) -> list[tuple[ScannedPage, PageGeometry | None]]:
    return scan_pages(source, first, last, read_ahead)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class PagePool:
    min_pages = MIN_PAGES

    def __init__(self, source: str, reader: str, jobs: int) -> None:
        self.source = source
        self.reader = reader
        self.jobs = jobs
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context)

    def scan(self, count: int, read_ahead: bool) -> list[tuple[ScannedPage, PageGeometry | None]]:
        """Pages 1..count as :func:`~.document.scan` reads them, read by the workers."""
        step = max(1, min(SCAN_CHUNK, -(-count // (2 * self.jobs))))
        chunks = [(first, min(first + step - 1, count)) for first in range(1, count + 1, step)]
        futures = [self._executor.submit(_scan, self.source, first, last, read_ahead) for first, last in chunks]
        return [page for future in futures for page in future.result()]

    def read(self, numbers: list[int]) -> dict[int, Future[list[PageGeometry]]]:
        """Start reading ``numbers`` (in this order); each page's future gives its chunk."""
        out: dict[int, Future[list[PageGeometry]]] = {}
        for i in range(0, len(numbers), READ_CHUNK):
            chunk = numbers[i : i + READ_CHUNK]
            future = self._executor.submit(_read, self.source, self.reader, chunk)
            out.update(dict.fromkeys(chunk, future))
        return out

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PagePool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
