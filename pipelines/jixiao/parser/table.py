"""Reading one located performance table, page by page, into an extraction."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .body import Body, table_body
from .build import Built, build_compact, build_long, stitch_slots, stitch_units
from .columns import ColumnMap, map_columns
from .errors import UnmappedColumnsError
from .geometry import PageGeometry
from .header import (
    AMOUNT_PREFIX,
    IND_NAME,
    INDICATORS,
    LEVEL1,
    NAME,
    PROJECT,
    TARGET,
    Header,
    find_header,
)
from .locate import TableLocation
from .model import AMOUNT_KEYS
from .reader import PageReader
from .segment import Slot, Style, UnitBlock, compact_slots, long_units


@dataclass
class TableRead:
    layout: str
    built: Built
    pages: tuple[int, int]
    amount_keys: tuple[str, ...]
    currency_hint: str | None
    warnings: list[str]


def _check_columns(header: Header, columns: ColumnMap, source: str, page: int) -> tuple[ColumnMap, list[str]]:
    """Refuse a header that does not give the columns the layout needs; drop duplicates."""
    warnings: list[str] = []
    seen: set[str] = set()
    cols = []
    for c in columns.columns:
        if c.role is not None and c.role in seen:
            warnings.append(f"page {page}: a second {c.label!r} column is ignored")
            c = type(c)(None, c.label, c.x0, c.x1)
        if c.role:
            seen.add(c.role)
        cols.append(c)
    columns = replace(columns, columns=tuple(cols))
    roles = set(seen)
    labels = ", ".join(c.label for c in columns.columns) or "nothing"
    has_amount = any(r.startswith(AMOUNT_PREFIX) for r in roles)
    if header.layout == "compact":
        ok = (NAME in roles or PROJECT in roles) and has_amount and INDICATORS in roles
    else:
        ok = PROJECT in roles and has_amount and bool(roles & {LEVEL1, IND_NAME, TARGET})
    if not ok:
        raise UnmappedColumnsError(
            f"the table's columns could not be mapped (header reads: {labels})", source=source, page=page
        )
    return columns, warnings


def _same_columns(a: Header, b: Header) -> bool:
    """A header found on a later page repeats the first one (same mapped columns)."""
    return [r for r in a.roles() if r] == [r for r in b.roles() if r]


def _frame_top(geom: PageGeometry, columns: ColumnMap) -> float:
    """Top of the table on a page without a header: its top rule, else the page top."""
    inside = [g for g in geom.glyphs if columns.left <= g.xc <= columns.right and not g.blank]
    if not inside:
        return 0.0
    first = min(g.top for g in inside)
    width = columns.right - columns.left
    above = [s.pos for s in geom.hrules if s.length >= 0.85 * width and s.pos <= first + 0.5]
    return max(above) if above else 0.0


def read_table(reader: PageReader, loc: TableLocation, source: str) -> TableRead:
    """Read the pages of ``loc`` as a grid table (compact or long layout); each page is
    released after use. Raises :class:`UnmappedColumnsError` when the header found does not
    give the columns of a grid table (a form's indicator grid, say)."""
    columns: ColumnMap | None = None
    header: Header | None = None
    width = 0.0
    warnings: list[str] = []
    compact_pages: list[list[Slot]] = []
    long_pages: list[list[UnitBlock]] = []
    content: list[int] = []
    style = Style()
    for n in loc.pages:
        geom = reader.page(n)
        if header is not None:
            reader.release(n)
        found = find_header(geom)
        if found is not None and header is not None and not _same_columns(found, header):
            found = None  # body text that happens to read like a header
        if found is not None:
            cols, more = _check_columns(found, map_columns(geom, found), source, n)
            warnings += more
            columns, header, width, top = cols, header or found, geom.width, found.bottom
        elif columns is None or header is None:
            continue  # the title may stand alone on its page; the header comes later
        else:
            if abs(geom.width - width) > 5:
                warnings.append(
                    f"page {n}: page size changes and the header is not repeated; the table is taken to end"
                )
                break
            top = _frame_top(geom, columns)
        body: Body | None = table_body(geom, columns, top)
        if body is None or body.is_empty():
            if content:
                break
            continue
        continuation = bool(content)
        if header.layout == "compact":
            compact_pages.append(compact_slots(body, continuation=continuation, style=style))
        else:
            long_pages.append(long_units(body, continuation=continuation, style=style))
        content.append(n)
    if header is None or columns is None:
        raise UnmappedColumnsError(
            "the table's title is there but no column header could be found", source=source, page=loc.pages[0]
        )
    if not content:
        raise UnmappedColumnsError("the table has a header but no rows", source=source, page=loc.pages[0])
    amount_keys = tuple(k for k in AMOUNT_KEYS if any(c.role == AMOUNT_PREFIX + k for c in columns.columns))
    if header.layout == "compact":
        built = build_compact(stitch_slots(compact_pages), amount_keys)
    else:
        built = build_long(stitch_units(long_pages), amount_keys)
    return TableRead(header.layout, built, (content[0], content[-1]), amount_keys, header.currency_hint, warnings)
