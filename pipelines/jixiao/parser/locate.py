"""Finding the target tables in a budget document, from the page texts.

A 部门预算 carries many tables; a target table (绩效目标表) starts at its title — a short
line of its own, not a mention in prose or in the contents — and runs on over the following
pages until another table or section begins. Its title says its kind: the department's overall
targets (部门整体支出绩效目标表 …) or project targets (项目支出绩效目标表, 项目绩效目标表,
政策和项目预算绩效目标表 …). Forms printed one per project, each under its own title, are one
table. 绩效自评表 and 决算 are not target tables. The 项目支出表 (附件1), which lists the same
projects and amounts, is not one either: a table is a target table only when the reader
finds indicators in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .document import ScannedDocument, ScannedPage
from .text import squash
from .vocabulary import DEPARTMENT_TITLE, NOT_TARGETS, TARGET_TITLE

_SECTION_START = re.compile(r"^(?:附件\s*\d{1,2}|附表\s*\d{1,2}|第[一二三四五六七八九十]+部分|目\s*录$)")
#: A table title: a short line ending with 表 and perhaps a parenthesis ((2026年度), （一级项目）).
_TABLE_TITLE = re.compile(r"^.{0,60}表(?:[（(][^（()）]{0,20}[)）])?$")
#: What may stand before a title on its line: 附件2, 表十一, 预算12表, 公开表3, 1., （二）.
_TITLE_PREFIX = re.compile(
    r"^(?:附件\s*\d{1,2}[：:]?|附表\s*\d{1,2}|(?:公开|预算)?表\s*(?:[一二三四五六七八九十]{1,3}|\d{1,3})(?!\d)"
    r"|预算\s*\d{1,2}\s*表|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}\s*[.、．](?!\d))"
)
#: Endings of the titles of a budget's other tables (收支总表, 项目支出预算情况表 …).
_OTHER_TABLE_END = re.compile(r"(?:总表|情况表|明细表|预算表|支出表|收入表|决算表|采购表|计划表|自评表|评价表|汇总表)$")
_DEPARTMENT = re.compile(
    r"(?:部门名称|单位名称|预算部门|预算单位|部门（单位）|部门\(单位\)|资金主管部门|主管部门)\s*[:：]\s*([^\s:：]{2,60})"
)
_CURRENCY = re.compile(r"(?:单位|金额单位)\s*[:：]\s*(万元|千元|亿元|元)")
_YEAR_TITLE = re.compile(
    r"(20\d{2})\s*年\s*度?[^\n]{0,30}?绩效目标(?:申报|填报)?表|[（(]\s*(20\d{2})\s*年\s*度\s*[)）]"
)
_YEAR_BUDGET = re.compile(r"(20\d{2})\s*年\s*度?\s*(?:[^\s\d]{0,30}?)(?:部门|单位)预算")
_YEAR_OTHER_TABLE = re.compile(r"(20\d{2})\s*年\s*度?[^\n\d]{0,20}?(?:总表|支出表|收入表|预算表)")
_YEAR_FILENAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_COVER_DEPARTMENT = re.compile(
    r"^(?:20\d{2}年度?)?(?P<name>[^\d]{2,40}?)(?:[（(](?:本级|汇总)[)）])?(?:20\d{2}年度?)?(?:部门|单位)预算"
)
_PAGE_NUMBER = re.compile(r"^[-—–－]*\d{1,3}[-—–－]*$")
_ORG_SUFFIX = re.compile(r"(?:局|委|委员会|办|办公室|院|会|中心|室|厅|部|所|站|馆|队|社|处|府|署|团|校|园|司|庭|处)$")
_TRAILING_SCOPE = re.compile(r"[（(](?:本级|汇总|本部)[)）]$")
_LEADING_CODE = re.compile(r"^[\dA-Za-z]{2,}[\s_\-－—:：]*(?=[\u4e00-\u9fff])")
_REGION = re.compile(
    r"^(?:中共|中国共产党)?(?P<city>[\u4e00-\u9fff]{2,4}?市)(?P<district>[\u4e00-\u9fff]{1,4}?[区县])?"
)


@dataclass(frozen=True)
class TableLocation:
    kind: str  # project / department
    pages: tuple[int, ...]  # candidate pages, first to last
    titles: tuple[str, ...]  # the squashed titles that start the table (one per form)
    department: str | None
    year: int | None
    year_source: str | None
    currency_unit: str | None
    region: str | None = None
    district: str | None = None
    #: the title of whatever follows on the table's last page (the reader stops there)
    end_title: str | None = None
    #: the amount unit printed under a later title of the table (its first page printing none)
    later_currency: str | None = None
    #: the amount unit its first page's text mentions in brackets (项目资金（万元）), printing no
    #: unit line: weaker than the table's own labels, read from its cells
    currency_mention: str | None = None


@dataclass(frozen=True)
class _Title:
    page: int
    index: int  # the line's index on the page
    text: str  # squashed, prefix (附件2, 表十一 …) removed
    kind: str | None  # project / department, or None for a table that is not a target table


def _lines(page: ScannedPage) -> list[str]:
    return [ln.strip() for ln in page.text.split("\n") if ln.strip()]


def table_kind(title: str) -> str | None:
    """project / department for a target table's title; None for any other title."""
    t = squash(title)
    if not TARGET_TITLE.search(t) or any(w in t for w in NOT_TARGETS):
        return None
    return "department" if DEPARTMENT_TITLE.search(t) else "project"


def _strip_prefix(text: str) -> str:
    return _TITLE_PREFIX.sub("", text, count=1).strip()


def _is_title(text: str) -> bool:
    t = _strip_prefix(text)
    if len(t) < 4 or not _TABLE_TITLE.match(t) or t[0] in "）)" or re.search(r"[。，,；;：:%≥≤<>=＝]|详见", t):
        return False
    # a target table's title, or another table's: prefixed (表3, 附件1) or with a table's ending
    return bool(TARGET_TITLE.search(t)) or t != text or bool(_OTHER_TABLE_END.search(t))


def page_titles(page: ScannedPage) -> list[_Title]:
    """Titles on a page: lines (or a line and the next, for a title wrapped over two) that
    read as a table title. A page listing many titles is a list of tables, not tables."""
    if is_contents(page):
        return []
    titles = _titles(page)
    kinds = {t.text for t in titles}
    return [] if len(kinds) >= 4 else titles


def _titles(page: ScannedPage) -> list[_Title]:
    lines = [squash(ln) for ln in _lines(page)]
    out: list[_Title] = []
    skip = -1
    for i, ln in enumerate(lines):
        if i <= skip:
            continue
        candidates = [(ln, i)]
        if i + 1 < len(lines) and len(lines[i + 1]) <= 30 and not _is_title(lines[i + 1]):
            candidates.append((ln + lines[i + 1], i + 1))
        for text, last in candidates:
            if _is_title(text) and (last == i or not _is_title(ln)):
                # a table's number may stand alone on the line above its title (表十 / 2026年…表)
                start = i - 1 if i > 0 and lines[i - 1] and not _strip_prefix(lines[i - 1]) else i
                out.append(_Title(page.number, start, _strip_prefix(text), table_kind(text)))
                skip = last
                break
    return out


def is_contents(page: ScannedPage) -> bool:
    head = "".join(squash(ln) for ln in _lines(page)[:3])
    if head.startswith("目录") or "目录" in [squash(ln) for ln in _lines(page)[:4]]:
        return True
    # a page listing many table titles with page numbers or dots
    listed = sum(
        1 for ln in _lines(page) if re.search(r"表\s*[.…·\s]*\d{1,3}\s*$", ln) or re.search(r"\.{4,}|…{2,}", ln)
    )
    return listed >= 5


def clean_department(name: str | None) -> str | None:
    """A department's name without a code before it or a trailing （本级）/（汇总）."""
    if not name:
        return None
    n = squash(name).strip("：:，,")
    n = _LEADING_CODE.sub("", n)
    n = _TRAILING_SCOPE.sub("", n)
    return n or None


def title_department(title: str) -> str | None:
    """The department a table's title names (``广州市生态环境局2026年项目支出绩效目标表``)."""
    m = re.match(r"^(.{2,40}?)(?:20\d{2}年度?)(?:部门)?[^\d]{0,20}绩效目标(?:申报|填报)?表", squash(title))
    if m and "绩效" not in m.group(1) and _ORG_SUFFIX.search(clean_department(m.group(1)) or ""):
        return clean_department(m.group(1))
    return None


def department_of(page: ScannedPage) -> str | None:
    for ln in _lines(page)[:12]:
        line = re.sub(r"(?:金额)?单位[:：](?:万元|千元|亿元|元).*$", "", squash(ln))
        m = _DEPARTMENT.search(line)
        if m:
            return clean_department(m.group(1))
    for ln in _lines(page)[:6]:
        s = squash(ln)
        m = re.match(r"^(?:附件\d+)?(.{2,40}?)(?:20\d{2}年度?)(?:部门)?[^\d]{0,20}绩效目标(?:申报|填报)?表", s)
        if m and "绩效" not in m.group(1):
            return clean_department(m.group(1))
    return None


def cover_department(doc: ScannedDocument) -> str | None:
    """The department named on the cover (``2026年度 | 福州市商务局 | 部门预算``) or in the
    document's title line (``重庆市气象局2026年部门预算情况说明``)."""
    for page in doc.pages[:2]:
        lines = [squash(ln) for ln in _lines(page)[:7]]
        head = "".join(ln for ln in lines if not _PAGE_NUMBER.match(ln)).split("目录")[0]
        m = _COVER_DEPARTMENT.match(head)
        if m:
            name = clean_department(m.group("name"))
            if name and _ORG_SUFFIX.search(name) and "部分" not in name:
                return name
    return None


def region_of(*names: str | None) -> tuple[str | None, str | None]:
    """The city (``广州市``) and district (``鼓楼区``) a department belongs to, from its name."""
    for name in names:
        if not name:
            continue
        m = _REGION.match(squash(name))
        if m:
            return m.group("city"), m.group("district")
    return None, None


_CITY_MENTION = re.compile(r"([\u4e00-\u9fff]{2,3}市)")


def document_region(doc: ScannedDocument, department: str | None) -> str | None:
    """The city of a department whose name does not say it in full (``长沙职业教育基地…``):
    the city the document names whose name the department's starts with (长沙市)."""
    name = squash(department)
    if len(name) < 2:
        return None
    for page in doc.pages:
        for m in _CITY_MENTION.finditer(squash(page.text)):
            city = m.group(1)
            if name.startswith(city[:-1]):
                return city
    return None


def currency_of(page: ScannedPage) -> str | None:
    return unit_line(page) or unit_mention(page)


def unit_line(page: ScannedPage) -> str | None:
    """The amount unit a page prints on a line of its own near its top (单位：万元)."""
    for ln in _lines(page)[:15]:
        m = _CURRENCY.search(squash(ln))
        if m:
            return m.group(1)
    return None


def unit_mention(page: ScannedPage) -> str | None:
    """The first amount unit a page's text mentions in brackets (项目资金（万元）) — perhaps in
    an indicator's name (委托中介机构费（万元）) rather than a label of the table's amounts."""
    m = re.search(r"[（(](万元|元)[)）]", squash(page.text))
    return m.group(1) if m else None


def later_currency(doc: ScannedDocument, titles: list[_Title]) -> str | None:
    """The amount unit (单位：元) printed under a later title of a table whose first page
    prints none: a heading that ends a page (1.项目支出绩效目标表) leaves the table, and the
    unit line under its forms' titles, to the next pages."""
    for t in titles[1:]:
        if t.page == titles[0].page:
            continue
        for ln in _lines(doc.pages[t.page - 1])[t.index : t.index + 4]:
            m = _CURRENCY.search(squash(ln))
            if m:
                return m.group(1)
    return None


def year_of(doc: ScannedDocument, start: int) -> tuple[int | None, str | None]:
    """The budget year: the table's title, else the document's own text (cover,
    running header, other table titles), else the file name."""
    first = doc.pages[start - 1]
    for ln in _lines(first)[:12]:
        m = _YEAR_TITLE.search(squash(ln))
        if m:
            return int(m.group(1) or m.group(2)), "title"
    for pattern, source in ((_YEAR_TITLE, "document"), (_YEAR_BUDGET, "document"), (_YEAR_OTHER_TABLE, "document")):
        # nearest page before the table first, then the rest
        order = list(range(start - 1, -1, -1)) + list(range(start, doc.page_count))
        for i in order:
            for ln in _lines(doc.pages[i])[:8]:
                m = pattern.search(squash(ln))
                if m:
                    return int(m.group(1) or m.group(m.lastindex or 1)), source
    m = _YEAR_FILENAME.search(Path(doc.path).name)
    if m:
        return int(m.group(1)), "file_name"
    return None, None


def _other_start(page: ScannedPage, index: int = 0) -> bool:
    """A section or a table that is not a target table begins on the page (from line ``index``)."""
    lines = [squash(ln) for ln in _lines(page)][index:]
    return any(_SECTION_START.match(h) for h in lines[:2])


def locate_tables(doc: ScannedDocument) -> list[TableLocation]:
    titles = [t for p in doc.pages for t in page_titles(p)]
    starts = [t for t in titles if t.kind is not None]
    if not starts:
        return _untitled(doc)
    cover = cover_department(doc)
    tables: list[TableLocation] = []
    i = 0
    while i < len(starts):
        first = starts[i]
        group = [first]
        # following titles of the same kind with nothing else between them: one table (forms)
        j = i + 1
        named = department_of(doc.pages[first.page - 1])
        while j < len(starts) and starts[j].kind == first.kind and not _other_between(titles, group[-1], starts[j]):
            other = department_of(doc.pages[starts[j].page - 1]) if starts[j].page != first.page else None
            if named and other and other != named:
                break  # the next department's table (one file, several departments)
            group.append(starts[j])
            j += 1
        last_title = group[-1]
        nxt = next(
            (t for t in titles if (t.page, t.index) > (last_title.page, last_title.index) and t not in group), None
        )
        end_page = doc.page_count
        end_title = None
        if nxt is not None:
            end_page = nxt.page if nxt.index > 0 else nxt.page - 1
            end_title = nxt.text if nxt.index > 0 else None
        for p in doc.pages[last_title.page : end_page]:
            if _other_start(p):
                end_page, end_title = p.number - 1, None
                break
        end_page = max(end_page, last_title.page)
        pages = tuple(range(first.page, end_page + 1))
        page = doc.pages[first.page - 1]
        department = title_department(first.text) or department_of(page) or cover
        year, source = year_of(doc, first.page)
        region, district = region_of(department, cover)
        currency = unit_line(page)
        tables.append(
            TableLocation(
                first.kind or "project",
                pages,
                tuple(t.text for t in group),
                department,
                year,
                source,
                currency,
                region,
                district,
                end_title,
                later_currency(doc, group) if currency is None else None,
                unit_mention(page) if currency is None else None,
            )
        )
        i = j
    return tables


def _other_between(titles: list[_Title], a: _Title, b: _Title) -> bool:
    """A title of another table lies between two target titles."""
    return any((a.page, a.index) < (t.page, t.index) < (b.page, b.index) and t.kind is None for t in titles)


#: Words of a target table's column header (a page with several is a table without its title).
_HEADER_WORDS = ("总计", "绩效目标", "绩效指标", "项目名称", "单位名称", "年度目标", "一级指标", "指标值")
_INDICATOR_WORDS = ("指标值", "一级指标", "三级指标")


def _untitled(doc: ScannedDocument) -> list[TableLocation]:
    """A bare table without its title (or whose title the text layer lost): the first page
    whose text carries a target table's column words and indicator words (the reader still
    has to find indicator columns in it)."""
    for p in doc.pages:
        t = squash(p.text)
        if is_contents(p):
            continue
        hits = sum(1 for k in _HEADER_WORDS if k in t)
        if hits >= 3 and any(k in t for k in _INDICATOR_WORDS):
            pages = [p.number]
            for nxt in doc.pages[p.number :]:
                if _other_start(nxt) or any(x.kind is None for x in page_titles(nxt)):
                    break
                pages.append(nxt.number)
            department = department_of(p) or cover_department(doc)
            year, source = year_of(doc, p.number)
            region, district = region_of(department)
            return [
                TableLocation("project", tuple(pages), (), department, year, source, currency_of(p), region, district)
            ]
    return []
