"""From a located table to an :class:`~.model.Extraction`: choose the family, read, reconcile.

A table whose header row names its columns (项目名称 | 金额 | … | 一级指标 …) is a grid
table, read by :mod:`.table` (compact or long layout). Any other target table is read as
forms (:mod:`.forms`: form or list layout) from the cells of its ruled grids.
"""

from __future__ import annotations

from .document import ScannedDocument
from .errors import UnmappedColumnsError
from .geometry import PageGeometry
from .locate import TableLocation, clean_department, document_region, region_of
from .model import DocumentInfo, Extraction, Row
from .reader import PageReader
from .reconcile import reconcile
from .records import Read
from .ruled import has_indicator_grid, read_ruled
from .table import TableRead, read_table
from .text import squash


def _title_top(geom: PageGeometry, title: str) -> float | None:
    """The top of the line that prints ``title`` (or its first part, when it wraps)."""
    head = squash(title)[:8]
    if not head:
        return None
    for ln in geom.lines():
        if head in squash(ln.text):
            return ln.top
    return None


def _clip(reader: PageReader, loc: TableLocation) -> dict[int, tuple[float, float]]:
    """Where the table starts on its first page and ends on its last (a page may hold the
    end of one table and the start of the next)."""
    clip: dict[int, tuple[float, float]] = {}
    first, last = loc.pages[0], loc.pages[-1]
    if loc.titles:
        g = reader.page(first)
        top = _title_top(g, loc.titles[0])
        if top is not None:
            clip[first] = (top - 1.0, g.height)
    if loc.end_title:
        g = reader.page(last)
        end = _title_top(g, loc.end_title)
        if end is not None:
            start = clip.get(last, (0.0, g.height))[0]
            if end > start:
                clip[last] = (start, end - 1.0)
    return clip


def _as_department(read: Read) -> Read:
    """A department table read as a grid (长沙's): its one row is the department's."""
    source = next((r for r in read.rows if r.row_type == "project"), None) or next(
        (r for r in read.rows if r.row_type in ("unit", "total")), None
    )
    if source is None:
        return read
    amounts = next((r.amounts for r in read.rows if any(v is not None for v in r.amounts.values())), source.amounts)
    row = Row("department", None, None, amounts, source.goal, None, True, source.page, list(source.warnings))
    for ind in read.indicators:
        ind.unit = ind.project = None
    return Read(
        read.layout,
        read.department,
        [row],
        read.indicators,
        read.pages,
        read.amount_keys,
        read.currency_hint,
        read.warnings,
    )


def read_location(reader: PageReader, loc: TableLocation, source: str) -> Read | None:
    """Read one located table; None when it holds no target table after all.

    A table drawn as a ruled grid with an indicator header row is read from its cells
    (forms, lists, ruled long tables); any other is read by its header's columns (compact
    tables, unruled long tables)."""
    clip = _clip(reader, loc)
    probe = loc.pages[:2]
    if any(has_indicator_grid(reader.page(n), *clip.get(n, (0.0, None))) for n in probe):
        return _ruled(reader, loc, clip)
    try:
        grid: TableRead = read_table(reader, loc, source)
    except UnmappedColumnsError:
        if read_ruled([reader.page(n) for n in loc.pages], loc.kind, clip) is None:
            raise  # neither a grid table nor a ruled one: say which columns could not be mapped
        return None  # ruled, with an indicator header but nothing filled in (an empty template)
    read = Read(
        grid.layout,
        None,
        grid.built.rows,
        grid.built.indicators,
        grid.pages,
        grid.amount_keys,
        grid.currency_hint,
        list(grid.warnings) + grid.built.warnings,
    )
    if not read.indicators and not any(r.goal for r in read.rows):
        return None  # a budget table that reads like a target table but carries no targets
    return _as_department(read) if loc.kind == "department" else read


def _ruled(reader: PageReader, loc: TableLocation, clip: dict[int, tuple[float, float]]) -> Read | None:
    ruled = read_ruled([reader.page(n) for n in loc.pages], loc.kind, clip)
    for n in loc.pages:
        reader.release(n)
    return ruled if ruled is not None and ruled.rows else None


def extraction(
    doc: ScannedDocument, loc: TableLocation, read: Read, source: str, year: int | None, version: str
) -> Extraction:
    currency = loc.currency_unit or read.currency_hint or loc.later_currency or loc.currency_mention
    warnings = list(read.warnings)
    if currency is None and any(v is not None for r in read.rows for v in r.amounts.values()):
        currency = "万元"
        warnings.append("the amount unit is not printed; assumed 万元")
    doc_year, year_source = (year, "manifest") if year is not None else (loc.year, loc.year_source)
    department = clean_department(loc.department) or clean_department(read.department) or _department_of_rows(read.rows)
    region, district = (loc.region, loc.district) if loc.region else region_of(department)
    info = DocumentInfo(
        department=department,
        year=doc_year,
        currency_unit=currency,
        layout=read.layout,
        pages=read.pages,
        source=source,
        page_count=doc.page_count,
        year_source=year_source,
        amount_columns=read.amount_keys,
        kind=loc.kind,
        region=region,
        district=district,
        title=loc.titles[0] if loc.titles else None,
    )
    _own_units(read, department)
    checks = reconcile(read.rows, read.amount_keys)
    return Extraction(info, read.rows, read.indicators, checks, warnings, version)


def _own_units(read: Read, department: str | None) -> None:
    """A project whose table names no unit (no 实施单位 printed) is the department's own."""
    if department is None:
        return
    for r in read.rows:
        if r.row_type == "project" and r.unit is None:
            r.unit = department
    for i in read.indicators:
        if i.project is not None and i.unit is None:
            i.unit = department


def _department_of_rows(rows: list[Row]) -> str | None:
    for r in rows:
        if r.supervising_department:
            return clean_department(r.supervising_department)
    return None


def fill_document_fields(extractions: list[Extraction], doc: ScannedDocument) -> None:
    """Tables of one document share its department (北京 names it only in the department
    table) and region; a project whose table names no unit is the department's own; and
    every indicator is linked to its row."""
    named = next((e.document.department for e in extractions if e.document.department), None)
    for e in extractions:
        d = e.document
        if d.department is None and named is not None:
            d.department = named
        for r in e.rows:
            if r.row_type == "project" and r.unit is None:
                r.unit = d.department
        for i in e.indicators:
            if i.project is not None and i.unit is None:
                i.unit = d.department
        if d.region is None:
            d.region, d.district = region_of(d.department)
        if d.region is None:
            d.region = document_region(doc, d.department)
        e.link_indicators()
