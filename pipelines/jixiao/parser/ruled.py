"""Tables read from the cells of their ruled grids (:mod:`.lattice`): forms, lists and ruled
long tables.

* **form** — one key/value form per project (烟台, 福州, 泉州, 西安, 重庆's 表十一) or for the
  department (广州's 部门整体预算绩效目标申报表, 北京's 部门整体支出绩效目标表): label cells
  (项目名称, 主管部门, 实施单位, 资金总额 …) each followed by their value, a goal, perhaps a grid
  of key tasks, then an indicator grid under a header row (一级指标 | 二级指标 | 三级指标 | 指标值 …).
* **list** — the same with an indicator grid that has no levels (重庆: 指标名称 | 指标性质 | 指标值 |
  计量单位 | 指标权重 | 是否核心).
* **long** — a header row that also names project columns (项目名称 | 项目总额 | 绩效目标 | 一级指标
  …, 北京 and 长沙; 重庆's 表十二 is a list of this kind): each merged project cell gives a project
  row; a name cell merged over several amount cells gives one row per amount, the name repeated.
  Rows with a name and an amount but no targets are unit subtotals or the 合计.

A table is one stream of grid rows over its pages. A merged cell cut by a page break goes on
at the top of the next page: its two parts are one cell (the label printed in one of them, or
half in each); a new form starts at its 项目名称 (or, in a form that has none, at its first
label after a title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .categories import read_category
from .errors import TextParseError
from .geometry import PageGeometry, cluster_lines
from .indicators import is_withheld
from .lattice import SNAP, Cell, Grid, page_grids
from .locate import clean_department
from .model import STANDARD_AMOUNT_KEYS, Indicator, Row, Task
from .records import Read, indicator_from_cells, split_project_code, unit_name
from .text import parse_amount, squash
from .vocabulary import (
    AMOUNT_PREFIX,
    DEPARTMENT_GOAL_LABELS,
    FORM_FIELDS,
    GOAL,
    IND_NAME,
    INDICATOR_PARTS,
    INDICATORS,
    LEVEL1,
    LEVEL2,
    NAME,
    PERIOD_TARGET,
    PROJECT,
    SCORING,
    SEQUENCE,
    TARGET,
    TARGET_TITLE,
    UNIT,
    UNIT_CODE,
    amount_key,
    column_role,
)

_LABEL_TAIL = re.compile(r"(?:[（(][^）)]{0,12}[)）]|及代码|[:：])+$")
_CURRENCY = re.compile(r"[（(]\s*(万元|元|千元)\s*[）)]")
_YEAR_LINE = re.compile(r"^[（(]?\s*20\d{2}\s*年度?\s*[)）]?$")
#: Labels that say what the cells beside them are, but carry no value of their own.
_IGNORED_LABELS = (
    "执行率分值",
    "项目概况",
    "其他说明",
    "备注",
    "实施期限",
    "其他需完成的任务",
    "按预算级次划分",
    "收入来源",
    "部门预算支出",
    "事业发展性支出",
    "预算金额",
    "活动",
    "市级支出",
    "补助区县",
)
#: Header words of a grid of key tasks (年度重点工作任务 / 年度主要任务).
_TASK_NAME = ("任务名称", "名称")
_TASK_CONTENT = ("主要实施内容", "主要内容", "实施内容")
_TASK_AMOUNT = ("拟投入的资金", "预算金额", "总额", "金额")
_TASK_GOAL = ("期望达到的目标", "预期目标", "目标")
#: Columns that belong to a project (or unit) row rather than to one indicator.
_ROW_ROLES = {PROJECT, NAME, UNIT, UNIT_CODE, GOAL, SEQUENCE}
_TOTAL_WORDS = ("合计", "总计")
#: Cell texts that fill a cell without saying anything (无, 不适用, /, -).
_PLACEHOLDERS = {"", "无", "不适用", "/", "-", "—", "－", "——", "不涉及"}


def _label_text(key: str) -> str:
    return _LABEL_TAIL.sub("", key)


def field_of(key: str, kind: str) -> str | None:
    """The form field a label cell names (项目名称 → project), or None."""
    text = _label_text(key)
    if not text or len(text) > 16:
        return None
    if kind == "department" and any(text == g or text == "年度" + g for g in DEPARTMENT_GOAL_LABELS):
        return "goal"
    if text == "年度总体目标":
        return "goal" if kind == "department" else "long_term_goal"
    # a label a few characters longer than a field's names it too (项目名称及代码), but not one
    # that ends in 指标: that names indicators, as the first column of an indicator grid does
    # (绩效目标指标 is no 绩效目标)
    prefixed = not text.endswith("指标")
    for name, labels in FORM_FIELDS:
        if any(text == lab or (prefixed and text.startswith(lab) and len(text) <= len(lab) + 4) for lab in labels):
            return name
    return None


def _amount_label(key: str) -> str | None:
    text = _label_text(key)
    if not text or len(text) > 14 or re.search(r"\d", text):
        return None
    return amount_key(text)


def _is_ignored(key: str) -> bool:
    return any(key.startswith(w) for w in _IGNORED_LABELS)


def _is_title(key: str) -> bool:
    return bool(TARGET_TITLE.search(key)) and len(key) <= 80


def _amount(text: str | None) -> Decimal | None:
    if not text:
        return None
    t = squash(text).removesuffix("万元").removesuffix("元")
    try:
        return parse_amount(t)
    except TextParseError:
        return None


def _is_amount(text: str | None) -> bool:
    return _amount(text) is not None


def _join(a: str | None, b: str | None) -> str | None:
    """The text of a cell cut by a page break: its two parts (equal when reprinted)."""
    if not a:
        return b
    if not b or squash(a) == squash(b):
        return a
    return a + b


@dataclass
class _Column:
    role: str
    x0: float
    x1: float


@dataclass
class _Entry:
    """One row of the extraction being built: a project, a unit, the 合计 or the department."""

    page: int
    row_type: str = "project"
    title: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    indicators: list[dict[str, str | None]] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    last_field: str | None = None
    cells: dict[str, Cell] = field(default_factory=dict)  # its row cells (long tables)
    unit: str | None = None  # the unit row it sits under (long tables)


@dataclass(eq=False)
class _LevelPart:
    """A level cell (一级指标 / 二级指标) and the indicators beside it. A cell cut by page
    breaks is one: its parts share the label, printed in one of them (or half in each)."""

    role: str
    text: str | None
    records: list[dict[str, str | None]] = field(default_factory=list)

    def relabel(self, text: str) -> None:
        self.text = text
        for rec in self.records:
            rec[self.role] = text


class _Reader:
    """The state of one table's stream of grid rows."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.entries: list[_Entry] = []
        self.entry: _Entry | None = None
        self.columns: list[_Column] = []  # the indicator grid's columns (and row columns)
        self.task_columns: dict[str, tuple[float, float]] | None = None
        self.pending_title: str | None = None
        self.pending_label: str | None = None
        self.currency: str | None = None
        self.continuation = False  # the grid being read goes on from the page before
        self.level_parts: dict[int, _LevelPart] = {}  # the level cells of the grid being read (by id)
        self.last_parts: dict[str, _LevelPart] = {}  # the level cells of the last indicator read
        self.open_parts: dict[str, _LevelPart] = {}  # level cells that reach the bottom of the last grid
        self.has_levels = False
        self.has_row_columns = False
        self.saw_header = False
        self.grid_cells: list[Cell] = []  # the cells with text of the grid being read
        self.unit: str | None = None  # the last unit row's name (long tables)
        self.unit_open = False  # the last unit cell reaches the bottom of its page
        self.name_cell: Cell | None = None  # the merged name cell of the rows being read
        self.name_text: str | None = None  # its text, joined over page breaks
        self.name_entries: list[_Entry] = []  # the rows it names
        self.name_open = False  # it reaches the bottom of its page
        self.body_top = 0  # the first row below the header, in the grid being read
        self.grid_last = 0  # the last row of the grid being read
        self.warnings: list[str] = []

    # ------------------------------------------------------------ entries

    def _new(self, page: int, row_type: str = "project") -> _Entry:
        self.entry = _Entry(page, row_type, title=self.pending_title, unit=self.unit)
        self.entries.append(self.entry)
        self.pending_title = None
        if not self.has_row_columns:
            self.columns = []
            self.open_parts, self.last_parts = {}, {}
        else:
            # a long table's next row: a level cell at the top of a page may still take the
            # label of the last one, but the rows before are another project's
            self.open_parts = {ro: _LevelPart(ro, p.text) for ro, p in self.open_parts.items()}
        self.task_columns = None
        return self.entry

    def _current(self, page: int) -> _Entry:
        return self.entry if self.entry is not None else self._new(page)

    def title(self, key: str) -> None:
        if not _YEAR_LINE.match(key):
            self.pending_title = key

    # ------------------------------------------------------------ rows

    def grid(self, grid: Grid, continuation: bool) -> None:
        rows = grid.rows()
        self.grid_cells = [c for c in grid.cells if c.key]
        self.body_top = 0
        self.grid_last = len(rows) - 1
        self.continuation = continuation
        self.level_parts = {}
        if not continuation:
            self.open_parts = {}
        band = self._header_band(rows)
        for r, cells in enumerate(rows):
            if r < band:
                continue  # the rows of a long table's header above its leaf row
            fresh = [c for c in cells if c.row0 == r]
            self.row(grid, r, cells, fresh, continuation=continuation)
        self.open_parts = self._bottom_parts(rows[-1] if rows else [])

    def _header_band(self, rows: list[list[Cell]]) -> int:
        """The leaf row of a long table's header (its upper rows hold parents such as 其中、
        绩效指标), or 0: forms read every row, their labels come before their header."""
        for r, cells in enumerate(rows):
            header = self._header(cells, r)
            if header:
                if any(role in _ROW_ROLES or role.startswith(AMOUNT_PREFIX) for role, _ in header):
                    return r
                return 0
        return 0

    def row(self, grid: Grid, r: int, cells: list[Cell], fresh: list[Cell], *, continuation: bool) -> None:
        texts = [c for c in fresh if c.key]
        if not texts and not self.columns:
            return
        page = grid.page
        width = grid.right - grid.left
        if len(texts) == 1 and texts[0].x1 - texts[0].x0 >= 0.8 * width and _is_title(texts[0].key):
            self.title(texts[0].key)
            return
        header = self._header(cells, r)
        if header:
            self._set_columns(header, page)
            self.body_top = r + 1
            return
        if self._task_header(fresh, cells, grid, r):
            return
        if self.task_columns is not None and self._task_row(fresh, page):
            return
        if not self.has_row_columns and self._fields(
            cells, fresh, page, at_top=(r == 0 and continuation), grid_start=(r == 0)
        ):
            return
        if self.columns:
            at_top = continuation and r == self.body_top
            self._indicator_row(r, cells, page, at_top=at_top)

    # ------------------------------------------------------------ headers

    def _header(self, cells: list[Cell], r: int) -> list[tuple[str, Cell]]:
        """The leaf cells of a header row (cells that end on this row and name a column),
        when they make an indicator grid: they name the target value and the indicators
        (or their levels)."""
        out = []
        for c in cells:
            if c.row1 != r or not c.key:
                continue
            role = column_role(c.key)
            if role is None:
                continue
            if role in INDICATOR_PARTS or role == INDICATORS or role in _ROW_ROLES or role.startswith(AMOUNT_PREFIX):
                out.append((role, c))
        roles = {ro for ro, _ in out}
        if len(out) >= 2 and TARGET in roles and roles & {IND_NAME, INDICATORS, LEVEL1, LEVEL2}:
            return out
        return []

    def _set_columns(self, header: list[tuple[str, Cell]], page: int) -> None:
        row_columns = any(role in _ROW_ROLES or role.startswith(AMOUNT_PREFIX) for role, _ in header)
        columns = [_Column(role, c.x0, c.x1) for role, c in header]
        if row_columns:
            # a header cell merged down into a cut cell below it (no rule between them) is
            # not a leaf of the header row: keep the column the table's first header gave
            for old in self.columns:
                if old.role not in {c.role for c in columns} and not any(
                    min(old.x1, c.x1) - max(old.x0, c.x0) > 0.3 * (old.x1 - old.x0) for c in columns
                ):
                    columns.append(old)
            columns.sort(key=lambda c: c.x0)
            # a long table: its header repeats on every page; rows carry their project
            self.has_row_columns = True
        else:
            self._current(page)
            # a form's labels come before its indicator header: a title still pending here is
            # printed over a continuation (the generic title on every page), not a new form's
            self.pending_title = None
        self.columns = columns
        self.saw_header = True
        self.has_levels = self.has_levels or any(c.role in (LEVEL1, LEVEL2, INDICATORS) for c in columns)
        self.task_columns = None
        self.pending_label = None
        if self.entry is not None:
            self.entry.last_field = None

    def _task_header(self, fresh: list[Cell], cells: list[Cell], grid: Grid, r: int) -> bool:
        keys = {c.key: c for c in cells if c.key}
        name = next((c for k, c in keys.items() if k in _TASK_NAME), None)
        content = next((c for k, c in keys.items() if any(k.startswith(w) for w in _TASK_CONTENT)), None)
        if name is None or content is None or not any(c.key in (name.key, content.key) for c in fresh):
            return False
        cols: dict[str, tuple[float, float]] = {"name": (name.x0, name.x1), "content": (content.x0, content.x1)}
        # the amount and goal columns: the lowest header cells to the right (a two-level
        # header prints 总额 | 财政拨款 | 其他资金 under 预算金额)
        rows = grid.rows()
        below = rows[r + 1] if r + 1 < len(rows) else []
        for c in sorted({*cells, *below}, key=lambda c: (c.x0, -c.row0)):
            if c.x0 < content.x1 - 1:
                continue
            k = _label_text(c.key)
            if "amount" not in cols and any(k.startswith(w) for w in _TASK_AMOUNT):
                cols["amount"] = (c.x0, c.x1)
            elif "goal" not in cols and any(k.startswith(w) for w in _TASK_GOAL):
                cols["goal"] = (c.x0, c.x1)
            elif k in ("财政拨款", "其他资金", "总额"):
                cols[AMOUNT_PREFIX + (amount_key(k) or "total")] = (c.x0, c.x1)
        self.task_columns = cols
        self._current(grid.page)
        return True

    def _task_row(self, fresh: list[Cell], page: int) -> bool:
        cols = self.task_columns or {}

        def at(name: str) -> str | None:
            span = cols.get(name)
            if span is None:
                return None
            hit = [c for c in fresh if c.overlap_x(*span) > 0.5 * (span[1] - span[0]) and c.x0 >= span[0] - 2]
            return "".join(c.text for c in hit) or None

        if not fresh or any(column_role(c.key) in (LEVEL1, LEVEL2, IND_NAME) for c in fresh):
            self.task_columns = None
            return False
        labels = [c for c in fresh if field_of(c.key, self.kind) or _is_ignored(c.key)]
        name = at("name")
        entry = self._current(page)
        if name and squash(name) in ("金额合计", *_TOTAL_WORDS):
            total = at(AMOUNT_PREFIX + "total") or at("amount")
            entry.amounts["total"] = _amount(total)
            for key in ("fiscal_appropriation", "other_funds"):
                if AMOUNT_PREFIX + key in cols:
                    entry.amounts[key] = _amount(at(AMOUNT_PREFIX + key))
            return True
        if labels and (not name or any(c.x0 <= cols["name"][0] + 1 for c in labels)):
            self.task_columns = None
            return False
        content, goal = at("content"), at("goal")
        if name or content:
            entry.tasks.append(Task(name, content, _amount(at("amount") or at(AMOUNT_PREFIX + "total")), goal))
        return True

    # ------------------------------------------------------------ forms: label / value

    def _fields(self, cells: list[Cell], fresh: list[Cell], page: int, at_top: bool, grid_start: bool) -> bool:
        """Label/value pairs in a row. Returns False when the row holds none.

        Within an indicator grid an indicator's name may read like an amount's label
        (养老金发放金额): there, funds start a new form only at a new grid or after a title,
        and never from the grid's name column (see :meth:`_in_name_column`)."""
        funds_allowed = not self.columns or grid_start or self.pending_title is not None

        ordered = sorted(fresh, key=lambda c: c.x0)
        labelled = self._labels(ordered, funds_allowed)
        for c in cells if labelled or not self.columns else []:
            # a group label merged over rows (项目资金（万元）) says the currency; an indicator's
            # name (委托中介机构费（万元）) does not
            m = _CURRENCY.search(c.key)
            if m and len(c.key) <= 16:
                self.currency = self.currency or m.group(1)
        if not labelled:
            return self._continued(ordered, page, at_top)
        in_grid = bool(self.columns)
        entry = self._current(page)
        if all(kind == "ignore" for kind, _, _ in labelled):
            pass  # labels that carry no value (备注, 其他说明) close a form, they start none
        elif any(kind == "field" and f in ("project", "department") for kind, f, _ in labelled):
            if (
                entry.fields.get("project")
                or entry.indicators
                or (self.kind == "project" and entry.fields.get("department"))
            ):
                entry = self._new(page)
        elif (
            entry.indicators
            and self.kind == "project"
            and (self.pending_title or any(k == "amount" for k, _, _ in labelled))
        ):
            entry = self._new(page)  # a form without 项目名称 (泉州): its title, then its funds
        if in_grid and not self.columns:
            # the row starts a new form: it is out of the last form's indicator grid, and a
            # label merged down beside its funds (执行率分值) is a label
            labelled = self._labels(ordered, funds_allowed)
        self.pending_title = None
        entry.pages.append(page)
        values = [c for c in ordered if c.key and not any(c is x for _, _, x in labelled)]
        self.pending_label = None
        heading_row = self._amount_headings(cells, labelled)
        for i, (kind, name, cell) in enumerate(labelled):
            nxt = labelled[i + 1][2].x0 if i + 1 < len(labelled) else float("inf")
            mine = [v for v in values if cell.x1 - 1 <= v.x0 < nxt]
            text = "".join(v.text for v in mine) or None
            if kind == "ignore" or (kind == "amount" and heading_row):
                continue
            if kind == "amount":
                if text is None:
                    entry.amounts.setdefault(name, None)
                elif _is_amount(text):
                    entry.amounts[name] = _amount(text)
                continue
            if text is None:
                self.pending_label = name
                continue
            entry.fields[name] = text
            entry.last_field = name
        return True

    def _labels(self, ordered: list[Cell], funds_allowed: bool) -> list[tuple[str, str, Cell]]:
        """The label cells of a row: (kind of label, field or amount key, cell)."""
        labelled: list[tuple[str, str, Cell]] = []
        for c in ordered:
            if not c.key or (self.columns and c.row1 > c.row0):
                continue  # in an indicator grid, a label merged down the rows names the grid
            if self._in_name_column(c, ordered):
                continue  # an indicator named like a label (促进增收节支金额, 项目资金支出)
            f = field_of(c.key, self.kind)
            if f is not None:
                labelled.append(("field", f, c))
            elif funds_allowed and (a := _amount_label(c.key)) is not None:
                labelled.append(("amount", a, c))
            elif _is_ignored(c.key):
                labelled.append(("ignore", "", c))
        return labelled

    def _in_name_column(self, cell: Cell, ordered: list[Cell]) -> bool:
        """In an open indicator grid, the cell fills the indicators' name column and another
        cell of its row the target column: an indicator's name, whatever it reads like."""
        if not self.columns or self.has_row_columns:
            return False

        def fits(c: Cell, col: _Column) -> bool:
            width = col.x1 - col.x0
            return c.x0 >= col.x0 - SNAP and c.x1 <= col.x1 + SNAP and c.overlap_x(col.x0, col.x1) >= 0.5 * width

        name = next((col for col in self.columns if col.role in (IND_NAME, INDICATORS)), None)
        target = next((col for col in self.columns if col.role == TARGET), None)
        if name is None or target is None or not fits(cell, name):
            return False
        return any(c is not cell and c.key and fits(c, target) for c in ordered)

    def _amount_headings(self, cells: list[Cell], labelled: list[tuple[str, str, Cell]]) -> bool:
        """A row of amount headings with the figures in the row below (北京's 总体资金情况)."""
        return sum(1 for k, _, _ in labelled if k == "amount") >= 2 and all(
            not _is_amount(c.text) for c in cells if c.key and not any(c is x for _, _, x in labelled)
        )

    def _continued(self, ordered: list[Cell], page: int, at_top: bool) -> bool:
        """A row without labels: the value of a label printed alone on the row above
        (当年整体绩效目标), figures under amount headings, or the rest of a value cut by a
        page break."""
        entry = self.entry
        texts = [c for c in ordered if c.key]
        if entry is None or not texts or self.columns:
            return False
        if self.pending_label is not None:
            entry.fields[self.pending_label] = "".join(c.text for c in texts)
            entry.last_field, self.pending_label = self.pending_label, None
            return True
        if all(_is_amount(c.text) for c in texts):
            return self._figures(texts, entry)
        if at_top and entry.last_field and self.task_columns is None:
            entry.fields[entry.last_field] += "".join(c.text for c in texts)
            return True
        return False

    def _figures(self, texts: list[Cell], entry: _Entry) -> bool:
        """Figures under a (two-level) row of amount headings: each takes the headings above
        it; a source's breakdown by 基本/项目支出 is left out, its 合计 is the source's."""
        taken = False
        for c in texts:
            chain = [
                h for h in self.grid_cells if h.bottom <= c.top + 1 and h.overlap_x(c.x0, c.x1) > 0.5 * (c.x1 - c.x0)
            ]
            chain.sort(key=lambda h: h.top)
            keys = [k for k in (_amount_label(h.key) for h in chain) if k]
            if not keys:
                continue
            leaf = _label_text(chain[-1].key)
            sources = [k for k in keys if k not in ("total", "basic_expenditure", "project_expenditure")]
            if sources:
                if leaf in ("合计", "总计", "小计") or len(keys) == 1:
                    entry.amounts[sources[0]] = _amount(c.text)
                    taken = True
                continue
            entry.amounts[keys[0]] = _amount(c.text)
            taken = True
        return taken

    # ------------------------------------------------------------ indicator rows

    def _cell_at(self, cells: list[Cell], col: _Column) -> Cell | None:
        best, share = None, 0.0
        width = col.x1 - col.x0
        for c in cells:
            o = c.overlap_x(col.x0, col.x1) / width if width > 0 else 0.0
            if o > share:
                best, share = c, o
        return best if share >= 0.5 else None

    def _indicator_row(self, r: int, cells: list[Cell], page: int, *, at_top: bool) -> None:
        by_role: dict[str, Cell] = {}
        for col in self.columns:
            c = self._cell_at(cells, col)
            if c is not None and col.role not in by_role:
                by_role[col.role] = c
        if self.has_row_columns and not self._row_cells(by_role, r, page, at_top):
            return
        entry = self._current(page)
        key_role = next((ro for ro in (IND_NAME, INDICATORS, TARGET) if ro in by_role), None)
        if key_role is None or by_role[key_role].row0 != r:
            return
        values = {role: (c.text or None) for role, c in by_role.items()}
        if not any(values.get(ro) for ro in (IND_NAME, INDICATORS, TARGET, PERIOD_TARGET)):
            return  # a placeholder row: a level label and nothing else
        if _placeholder(values):
            return
        record: dict[str, str | None] = {"page": str(page)}
        for role in (*INDICATOR_PARTS, INDICATORS):
            if role in values:
                record[role] = values[role]
        for role in (LEVEL1, LEVEL2):
            c = by_role.get(role)
            if c is None:
                continue
            part = self._level_part(role, c)
            record[role] = part.text
            part.records.append(record)
            self.last_parts[role] = part
        entry.indicators.append(record)
        if not self.has_row_columns:
            # the form's grid goes on under a title: a title printed on every page (政策和项目
            # 预算绩效目标表 above a continuation), not a new form's
            self.pending_title = None

    def _level_part(self, role: str, cell: Cell) -> _LevelPart:
        """The level cell an indicator row lies beside. A cell at the top of a continuation
        goes on from the one that reached the bottom of the page before (a merged cell cut by
        the break): every row beside either part takes the label one part prints, or the two
        halves joined; a cell there that prints a label of its own starts anew."""
        part = self.level_parts.get(id(cell))
        if part is not None:
            return part
        text = cell.key or None
        before = self.open_parts.get(role) if self.continuation and cell.row0 <= self.body_top else None
        part = _LevelPart(role, text)
        if before is not None:
            joined = (before.text or "") + (text or "")
            if text is None or text == before.text:
                part = before  # the label printed in the first part (or in both)
            elif before.text is None or (not read_category(text) and read_category(joined)):
                before.relabel(joined)  # printed in the second part, or half in each
                part = before
        self.level_parts[id(cell)] = part
        return part

    def _bottom_parts(self, last_row: list[Cell]) -> dict[str, _LevelPart]:
        """The level cells that reach the bottom of a grid: they may go on at the top of the
        next page. (Below a blank last row, the last indicator's cells do.)"""
        out: dict[str, _LevelPart] = {}
        for col in self.columns:
            if col.role not in (LEVEL1, LEVEL2) or col.role in out:
                continue
            c = self._cell_at(last_row, col)
            if c is None:
                continue
            part = self.level_parts.get(id(c))
            if part is None and not c.key:
                part = self.last_parts.get(col.role)
            if part is not None:
                out[col.role] = part
        return out

    def _row_cells(self, by_role: dict[str, Cell], r: int, page: int, at_top: bool) -> bool:
        """The project (unit, 合计) a row of a long table belongs to: a new row starts where
        any of its row cells (name, amounts, goal) starts. Returns False for a row that is
        not an indicator's (a unit subtotal, the 合计)."""
        mine = {
            ro: c
            for ro, c in by_role.items()
            if (ro in _ROW_ROLES or ro.startswith(AMOUNT_PREFIX)) and c.row0 >= self.body_top
        }
        if not mine:
            return True
        if PROJECT in {c.role for c in self.columns} and UNIT in mine:
            self._unit_cell(mine.pop(UNIT), r, at_top)
            if not mine:
                return True
        self._name_cell(mine, r, at_top)
        starts = [c for c in mine.values() if c.row0 == r]
        entry = self.entry
        if (
            entry is not None
            and entry.row_type == "project"
            and at_top
            and entry.cells
            and not self._new_amounts(entry, mine)
        ):
            # the top of a page: row cells cut by the page break go on here
            self._continue_row(entry, mine, page)
            starts = []
        if starts:
            self._start_row(mine, page)
        ind_text = any(
            c.key and c.row0 == r for ro, c in by_role.items() if ro in (IND_NAME, INDICATORS, TARGET, LEVEL1)
        )
        return self.entry is not None and (self.entry.row_type == "project" or ind_text)

    def _name_cell(self, mine: dict[str, Cell], r: int, at_top: bool) -> None:
        """Follow the merged name cell: it may cover several amount cells (one project row
        each, the name repeated) and go on over a page break, its name printed in one part or
        half in each."""
        cell = mine.get(PROJECT) or mine.get(NAME)
        if cell is None or cell is self.name_cell or cell.row0 != r:
            return
        text = cell.text or None
        before = self.name_text
        goes_on = at_top and self.name_open and self.entry is not None and self.entry.row_type == "project"
        if goes_on and before and text and squash(before) != squash(text):
            # two printed parts: the second is the rest of the first when the first starts
            # with a project code and the second does not; else when the money goes on too
            first_coded = split_project_code(squash(before))[0] is not None
            second_coded = split_project_code(squash(text))[0] is not None
            if first_coded:
                goes_on = not second_coded
            else:
                goes_on = self.entry is not None and not self._new_amounts(self.entry, mine)
        if goes_on:
            self.name_text = _join(before, text)
            for e in self.name_entries:
                e.fields["project"] = self.name_text or ""
        else:
            self.name_text, self.name_entries = text, []
        self.name_cell = cell
        self.name_open = cell.row1 == self.grid_last

    def _unit_cell(self, cell: Cell, r: int, at_top: bool) -> None:
        """The unit column of a long table: its merged cell names the unit of the projects
        beside it; a unit cell cut by a page break goes on at the top of the next page."""
        if cell.row0 != r:
            return
        text = unit_name(cell.text) if cell.key and not _is_total(cell.key) else None
        if at_top and self.unit_open and not (self.unit and text and text.startswith(self.unit[:3])):
            # (a name that starts as the last one did is the next unit's, not the rest of it)
            joined = _join(self.unit, text)
            if joined != self.unit:
                for e in self.entries:
                    if e.unit == self.unit:
                        e.unit = joined
                self.unit = joined
        elif text is not None:
            self.unit = text
        self.unit_open = cell.row1 == self.grid_last

    def _new_amounts(self, entry: _Entry, mine: dict[str, Cell]) -> bool:
        """Printed amounts at the top of a page that differ from the row's: a new row."""
        for ro, c in mine.items():
            if ro.startswith(AMOUNT_PREFIX) and c.key and _is_amount(c.text):
                before = entry.amounts.get(ro[len(AMOUNT_PREFIX) :])
                if before is not None and _amount(c.text) != before:
                    return True
        return False

    def _row_text(self, mine: dict[str, Cell]) -> tuple[str | None, str | None]:
        name = mine.get(PROJECT) or mine.get(NAME)
        if name is None and PROJECT not in {c.role for c in self.columns}:
            name = mine.get(UNIT)
        code = mine.get(UNIT_CODE)
        return (name.text or None) if name else None, (code.key or None) if code else None

    def _start_row(self, mine: dict[str, Cell], page: int) -> None:
        name, code = self._row_text(mine)
        unit_cell = mine.get(UNIT)
        goal = mine.get(GOAL)
        targets = self._row_has_targets(mine)
        label = squash(name) or (code or "")
        if _is_total(label) or _is_total(code or "") or (unit_cell is not None and _is_total(unit_cell.key)):
            entry = self._new(page, "total")
        elif (
            not targets
            and name
            and not (goal and goal.key)
            and any(_is_amount(c.text) for ro, c in mine.items() if ro.startswith(AMOUNT_PREFIX))
        ):
            self.unit = unit_name(name)
            entry = self._new(page, "unit")
            entry.unit = self.unit
        else:
            entry = self._new(page, "project")
            if (mine.get(PROJECT) or mine.get(NAME)) is self.name_cell:
                # the merged name cell (over several amount cells, or cut by a page break)
                name = self.name_text
                self.name_entries.append(entry)
        if name is not None:
            entry.fields["project"] = name
        if goal is not None and goal.text:
            entry.fields["goal"] = goal.text
        for ro, c in mine.items():
            if ro.startswith(AMOUNT_PREFIX):
                entry.amounts[ro[len(AMOUNT_PREFIX) :]] = _amount(c.text)
        entry.cells = dict(mine)
        entry.pages.append(page)

    def _row_has_targets(self, mine: dict[str, Cell]) -> bool:
        """Some indicator cell beside the row's cells has text (a unit or total row has none)."""
        top = min(c.top for c in mine.values())
        bottom = max(c.bottom for c in mine.values())
        for col in self.columns:
            if col.role not in (IND_NAME, INDICATORS, TARGET, LEVEL1, LEVEL2):
                continue
            for c in self.grid_cells:
                inside = c.top >= top - 1 and c.bottom <= bottom + 1 and c.overlap_x(col.x0, col.x1) > 0
                if inside and c.key and c.row0 >= self.body_top:
                    return True
        return False

    def _continue_row(self, entry: _Entry, mine: dict[str, Cell], page: int) -> None:
        if (mine.get(PROJECT) or mine.get(NAME)) is self.name_cell and self.name_text is not None:
            entry.fields["project"] = self.name_text
            if entry not in self.name_entries:
                self.name_entries.append(entry)
        goal = mine.get(GOAL)
        if goal is not None:
            g = _join(entry.fields.get("goal"), goal.text or None)
            if g is not None:
                entry.fields["goal"] = g
        for ro, c in mine.items():
            if ro.startswith(AMOUNT_PREFIX):
                key = ro[len(AMOUNT_PREFIX) :]
                if entry.amounts.get(key) is None and _is_amount(c.text):
                    entry.amounts[key] = _amount(c.text)
        entry.cells = dict(mine)
        entry.pages.append(page)


def _is_total(key: str) -> bool:
    return squash(key).rstrip("：:") in _TOTAL_WORDS


def _placeholder(values: dict[str, str | None]) -> bool:
    """A row that fills its cells with 无 / 不适用 to say a category does not apply."""
    target = squash(values.get(TARGET))
    if target not in _PLACEHOLDERS:
        return False
    name = squash(values.get(IND_NAME) or values.get(INDICATORS))
    scoring = squash(values.get(SCORING))
    note = squash(values.get("note"))
    blank_name = name in _PLACEHOLDERS or name.startswith(("不适用", "不涉及", "无"))
    return (blank_name or scoring in _PLACEHOLDERS) and not note


def _title_lines(geom: PageGeometry, grids: list[Grid], top: float, bottom: float) -> list[tuple[float, str]]:
    """Lines outside the page's grids that read as a table title (泉州 prints its form titles
    above the grid), with their position."""
    inside = [(g.left - 1, g.right + 1, g.top - 1, g.bottom + 1) for g in grids]
    glyphs = [
        g
        for g in geom.glyphs
        if top <= g.yc <= bottom and not any(x0 <= g.xc <= x1 and y0 <= g.yc <= y1 for x0, x1, y0, y1 in inside)
    ]
    out: list[tuple[float, str]] = []
    lines = cluster_lines(glyphs)
    i = 0
    while i < len(lines):
        key = squash(lines[i].text)
        if i + 1 < len(lines) and not _is_title(key) and _is_title(key + squash(lines[i + 1].text)):
            key += squash(lines[i + 1].text)
            i += 1
        if _is_title(key):
            out.append((lines[i].top, key))
        i += 1
    return out


def has_indicator_grid(geom: PageGeometry, top: float = 0.0, bottom: float | None = None) -> bool:
    """Some ruled grid on the page holds an indicator header row."""
    reader = _Reader("project")
    for grid in page_grids(geom, top, bottom):
        for r, cells in enumerate(grid.rows()):
            if reader._header(cells, r):
                return True
    return False


def read_ruled(pages: list[PageGeometry], kind: str, clip: dict[int, tuple[float, float]]) -> Read | None:
    """Read a table from the ruled grids of its pages. A result with no rows means forms with
    nothing filled in (an empty template); None means no indicator grid was found at all."""
    reader = _Reader(kind)
    seen_grid = False
    for geom in pages:
        top, bottom = clip.get(geom.number, (0.0, geom.height))
        grids = page_grids(geom, top, bottom)
        events: list[tuple[float, int, str | Grid]] = [(y, 0, t) for y, t in _title_lines(geom, grids, top, bottom)]
        events += [(g.top, 1, g) for g in grids]
        first_grid = True
        for _, _, ev in sorted(events, key=lambda e: (e[0], e[1])):
            if isinstance(ev, str):
                reader.title(ev)
                continue
            reader.grid(ev, continuation=seen_grid and first_grid)
            seen_grid, first_grid = True, False
    return _build(reader, kind)


def _department_name(text: str | None) -> str | None:
    return clean_department(text) if text else None


def _kept(entry: _Entry, kind: str) -> bool:
    if entry.row_type in ("unit", "total"):
        return True
    has_targets = any(rec.get(IND_NAME) or rec.get(INDICATORS) or rec.get(TARGET) for rec in entry.indicators)
    if kind == "department":
        return has_targets or bool(entry.fields.get("goal"))
    # a form with nothing filled in (an empty template) is no project
    return has_targets or bool(entry.fields.get("project") and any(v is not None for v in entry.amounts.values()))


def _build(reader: _Reader, kind: str) -> Read | None:
    entries = [e for e in reader.entries if _kept(e, kind)]
    if not entries:
        return Read("form", None, [], [], (0, 0), (), None, []) if reader.saw_header else None
    rows: list[Row] = []
    indicators: list[Indicator] = []
    pages: list[int] = []
    keys: list[str] = []
    # the department the table names: its 部门名称 / 单位名称, else (for the document, when
    # nothing else names it) the first 主管部门 — which may be a department above this one
    # (a provincial 厅 supervising a city's project), so it is never a row's unit
    own: str | None = None
    supervisor: str | None = None
    for e in entries:
        f = e.fields
        own = own or _department_name(f.get("department"))
        supervisor = supervisor or _department_name(f.get("supervising_department"))
    dept = own or supervisor
    if kind == "department":
        entries = _one_department(entries)
    for e in entries:
        f = e.fields
        amounts: dict[str, Decimal | None] = dict.fromkeys(STANDARD_AMOUNT_KEYS)
        amounts.update(e.amounts)
        keys += [k for k in e.amounts if k not in keys]
        page = min(e.pages) if e.pages else e.page
        pages += [page, *(int(rec["page"] or page) for rec in e.indicators)]
        unit: str | None
        project: str | None
        if kind == "department":
            row = Row("department", None, None, amounts, f.get("goal"), None, True, page, tasks=e.tasks)
            row.long_term_goal = f.get("long_term_goal")
            unit = project = None
        elif e.row_type == "total":
            row = Row("total", None, None, amounts, None, None, True, page)
            unit = project = None
        elif e.row_type == "unit":
            row = Row("unit", e.unit, None, amounts, None, None, True, page)
            unit = project = None
        else:
            supervising = _department_name(f.get("supervising_department"))
            implementing = _department_name(f.get("implementing_unit"))
            code, project = split_project_code(squash(f.get("project") or _title_name(e.title) or "") or None)
            # the 实施单位 when printed, else the unit row above it, else the department (the
            # document's, filled in when the table names none)
            unit = implementing or e.unit or own
            row = Row(
                "project",
                unit,
                project,
                amounts,
                f.get("goal"),
                None,
                True,
                page,
                project_code=code,
                implementing_unit=implementing,
                supervising_department=supervising,
                long_term_goal=f.get("long_term_goal"),
            )
        rows.append(row)
        texts = [f.get("goal"), *(rec.get(IND_NAME) or rec.get(INDICATORS) or rec.get(LEVEL1) for rec in e.indicators)]
        if row.row_type == "project" and any(is_withheld(t) for t in texts):
            row.disclosed = False  # 项目信息不宜公开: the amounts are published, the targets not
            continue
        for seq, rec in enumerate(e.indicators, start=1):
            printed_page = rec.get("page")
            page_no = int(printed_page) if printed_page else None
            indicators.append(indicator_from_cells(rec, unit, project, seq, page_no))
    if reader.has_row_columns:
        layout = "long" if reader.has_levels else "list"
    else:
        layout = "form" if reader.has_levels else "list"
    return Read(layout, dept, rows, indicators, (min(pages), max(pages)), tuple(keys), reader.currency, reader.warnings)


def _one_department(entries: list[_Entry]) -> list[_Entry]:
    """A department table is one row: its forms (or a long table's unit and project rows)
    are parts of it."""
    target = next((e for e in entries if e.row_type == "project"), entries[0])
    for e in entries:
        if e is target:
            continue
        for k, v in e.amounts.items():
            if target.amounts.get(k) is None:
                target.amounts[k] = v
        for k2, v2 in e.fields.items():
            target.fields.setdefault(k2, v2)
        target.tasks += e.tasks
        target.indicators += e.indicators
        target.pages += e.pages
    if target.row_type != "project":
        target.row_type = "project"
    return [target]


def _title_name(title: str | None) -> str | None:
    """A form with no 项目名称 is named by its title without 项目绩效目标表."""
    if not title:
        return None
    t = re.sub(r"(?:项目)?(?:支出)?绩效目标(?:申报|填报)?表(?:[（(][^）)]*[)）])?$", "", squash(title))
    return t or None
