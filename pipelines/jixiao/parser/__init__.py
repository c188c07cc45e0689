"""jixiao's parsing library: a published budget PDF in, the 项目支出绩效目标表 out.

Pure Python, no Dagster: ``parse_pdf(path)`` returns one :class:`Extraction` per
performance table found in the file (usually one) or raises a :class:`ParseError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .document import ScannedDocument, rescan, scan
from .errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    LimitExceededError,
    MultipleTablesError,
    NoPerformanceTableError,
    NoTextLayerError,
    NotPdfError,
    ParseError,
    TableReadError,
    TextParseError,
    UnmappedColumnsError,
)
from .extract import extraction, fill_document_fields, read_location
from .locate import locate_tables
from .model import Check, DocumentInfo, Extraction, Indicator, Row
from .reader import DEFAULT_READER, READERS, PageReader, check_reader

if TYPE_CHECKING:
    from .page_pool import PagePool

PARSER_VERSION = "2.0.0"

__all__ = [
    "DEFAULT_READER",
    "PARSER_VERSION",
    "READERS",
    "Check",
    "CorruptPdfError",
    "DocumentInfo",
    "EmptyFileError",
    "EncryptedPdfError",
    "Extraction",
    "Indicator",
    "LimitExceededError",
    "MultipleTablesError",
    "NoPerformanceTableError",
    "NoTextLayerError",
    "NotPdfError",
    "ParseError",
    "Row",
    "TableReadError",
    "TextParseError",
    "UnmappedColumnsError",
    "parse_pdf",
]


def _no_table(doc: ScannedDocument) -> ParseError:
    source = str(doc.path)
    blank = [p.number for p in doc.pages if len(p.text.strip()) < 5]
    if len(blank) == doc.page_count:
        return NoTextLayerError(
            f"no page of the {doc.page_count} has a text layer (a scanned document?); OCR it first",
            source=source,
        )
    if blank:
        shown = ", ".join(map(str, blank[:10])) + (" …" if len(blank) > 10 else "")
        return NoTextLayerError(
            f"no 项目支出绩效目标表 in the text, and pages {shown} have no text layer (scanned images?)",
            source=source,
        )
    return NoPerformanceTableError(
        f"no performance target table (绩效目标表 with indicators) found in its {doc.page_count} pages",
        source=source,
    )


def parse_pdf(
    path: str | os.PathLike[str],
    *,
    year: int | None = None,
    max_pages: int | None = None,
    max_bytes: int | None = None,
    reader: str = DEFAULT_READER,
    jobs: int = 1,
) -> list[Extraction]:
    """Parse every target table in the PDF at ``path``, in page order.

    ``year`` (a manifest's year) overrides the year read from the document. ``reader`` names
    the page reader (one of :data:`READERS`); with ``jobs`` > 1, that many worker processes
    read the pages of a long document in parallel.
    Raises a :class:`ParseError` subclass when the file cannot give a table.
    """
    check_reader(reader)
    if jobs <= 1:
        return _parse(path, year, max_pages, max_bytes, reader, None)
    from .page_pool import PagePool

    with PagePool(str(Path(path)), reader, jobs) as pool:
        return _parse(path, year, max_pages, max_bytes, reader, pool)


def _parse(
    path: str | os.PathLike[str],
    year: int | None,
    max_pages: int | None,
    max_bytes: int | None,
    reader: str,
    pool: PagePool | None,
) -> list[Extraction]:
    # PDFium scans every page; where the page reader is PDFium too, a page that may hold
    # targets is read in full while it is loaded
    doc = scan(path, max_pages=max_pages, max_bytes=max_bytes, pool=pool, read_ahead=reader == "pdfium")
    locations = locate_tables(doc)
    if not locations and not all(p.reliable for p in doc.pages):
        doc = rescan(doc)
        locations = locate_tables(doc)
    if not locations:
        raise _no_table(doc)
    source = str(Path(path))
    out: list[Extraction] = []
    refused: list[ParseError] = []
    ahead = pool if pool is not None and doc.page_count >= pool.min_pages else None
    wanted = [n for loc in locations for n in loc.pages]
    with PageReader(source, reader, ahead) as pages:
        pages.keep({n: doc.ahead[n] for n in wanted if n in doc.ahead})
        doc.ahead.clear()
        pages.prefetch(wanted)
        for loc in locations:
            try:
                read = read_location(pages, loc, source)
            except UnmappedColumnsError as exc:
                refused.append(exc)
                continue
            except CorruptPdfError:
                raise
            except Exception as exc:  # a layout no reader foresaw: that table, not the document
                refused.append(
                    TableReadError(
                        f"the {loc.kind} table on pages {loc.pages[0]}–{loc.pages[-1]} could not be read "
                        f"({exc.__class__.__name__}: {exc})"[:300],
                        source=source,
                        page=loc.pages[0],
                    )
                )
                continue
            if read is not None:
                out.append(extraction(doc, loc, read, source, year, PARSER_VERSION))
    if not out:
        if refused:
            raise refused[0]
        raise _no_table(doc)
    for skipped in refused:  # a table the reader could not map, beside others it read
        out[0].warnings.append(f"a table was skipped: {skipped.describe()}")
    fill_document_fields(out, doc)
    return out
