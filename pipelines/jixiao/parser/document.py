"""Opening a file as a PDF and scanning the text of every page, cheaply.

The scan uses pypdfium2 (fast, C) and releases each page as soon as its text is read;
only the pages of the performance table are later read in full (:mod:`.reader`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium

from .errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    LimitExceededError,
    MissingFileError,
    NotPdfError,
)
from .geometry import PageGeometry, clean_text, page_geometry
from .pdfium_chars import FontBook
from .vocabulary import may_hold_targets

if TYPE_CHECKING:
    from .page_pool import PagePool

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class ScannedPage:
    number: int  # 1-based
    text: str
    rotation: int
    #: False when PDFium could not measure the page's glyphs (a font without metrics): its
    #: text may then miss characters, and the page is read again by pdfplumber if needed.
    reliable: bool = True


@dataclass(frozen=True)
class ScannedDocument:
    path: Path
    pages: tuple[ScannedPage, ...]
    #: pages read in full while they were scanned (those that may hold targets), if asked
    ahead: dict[int, PageGeometry] = field(default_factory=dict, compare=False, repr=False)

    @property
    def page_count(self) -> int:
        return len(self.pages)


def check_file(path: Path, *, max_bytes: int | None = None) -> None:
    """Refuse what is plainly not a readable PDF before any parser sees it."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise MissingFileError("no such file", source=name) from exc
    if not path.is_file():
        raise MissingFileError("not a regular file", source=name)
    if size == 0:
        raise EmptyFileError("the file is empty (0 bytes)", source=name)
    if max_bytes is not None and size > max_bytes:
        raise LimitExceededError(f"the file is {size:,} bytes, over the limit of {max_bytes:,}", source=name)
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - 1024))
        tail = fh.read()
    if PDF_MAGIC not in head:
        raise NotPdfError(f"not a PDF ({_sniff(head)})", source=name)
    if b"%%EOF" not in tail:
        raise CorruptPdfError(
            "the PDF is truncated: no %%EOF marker at its end (an interrupted download?)", source=name
        )


def _sniff(head: bytes) -> str:
    h = head.lstrip().lower()
    if h.startswith((b"<!doctype html", b"<html")) or b"<html" in h[:512]:
        return "it is an HTML page"
    if h.startswith(b"<?xml") or h.startswith(b"<"):
        return "it is XML or markup"
    if h.startswith(b"pk\x03\x04"):
        return "it is a ZIP archive (a .docx or .xlsx?)"
    if h.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Office document"
    if h.startswith((b"\x89png", b"\xff\xd8\xff", b"gif8")):
        return "it is an image"
    try:
        head.decode("utf-8")
        return "it is plain text"
    except UnicodeDecodeError:
        return "unknown binary content"


def open_pdfium(path: Path) -> pdfium.PdfDocument:
    name = str(path)
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdfError("the PDF is encrypted with a password; it cannot be opened", source=name) from exc
        raise CorruptPdfError(f"the PDF cannot be read ({msg})", source=name) from exc


def scan(
    path: str | os.PathLike[str],
    *,
    max_pages: int | None = None,
    max_bytes: int | None = None,
    pool: PagePool | None = None,
    read_ahead: bool = False,
) -> ScannedDocument:
    """Check the file, then read the text of every page (pages are released one by one;
    with a pool of workers, by them, in parallel). With ``read_ahead``, a page whose text
    may hold targets is read in full by PDFium while it is loaded (:attr:`ScannedDocument.ahead`)."""
    p = Path(path)
    check_file(p, max_bytes=max_bytes)
    doc = open_pdfium(p)
    try:
        n = len(doc)
        if n == 0:
            raise CorruptPdfError("the PDF has no pages", source=str(p))
        if max_pages is not None and n > max_pages:
            raise LimitExceededError(f"the PDF has {n} pages, over the limit of {max_pages}", source=str(p))
        here = pool is None or n < pool.min_pages
        book = FontBook() if read_ahead else None
        results = [_scan_page(doc, i, str(p), book) for i in range(n)] if here else None
    finally:
        doc.close()
    if results is None:
        assert pool is not None
        results = pool.scan(n, read_ahead)
    ahead = {page.number: geom for page, geom in results if geom is not None}
    return ScannedDocument(p, tuple(page for page, _ in results), ahead)


def scan_pages(source: str, first: int, last: int, read_ahead: bool) -> list[tuple[ScannedPage, PageGeometry | None]]:
    """Pages ``first``..``last`` (1-based) of a document checked already, as :func:`scan` reads them."""
    doc = open_pdfium(Path(source))
    book = FontBook() if read_ahead else None
    try:
        return [_scan_page(doc, i, source, book) for i in range(first - 1, last)]
    finally:
        doc.close()


def _scan_page(
    doc: pdfium.PdfDocument, i: int, source: str, book: FontBook | None
) -> tuple[ScannedPage, PageGeometry | None]:
    """A page's text; with a font book (reading ahead), the page in full where it may hold
    targets."""
    try:
        page = doc[i]
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(f"page {i + 1} cannot be read ({exc})", source=source, page=i + 1) from exc
    geom = None
    try:
        textpage = page.get_textpage()
        try:
            text = clean_text(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            reliable = _measured(textpage)
            if book is not None and may_hold_targets(text):
                geom = _read_ahead(page, textpage, i + 1, book)
        finally:
            textpage.close()
        rotation = page.get_rotation()
    except pdfium.PdfiumError as exc:
        raise CorruptPdfError(f"page {i + 1} cannot be read ({exc})", source=source, page=i + 1) from exc
    finally:
        page.close()
    return ScannedPage(i + 1, text, rotation, reliable), geom


def _read_ahead(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int, book: FontBook
) -> PageGeometry | None:
    """The page in full, while it is loaded; None where it must be read the ordinary way
    (a page PDFium cannot measure, or one that fails: the reader reports it then)."""
    from .pdfium_page import read_loaded

    try:
        return page_geometry(read_loaded(page, textpage, number, book))
    except Exception:  # read again by the page reader, which says what is wrong
        return None


def _measured(textpage: pdfium.PdfTextPage, sample: int = 40) -> bool:
    """Most sampled glyphs have a box with an area (PDFium knows the font's metrics)."""
    n = textpage.count_chars()
    if n == 0:
        return True
    step = max(1, n // sample)
    flat = total = 0
    for i in range(0, n, step):
        left, bottom, right, top = textpage.get_charbox(i)
        total += 1
        flat += (right - left) < 0.05 or (top - bottom) < 0.05
    return flat <= total // 2


def rescan(doc: ScannedDocument) -> ScannedDocument:
    """Read again, with pdfplumber, the text of the pages PDFium could not measure."""
    import pdfplumber

    if all(pg.reliable for pg in doc.pages):
        return doc
    pages = list(doc.pages)
    try:
        with pdfplumber.open(str(doc.path)) as pdf:
            for i, pg in enumerate(pages):
                if pg.reliable:
                    continue
                page = pdf.pages[i]
                try:
                    text = page.extract_text() or ""
                finally:
                    page.close()
                pages[i] = ScannedPage(pg.number, clean_text(text), pg.rotation, True)
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise CorruptPdfError(
            f"the PDF cannot be read ({exc.__class__.__name__}: {exc})"[:300], source=str(doc.path)
        ) from exc
    return ScannedDocument(doc.path, tuple(pages), doc.ahead)
