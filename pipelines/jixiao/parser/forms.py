"""The form and list families: key/value forms with an indicator grid, read from the cells
of ruled tables (:mod:`.lattice`).

One form per project (烟台, 福州, 泉州, 西安, 重庆's 表十一) or one for the department (广州's
部门整体预算绩效目标申报表, 北京's 部门整体支出绩效目标表, 重庆's 部门整体绩效目标表): label cells
(项目名称, 主管部门, 实施单位, 资金总额 …) each followed by their value, a goal, perhaps a grid of
key tasks, then a grid of indicators under a header row (一级指标 | 二级指标 | 三级指标 | 指标值 …,
or 指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重 | 是否核心 for a list). A grid whose header
also carries project columns (重庆's 表十二: 项目名称 | 金额 | 绩效目标 | 指标名称 …) gives one
project per merged project cell.

The forms of a table are read as one stream of grid rows across its pages: a form continues
over a page break (its grid goes on without a header, a merged cell's label printed on only one
of the pages), and a new form starts at its 项目名称 (or, where a form has none, at its first
label after a title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .categories import normalize_levels, read_category, split_run_together
from .errors import TextParseError
from .geometry import PageGeometry, cluster_lines
from .lattice import Cell, Grid, page_grids
from .model import STANDARD_AMOUNT_KEYS, Indicator, Row, Task
from .targets import combine_target
from .text import parse_amount, squash
from .vocabulary import (
    AMOUNT_PREFIX,
    CORE,
    DEPARTMENT_GOAL_LABELS,
    FORM_FIELDS,
    GOAL,
    IND_NAME,
    INDICATOR_PARTS,
    INDICATORS,
    LEVEL1,
    LEVEL2,
    NAME,
    NATURE,
    PERIOD_TARGET,
    PROJECT,
    SCORING,
    SEQUENCE,
    TARGET,
    TARGET_TITLE,
    VALUE_TYPE,
    VALUE_UNIT,
    WEIGHT,
    amount_key,
    column_role,
)

_LABEL_TAIL = re.compile(r"(?:[（(][^）)]{0,12}[)）]|及代码|[:：])+$")
_CODE_PREFIX = re.compile(r"^[\dA-Za-z]{2,}[_\-－—\s:：]+")
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
)
#: Header words of a grid of key tasks (年度重点工作任务 / 年度主要任务).
_TASK_NAME = ("任务名称", "名称")
_TASK_CONTENT = ("主要实施内容", "主要内容", "实施内容")
_TASK_AMOUNT = ("拟投入的资金", "预算金额", "总额", "金额")
_TASK_GOAL = ("期望达到的目标", "预期目标", "目标")
_PROJECT_ROLES = {PROJECT, NAME, GOAL, SEQUENCE}


def _label_text(key: str) -> str:
    return _LABEL_TAIL.sub("", key)


def field_of(key: str, kind: str) -> str | None:
    """The form field a label cell names (项目名称 → project), or None."""
    text = _label_text(key)
    if not text or len(text) > 16:
        return None
    if kind == "department" and any(text == g or text == "年度" + g for g in DEPARTMENT_GOAL_LABELS):
        return "goal"
    if text in ("年度总体目标",):
        return "goal" if kind == "department" else "long_term_goal"
    for name, labels in FORM_FIELDS:
        if any(text == lab or (text.startswith(lab) and len(text) <= len(lab) + 4) for lab in labels):
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
    t = squash(text).rstrip("万元").rstrip("元")
    try:
        return parse_amount(t)
    except TextParseError:
        return None


@dataclass
class _Column:
    role: str
    x0: float
    x1: float


@dataclass
class _Form:
    page: int
    title: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    amounts: dict[str, Decimal | None] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    indicators: list[dict[str, str | None]] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    last_field: str | None = None

    def empty(self) -> bool:
        return not self.fields and not self.indicators and not any(v is not None for v in self.amounts.values())


@dataclass
class FormRead:
    layout: str
    rows: list[Row]
    indicators: list[Indicator]
    pages: tuple[int, int]
    amount_keys: tuple[str, ...]
    currency_hint: str | None
    warnings: list[str]


class _Reader:
    """The state of one table's stream of grid rows."""

    def __init__(self, kind: str, department: str | None) -> None:
        self.kind = kind
        self.department = department
        self.forms: list[_Form] = []
        self.form: _Form | None = None
        self.columns: list[_Column] = []  # the indicator grid's columns
        self.task_columns: dict[str, tuple[float, float]] | None = None
        self.pending_title: str | None = None
        self.pending_label: str | None = None
        self.currency: str | None = None
        self.levels: dict[str, str | None] = {}  # the level cells last read (carried over page breaks)
        self.level_cells: dict[str, Cell] = {}
        self.open_levels: list[dict[str, str | None]] = []  # indicators whose level cells run past a page's end
        self.has_levels = False
        self.project_cell: Cell | None = None
        self.header_cells: list[Cell] = []
        self.saw_header = False  # the labelled cells of the grid being read
        self.warnings: list[str] = []

    # ------------------------------------------------------------ forms

    def _new_form(self, page: int) -> _Form:
        self.form = _Form(page, title=self.pending_title)
        self.forms.append(self.form)
        self.pending_title = None
        self.columns = []
        self.task_columns = None
        self.levels = {}
        self.open_levels = []
        self.project_cell = None
        return self.form

    def _current(self, page: int) -> _Form:
        return self.form if self.form is not None else self._new_form(page)

    def title(self, key: str) -> None:
        if _YEAR_LINE.match(key):
            return
        self.pending_title = key

    # ------------------------------------------------------------ rows

    def grid(self, grid: Grid, continuation: bool) -> None:
        rows = grid.rows()
        last = len(rows) - 1
        for r, cells in enumerate(rows):
            fresh = [c for c in cells if c.row0 == r]
            self.row(grid, r, cells, fresh, at_top=(r == 0 and continuation), at_bottom=(r == last))

    def row(self, grid: Grid, r: int, cells: list[Cell], fresh: list[Cell], *, at_top: bool, at_bottom: bool) -> None:
        texts = [c for c in fresh if c.key]
        if not texts and not self.columns:
            return
        page = grid.page
        width = grid.right - grid.left
        if len(texts) == 1 and texts[0].x1 - texts[0].x0 >= 0.8 * width and _is_title(texts[0].key):
            self.title(texts[0].key)
            return
        header = self._header(fresh)
        if header:
            self._set_columns(header, cells, page)
            return
        if self._task_header(fresh, cells, grid, r):
            return
        if self.task_columns is not None and self._task_row(fresh, page):
            return
        if self._fields(cells, fresh, page, at_top):
            return
        if self.columns:
            self._indicator(grid, r, cells, fresh, page, at_top=at_top, at_bottom=at_bottom)

    def _header(self, fresh: list[Cell]) -> list[tuple[str, Cell]]:
        """The cells of an indicator grid's header row (single-row cells that name parts)."""
        out = []
        for c in fresh:
            if c.row0 != c.row1:
                continue
            role = column_role(c.key)
            if (
                role in INDICATOR_PARTS
                or role == INDICATORS
                or (role in _PROJECT_ROLES)
                or (role and role.startswith(AMOUNT_PREFIX))
            ):
                out.append((role, c))
        roles = {r for r, _ in out}
        # an indicator grid names its indicators (or their levels) and their target value
        if len(out) >= 2 and TARGET in roles and roles & {IND_NAME, INDICATORS, LEVEL1, LEVEL2}:
            return out
        return []

    def _set_columns(self, header: list[tuple[str, Cell]], cells: list[Cell], page: int) -> None:
        form = self._current(page)
        project_cols = any(role in _PROJECT_ROLES or role.startswith(AMOUNT_PREFIX) for role, _ in header)
        if project_cols and (form.indicators or form.fields.get("project")):
            form = self._new_form(page)
        self.columns = [_Column(role, c.x0, c.x1) for role, c in header]
        self.saw_header = True
        self.has_levels = self.has_levels or any(c.role in (LEVEL1, LEVEL2, INDICATORS) for c in self.columns)
        self.task_columns = None
        self.pending_label = None
        form.last_field = None

    def _task_header(self, fresh: list[Cell], cells: list[Cell], grid: Grid, r: int) -> bool:
        keys = {c.key: c for c in cells if c.key}
        name = next((c for k, c in keys.items() if k in _TASK_NAME), None)
        content = next((c for k, c in keys.items() if any(k.startswith(w) for w in _TASK_CONTENT)), None)
        if name is None or content is None or not any(c.key in (name.key, content.key) for c in fresh):
            return False
        cols: dict[str, tuple[float, float]] = {"name": (name.x0, name.x1), "content": (content.x0, content.x1)}
        # the amount and goal columns: the lowest header cells to the right (a two-level
        # header prints 总额 | 财政拨款 | 其他资金 under 预算金额)
        below = grid.rows()[r + 1] if r + 1 < len(grid.rows()) else []
        for c in sorted({*cells, *below}, key=lambda c: (c.x0, -c.row0)):
            if c.x0 < content.x1 - 1:
                continue
            k = _label_text(c.key)
            if "amount" not in cols and any(k.startswith(w) for w in _TASK_AMOUNT):
                cols["amount"] = (c.x0, c.x1)
            elif "goal" not in cols and any(k.startswith(w) for w in _TASK_GOAL):
                cols["goal"] = (c.x0, c.x1)
            elif k in ("财政拨款", "其他资金", "总额"):
                cols["amount:" + (amount_key(k) or "total")] = (c.x0, c.x1)
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
        form = self._current(page)
        if name and squash(name) in ("金额合计", "合计", "总计"):
            for key in ("total", "fiscal_appropriation", "other_funds"):
                span_key = "amount:" + key if key != "total" else "amount:total"
                if span_key in cols:
                    text = at(span_key)
                    form.amounts[key] = _amount(text)
                elif key == "total" and "amount" in cols:
                    form.amounts["total"] = _amount(at("amount"))
            return True
        if labels and not name:
            self.task_columns = None
            return False
        if labels and any(c.x0 <= cols["name"][0] + 1 for c in labels):
            self.task_columns = None
            return False
        amount_text = at("amount") or at("amount:total")
        content, goal = at("content"), at("goal")
        if name or content:
            form.tasks.append(Task(name, content, _amount(amount_text), goal))
        return True

    def _fields(self, cells: list[Cell], fresh: list[Cell], page: int, at_top: bool) -> bool:
        """Label/value pairs in a row. Returns False when the row holds none."""
        ordered = sorted(fresh, key=lambda c: c.x0)
        labelled: list[tuple[str, str, Cell]] = []  # (kind of label, key, cell)
        for c in ordered:
            if not c.key:
                continue
            f = field_of(c.key, self.kind)
            if f is not None:
                labelled.append(("field", f, c))
                continue
            a = _amount_label(c.key)
            if a is not None:
                labelled.append(("amount", a, c))
                continue
            if _is_ignored(c.key):
                labelled.append(("ignore", "", c))
        # a group label merged over rows (项目资金（万元）) says the currency
        for c in cells:
            m = _CURRENCY.search(c.key)
            if m and len(c.key) <= 16:
                self.currency = self.currency or m.group(1)
        if not labelled:
            return self._continued(ordered, page, at_top)
        form = self._current(page)
        if any(kind == "field" and f in ("project", "department") for kind, f, _ in labelled):
            if (
                form.fields.get("project")
                or form.indicators
                or (self.kind == "project" and form.fields.get("department"))
            ):
                form = self._new_form(page)
        elif (
            form.indicators
            and self.kind == "project"
            and (self.pending_title or any(k == "amount" for k, _, _ in labelled))
        ):
            form = self._new_form(page)  # a form without 项目名称 (泉州): its title, then its funds
        self.columns = [] if self.columns and not form.indicators else self.columns
        self.pending_title = None
        form.pages.append(page)
        values = [c for c in ordered if c.key and not any(c is x for _, _, x in labelled)]
        self.pending_label = None
        for i, (kind, name, cell) in enumerate(labelled):
            nxt = labelled[i + 1][2].x0 if i + 1 < len(labelled) else float("inf")
            mine = [v for v in values if cell.x1 - 1 <= v.x0 < nxt]
            text = "".join(v.text for v in mine) or None
            if kind == "ignore":
                continue
            if kind == "amount":
                if text is not None and _amount(text) is None and not self._amount_header(cells, labelled):
                    continue
                if text is None and name not in form.amounts:
                    form.amounts[name] = None
                elif text is not None:
                    form.amounts[name] = _amount(text)
                continue
            if text is None:
                self.pending_label = name
                continue
            form.fields[name] = text
            form.last_field = name
        if self._amount_header(cells, labelled):
            self.pending_label = None
        return True

    def _amount_header(self, cells: list[Cell], labelled: list[tuple[str, str, Cell]]) -> bool:
        """A row of amount headings with the figures in the rows below (北京's 总体资金情况)."""
        return sum(1 for k, _, _ in labelled if k == "amount") >= 2 and all(
            not _amount_text(c.text) for c in cells if c.key and not any(c is x for _, _, x in labelled)
        )

    def _continued(self, ordered: list[Cell], page: int, at_top: bool) -> bool:
        """A row without labels: the value of a label printed alone on the row above
        (当年整体绩效目标), figures under amount headings, or the rest of a value cut by a
        page break."""
        form = self.form
        texts = [c for c in ordered if c.key]
        if form is None or not texts:
            return False
        if self.pending_label is not None and not self.columns:
            form.fields[self.pending_label] = "".join(c.text for c in texts)
            form.last_field, self.pending_label = self.pending_label, None
            return True
        if all(_amount_text(c.text) for c in texts) and not self.columns:
            return self._figures(texts, form)
        if at_top and form.last_field and not self.columns and self.task_columns is None:
            form.fields[form.last_field] += "".join(c.text for c in texts)
            return True
        return False

    def _figures(self, texts: list[Cell], form: _Form) -> bool:
        """Figures under a (two-level) row of amount headings: each takes the headings above it."""
        grid_cells = self.header_cells
        taken = False
        for c in texts:
            chain = [h for h in grid_cells if h.bottom <= c.top + 1 and h.overlap_x(c.x0, c.x1) > 0.5 * (c.x1 - c.x0)]
            chain.sort(key=lambda h: h.top)
            keys = [k for k in (_amount_label(h.key) for h in chain) if k]
            leaf = _label_text(chain[-1].key) if chain else ""
            if not keys:
                continue
            sources = [k for k in keys if k not in ("total", "basic_expenditure", "project_expenditure")]
            if sources:
                if leaf in ("合计", "总计", "小计") or len(keys) == 1:
                    form.amounts[sources[0]] = _amount(c.text)
                    taken = True
                continue
            form.amounts[keys[0]] = _amount(c.text)
            taken = True
        return taken

    # ------------------------------------------------------------ indicators

    def _cell_at(self, cells: list[Cell], col: _Column) -> Cell | None:
        best, share = None, 0.0
        width = col.x1 - col.x0
        for c in cells:
            o = c.overlap_x(col.x0, col.x1) / width if width > 0 else 0.0
            if o > share:
                best, share = c, o
        return best if share >= 0.5 else None

    def _indicator(
        self, grid: Grid, r: int, cells: list[Cell], fresh: list[Cell], page: int, *, at_top: bool, at_bottom: bool
    ) -> None:
        form = self._current(page)
        by_role: dict[str, Cell] = {}
        for col in self.columns:
            c = self._cell_at(cells, col)
            if c is not None and col.role not in by_role:
                by_role[col.role] = c
        if self._project_columns():
            self._project_from(by_role, form, page)
            form = self.form or form
        key_role = next((ro for ro in (IND_NAME, INDICATORS, TARGET) if ro in by_role), None)
        if key_role is None or by_role[key_role].row0 != r:
            return
        values = {role: (c.text or None) for role, c in by_role.items()}
        if not any(values.get(ro) for ro in (IND_NAME, INDICATORS, TARGET, PERIOD_TARGET)):
            return  # a placeholder row: a level label and nothing else
        record: dict[str, str | None] = {"page": str(page)}
        for role in INDICATOR_PARTS:
            if role in values:
                record[role] = values[role]
        if INDICATORS in values:
            record[INDICATORS] = values[INDICATORS]
        for role in (LEVEL1, LEVEL2):
            c = by_role.get(role)
            if c is None:
                continue
            text = c.key or None
            if at_top and c.row0 == 0 and role in self.levels:
                prev = self.levels.get(role)
                if text is None:
                    text = prev
                elif prev and not read_category(text) and read_category(prev + text):
                    text = prev + text
            record[role] = text
            self.levels[role] = text
        form.indicators.append(record)
        # level cells that run to the bottom of the page continue on the next: an empty one
        # takes the label the next page prints
        if any(by_role.get(ro) is not None and by_role[ro].row1 == len(grid.ys) - 2 for ro in (LEVEL1, LEVEL2)):
            self.open_levels.append(record)
        else:
            self.open_levels = []
        if at_top:
            self._close_levels(record)

    def _close_levels(self, first: dict[str, str | None]) -> None:
        for rec in self.open_levels:
            if rec is first:
                continue
            for role in (LEVEL1, LEVEL2):
                if not rec.get(role) and first.get(role):
                    rec[role] = first[role]
        self.open_levels = []

    def _project_columns(self) -> bool:
        return any(c.role in (PROJECT, NAME) for c in self.columns)

    def _project_from(self, by_role: dict[str, Cell], form: _Form, page: int) -> None:
        """A list whose rows carry their project (重庆's 表十二): a new project cell starts a project."""
        cell = by_role.get(PROJECT) or by_role.get(NAME)
        if cell is None or cell is self.project_cell or not cell.key:
            return
        if self.project_cell is not None and (form.indicators or form.fields.get("project")):
            columns = self.columns
            form = self._new_form(page)
            self.columns = columns
        self.project_cell = cell
        form.fields["project"] = cell.text
        form.pages.append(page)
        if GOAL in by_role:
            form.fields["goal"] = by_role[GOAL].text
        for col in self.columns:
            if col.role.startswith(AMOUNT_PREFIX):
                c = self._cell_at([x for x in by_role.values()], col) or self._cell_from(by_role, col)
                if c is not None:
                    form.amounts[col.role[len(AMOUNT_PREFIX) :]] = _amount(c.text)

    def _cell_from(self, by_role: dict[str, Cell], col: _Column) -> Cell | None:
        return by_role.get(col.role)


def _amount_text(text: str) -> bool:
    t = squash(text).rstrip("万元").rstrip("元")
    try:
        return parse_amount(t) is not None
    except TextParseError:
        return False


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


def read_forms(
    pages: list[PageGeometry], kind: str, department: str | None, clip: dict[int, tuple[float, float]]
) -> FormRead | None:
    """Read the forms of a table from its pages. A table with no rows means forms with
    nothing filled in (an empty template); None means no form was recognised at all."""
    reader = _Reader(kind, department)
    seen_grid = False
    for geom in pages:
        top, bottom = clip.get(geom.number, (0.0, geom.height))
        grids = page_grids(geom, top, bottom)
        events: list[tuple[float, int, object]] = [(y, 0, t) for y, t in _title_lines(geom, grids, top, bottom)]
        events += [(g.top, 1, g) for g in grids]
        for _, _, ev in sorted(events, key=lambda e: (e[0], e[1])):
            if isinstance(ev, str):
                reader.title(ev)
                continue
            assert isinstance(ev, Grid)
            reader.header_cells = [c for c in ev.cells if c.key]
            reader.grid(ev, continuation=seen_grid and ev is grids[0])
            seen_grid = True
    return _build(reader, kind, department)


def _split_code(name: str) -> tuple[str | None, str]:
    m = _CODE_PREFIX.match(name)
    if m and re.search(r"\d{6,}", m.group(0)):
        return m.group(0).rstrip("_-－— :："), name[m.end() :]
    return None, name


def _department_name(text: str | None) -> str | None:
    if not text:
        return None
    return _CODE_PREFIX.sub("", squash(text)) or None


def _build(reader: _Reader, kind: str, department: str | None) -> FormRead | None:
    rows: list[Row] = []
    indicators: list[Indicator] = []
    pages: list[int] = []
    keys: list[str] = []
    dept = department
    for form in reader.forms:
        if not form.indicators and not form.fields.get("project") and kind == "project":
            continue
        if not any((rec.get(IND_NAME) or rec.get(INDICATORS) or rec.get(TARGET)) for rec in form.indicators) and not (
            form.fields.get("project") and any(v is not None for v in form.amounts.values())
        ):
            continue  # an empty template
        f = form.fields
        supervising = _department_name(f.get("supervising_department"))
        dept = dept or _department_name(f.get("department")) or supervising
        amounts: dict[str, Decimal | None] = dict.fromkeys(STANDARD_AMOUNT_KEYS)
        amounts.update(form.amounts)
        keys += [k for k in form.amounts if k not in keys]
        page = min(form.pages) if form.pages else form.page
        pages += form.pages or [form.page]
        pages += [int(rec["page"] or page) for rec in form.indicators]
        if kind == "department":
            row = Row("department", None, None, amounts, f.get("goal"), None, True, page, tasks=form.tasks)
            row.long_term_goal = f.get("long_term_goal")
            unit = project = None
        else:
            name = f.get("project") or _title_name(form.title)
            code, name = _split_code(squash(name)) if name else (None, None)
            implementing = _department_name(f.get("implementing_unit"))
            unit = implementing or dept or supervising
            project = name
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
        for seq, rec in enumerate(form.indicators, start=1):
            indicators.append(_indicator(rec, unit, project, seq))
    if not rows:
        # a form with its indicator header but nothing filled in (an empty template) is no
        # table; a grid with no form structure at all is not understood
        recognised = reader.saw_header
        return FormRead("form", [], [], (0, 0), (), None, []) if recognised else None
    layout = "form" if reader.has_levels else "list"
    return FormRead(layout, rows, indicators, (min(pages), max(pages)), tuple(keys), reader.currency, reader.warnings)


def _title_name(title: str | None) -> str | None:
    """A form with no 项目名称 is named by its title without 项目绩效目标表."""
    if not title:
        return None
    t = re.sub(r"(?:项目)?(?:支出)?绩效目标(?:申报|填报)?表(?:[（(][^）)]*[)）])?$", "", squash(title))
    return t or None


def _indicator(rec: dict[str, str | None], unit: str | None, project: str | None, seq: int) -> Indicator:
    l1, l2, name = rec.get(LEVEL1), rec.get(LEVEL2), rec.get(IND_NAME)
    if rec.get(INDICATORS) and not name:
        l1, l2, name = split_run_together(squash(rec[INDICATORS] or ""))
        name = rec[INDICATORS] if name is None else name
    level1, level2 = normalize_levels(l1, l2)
    annual = _clean(rec.get(TARGET))
    comparison = rec.get(NATURE) or rec.get(VALUE_TYPE)
    target = combine_target(annual, comparison, rec.get(VALUE_UNIT))
    weight = _amount(rec.get(WEIGHT))
    core_text = squash(rec.get(CORE))
    core = True if core_text in ("是", "Y", "√") else False if core_text in ("否", "N") else None
    return Indicator(
        unit,
        project,
        seq,
        level1,
        level2,
        name,
        _clean(rec.get(PERIOD_TARGET)),
        annual,
        target.op,
        target.value,
        target.unit,
        int(rec["page"]) if rec.get("page") else None,
        nature=rec.get(NATURE),
        weight=weight,
        core=core,
        scoring_rule=rec.get(SCORING),
        value_type=rec.get(VALUE_TYPE),
    )


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    t = text.strip()
    while t and t[-1] in "。；;":
        t = t[:-1]
    return t or None
