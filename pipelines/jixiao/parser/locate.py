"""Finding the performance table's pages in a budget document, from the page texts.

A 部门预算 carries many tables; the 项目支出表 (附件1) lists the same projects and
amounts and is *not* the performance table. The performance table starts on a page with
its title (项目支出绩效目标表) and its column header, and runs on over the following
pages until another section, attachment or table begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .document import ScannedDocument, ScannedPage
from .header import HEADER_KEYWORDS
from .text import squash

TITLE = "项目支出绩效目标表"
_SECTION_START = re.compile(r"^(?:附件\s*\d{1,2}|附表\s*\d{1,2}|第[一二三四五六七八九十]+部分|目\s*录$)")
_TABLE_TITLE = re.compile(r"^.{0,40}表(?:（.{0,20}）|\(.{0,20}\))?$")
_DEPARTMENT = re.compile(r"(?:部门名称|部门|预算部门|单位名称)\s*[:：]\s*([^\s:：]{2,60})")
_CURRENCY = re.compile(r"(?:单位|金额单位)\s*[:：]\s*(万元|千元|亿元|元)")
_YEAR_TITLE = re.compile(r"(20\d{2})\s*年\s*度?[^\n]{0,30}?项目支出绩效目标表")
_YEAR_BUDGET = re.compile(r"(20\d{2})\s*年\s*度?\s*(?:[^\s\d]{0,30}?)(?:部门|单位)预算")
_YEAR_OTHER_TABLE = re.compile(r"(20\d{2})\s*年\s*度?[^\n\d]{0,20}?(?:总表|支出表|收入表|预算表)")
_YEAR_FILENAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


@dataclass(frozen=True)
class TableLocation:
    pages: tuple[int, ...]  # candidate pages, first to last
    department: str | None
    year: int | None
    year_source: str | None
    currency_unit: str | None


def _lines(page: ScannedPage) -> list[str]:
    return [ln.strip() for ln in page.text.split("\n") if ln.strip()]


def _header_hits(text: str) -> int:
    t = squash(text)
    return sum(1 for k in HEADER_KEYWORDS if k in t)


def is_table_start(page: ScannedPage) -> bool:
    """The title near the top of the page (not a mention in prose) and header words."""
    head = "".join(squash(ln) for ln in _lines(page)[:6])
    return TITLE in head and _header_hits(page.text) >= 2 and not _is_contents(page)


def _is_contents(page: ScannedPage) -> bool:
    head = "".join(squash(ln) for ln in _lines(page)[:3])
    return head.startswith("目录")


def department_of(page: ScannedPage) -> str | None:
    for ln in _lines(page)[:12]:
        m = _DEPARTMENT.search(ln)
        if m:
            name = m.group(1)
            return re.sub(r"单位[:：].*$", "", name) or None
    for ln in _lines(page)[:6]:
        s = squash(ln)
        if TITLE in s:
            m = re.match(r"^(?:附件\d+)?(.{2,40}?)(?:20\d{2}年度?)?(?:部门)?" + TITLE, s)
            if m and not re.fullmatch(r"20\d{2}年度?", m.group(1)):
                return m.group(1)
    return None


def currency_of(page: ScannedPage) -> str | None:
    for ln in _lines(page)[:15]:
        m = _CURRENCY.search(squash(ln))
        if m:
            return m.group(1)
    return None


def _starts_other_section(page: ScannedPage, department: str | None) -> bool:
    lines = _lines(page)
    if not lines:
        return True
    head = [squash(ln) for ln in lines[:4]]
    if any(_SECTION_START.match(h) for h in head[:2]):
        return not is_table_start(page) or department_of(page) not in (None, department)
    for i, h in enumerate(head):
        if TITLE in h:
            return department_of(page) not in (None, department)
        if _TABLE_TITLE.match(h) and any("部门名称" in x or "单位：" in x for x in head[i + 1 : i + 3]):
            return True
    return False


def year_of(doc: ScannedDocument, start: int) -> tuple[int | None, str | None]:
    """The budget year: the table's title, else the document's own text (cover,
    running header, other table titles), else the file name."""
    first = doc.pages[start - 1]
    m = _YEAR_TITLE.search(squash(first.text))
    if m:
        return int(m.group(1)), "title"
    for pattern, source in ((_YEAR_BUDGET, "document"), (_YEAR_OTHER_TABLE, "document")):
        # nearest page before the table first, then the rest
        order = list(range(start - 1, -1, -1)) + list(range(start, doc.page_count))
        for i in order:
            for ln in _lines(doc.pages[i])[:8]:
                m = pattern.search(squash(ln))
                if m:
                    return int(m.group(1)), source
    m = _YEAR_FILENAME.search(Path(doc.path).name)
    if m:
        return int(m.group(1)), "file_name"
    return None, None


def locate_tables(doc: ScannedDocument) -> list[TableLocation]:
    starts = [p.number for p in doc.pages if is_table_start(p)]
    if not starts:
        # a bare table without its title: a page with a strong header
        starts = [
            p.number
            for p in doc.pages
            if _header_hits(p.text) >= 3 and "绩效指标" in squash(p.text) and not _is_contents(p)
        ][:1]
    tables: list[TableLocation] = []
    taken: set[int] = set()
    for start in starts:
        if start in taken:
            continue
        page = doc.pages[start - 1]
        department = department_of(page)
        pages = [start]
        for nxt in doc.pages[start:]:
            if _starts_other_section(nxt, department):
                break
            pages.append(nxt.number)
        taken.update(pages)
        year, source = year_of(doc, start)
        tables.append(TableLocation(tuple(pages), department, year, source, currency_of(page)))
    return tables
