"""Opening a file as a PDF and scanning the text of every page, cheaply.

The scan uses pypdfium2 (fast, C) and releases each page as soon as its text is read;
only the pages of the performance table are later read in full by pdfplumber.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from .errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    LimitExceededError,
    MissingFileError,
    NotPdfError,
)
from .geometry import clean_text

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class ScannedPage:
    number: int  # 1-based
    text: str
    rotation: int


@dataclass(frozen=True)
class ScannedDocument:
    path: Path
    pages: tuple[ScannedPage, ...]

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
    path: str | os.PathLike[str], *, max_pages: int | None = None, max_bytes: int | None = None
) -> ScannedDocument:
    """Check the file, then read the text of every page (pages are released one by one)."""
    p = Path(path)
    check_file(p, max_bytes=max_bytes)
    doc = open_pdfium(p)
    try:
        n = len(doc)
        if n == 0:
            raise CorruptPdfError("the PDF has no pages", source=str(p))
        if max_pages is not None and n > max_pages:
            raise LimitExceededError(f"the PDF has {n} pages, over the limit of {max_pages}", source=str(p))
        pages = []
        for i in range(n):
            try:
                page = doc[i]
            except pdfium.PdfiumError as exc:
                raise CorruptPdfError(f"page {i + 1} cannot be read ({exc})", source=str(p), page=i + 1) from exc
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
                rotation = page.get_rotation()
            except pdfium.PdfiumError as exc:
                raise CorruptPdfError(f"page {i + 1} cannot be read ({exc})", source=str(p), page=i + 1) from exc
            finally:
                page.close()
            pages.append(ScannedPage(i + 1, clean_text(text.replace("\r\n", "\n").replace("\r", "\n")), rotation))
    finally:
        doc.close()
    return ScannedDocument(p, tuple(pages))
