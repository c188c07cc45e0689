"""jixiao's parsing library: a published budget PDF in, the 项目支出绩效目标表 out.

Pure Python, no Dagster: ``parse_pdf(path)`` returns one :class:`Extraction` per
performance table found in the file (usually one) or raises a :class:`ParseError`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pdfplumber

from .document import ScannedDocument, scan
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
    TextParseError,
    UnmappedColumnsError,
)
from .locate import TableLocation, locate_tables
from .model import Check, DocumentInfo, Extraction, Indicator, Row
from .reconcile import reconcile
from .table import TableRead, read_table

PARSER_VERSION = "1.0.0"

__all__ = [
    "PARSER_VERSION",
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
        f"no 项目支出绩效目标表 (performance target table) found in its {doc.page_count} pages", source=source
    )


def parse_pdf(
    path: str | os.PathLike[str],
    *,
    year: int | None = None,
    max_pages: int | None = None,
    max_bytes: int | None = None,
) -> list[Extraction]:
    """Parse every performance table in the PDF at ``path``.

    ``year`` (a manifest's year) overrides the year read from the document.
    Raises a :class:`ParseError` subclass when the file cannot give a table.
    """
    doc = scan(path, max_pages=max_pages, max_bytes=max_bytes)
    locations = locate_tables(doc)
    if not locations:
        raise _no_table(doc)
    source = str(Path(path))
    out: list[Extraction] = []
    try:
        pdf = pdfplumber.open(source)
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise CorruptPdfError(f"the PDF cannot be read ({exc.__class__.__name__}: {exc})"[:300], source=source) from exc
    try:
        for loc in locations:
            out.append(_extraction(doc, loc, read_table(pdf, loc, source), source, year))
    finally:
        _close_quietly(pdf)
    return out


def _extraction(doc: ScannedDocument, loc: TableLocation, read: TableRead, source: str, year: int | None) -> Extraction:
    currency = loc.currency_unit or read.currency_hint
    warnings = list(read.warnings) + read.built.warnings
    if currency is None:
        currency = "万元"
        warnings.append("the amount unit is not printed; assumed 万元")
    doc_year, year_source = (year, "manifest") if year is not None else (loc.year, loc.year_source)
    info = DocumentInfo(
        department=loc.department,
        year=doc_year,
        currency_unit=currency,
        layout=read.layout,
        pages=read.pages,
        source=source,
        page_count=doc.page_count,
        year_source=year_source,
        amount_columns=read.amount_keys,
    )
    checks = reconcile(read.built.rows, read.amount_keys)
    return Extraction(info, read.built.rows, read.built.indicators, checks, warnings, PARSER_VERSION)


def _close_quietly(pdf: pdfplumber.PDF) -> None:
    """Release the file; a damaged file may fail again while closing, which must not
    hide the error already raised."""
    with contextlib.suppress(Exception):
        pdf.close()
