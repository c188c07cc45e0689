"""Rendering synthetic budgets as PDFs the way publishers do, with the truth beside.

Knobs cover the published variety: compact or long layout, ruled (drawn as lines,
rectangles or filled bars) or unruled grids, header repeated or not, rows broken
across pages, portrait or landscape, indents by full-width or ASCII spaces, thousands
separators, empty or ``0.00`` zero cells, cells aligned top or middle, footers, column
sets, 万元 or 元, title forms, and a full 部门预算 around the table or the table alone.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from jixiao.parser.model import AMOUNT_LABELS

from .content import SynthBudget, SynthProject, SynthUnit

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

AMOUNT_HEADERS = AMOUNT_LABELS  # the column headings tables print


@dataclass(frozen=True)
class Knobs:
    layout: str = "compact"  # compact | long
    grid: str = "ruled"  # ruled | open
    rule_mode: str = "line"  # line | rect | fill
    header_repeat: bool = True
    row_split: bool = False
    orientation: str = "landscape"  # landscape | portrait
    indent: str = "fullwidth"  # fullwidth | ascii
    thousands: bool = True
    zero: str = "empty"  # empty | zeros
    document: str = "table_only"  # table_only | full
    valign: str = "middle"  # middle | top
    footer: str = "dash"  # dash | page | plain | none
    currency: str = "万元"  # 万元 | 元
    title: str = "std"  # std | year | dept
    attach_label: bool = True
    long_total: bool = True
    trailing: bool = False
    size: float = 8.0
    nested: bool = False  # 一般公共预算 / 政府性基金 under a spanning 财政拨款 label
    filler_pages: int = 0  # extra narrative pages before the tables (long documents)
    misprint: bool = False  # the 合计 printed 1.00 too high: the table does not reconcile

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Cell:
    lines: list[str]
    align: str = "left"  # left | right | center


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy wrap, character by character, to ``width`` points."""
    if not text:
        return []
    lines: list[str] = []
    cur = ""
    for ch in text:
        if cur and pdfmetrics.stringWidth(cur + ch, FONT, size) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def fmt_amount(v: Decimal | None, knobs: Knobs, *, scale: int = 1) -> str:
    if v is None:
        return "0.00" if knobs.zero == "zeros" else ""
    v = v * scale
    return f"{v:,.2f}" if knobs.thousands else f"{v:.2f}"


@dataclass
class Truth:
    document: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "rows": self.rows, "indicators": self.indicators}


class Doc:
    """A canvas with top-down coordinates and page bookkeeping."""

    def __init__(self, buf: io.BytesIO, knobs: Knobs) -> None:
        self.knobs = knobs
        self.c = Canvas(buf, pageCompression=1, invariant=1)
        self.page = 0
        self.w, self.h = A4
        self.numbered_from = 1

    def new_page(self, size: tuple[float, float]) -> None:
        if self.page:
            self._footer()
            self.c.showPage()
        self.page += 1
        self.w, self.h = size
        self.c.setPageSize(size)

    def finish(self) -> None:
        self._footer()
        self.c.showPage()
        self.c.save()

    def _footer(self) -> None:
        n = self.page - self.numbered_from + 1
        if n < 1 or self.knobs.footer == "none":
            return
        text = {"dash": f"— {n} —", "page": f"第 {n} 页", "plain": str(n)}[self.knobs.footer]
        self.text(text, self.w / 2, self.h - 30, 9, "center")

    def text(self, s: str, x: float, top: float, size: float, align: str = "left") -> None:
        self.c.setFont(FONT, size)
        y = self.h - top - size * 0.88
        if align == "center":
            self.c.drawCentredString(x, y, s)
        elif align == "right":
            self.c.drawRightString(x, y, s)
        else:
            self.c.drawString(x, y, s)

    def hline(self, x0: float, x1: float, top: float) -> None:
        mode = self.knobs.rule_mode
        if mode == "fill":
            self.c.rect(x0, self.h - top - 0.25, x1 - x0 + 0.5, 0.5, stroke=0, fill=1)
        else:
            self.c.setLineWidth(0.5)
            self.c.line(x0, self.h - top, x1, self.h - top)

    def vline(self, x: float, top: float, bottom: float) -> None:
        mode = self.knobs.rule_mode
        if mode == "fill":
            self.c.rect(x - 0.25, self.h - bottom, 0.5, bottom - top, stroke=0, fill=1)
        else:
            self.c.setLineWidth(0.5)
            self.c.line(x, self.h - top, x, self.h - bottom)

    def box(self, x0: float, top: float, x1: float, bottom: float) -> None:
        if self.knobs.rule_mode == "rect":
            self.c.setLineWidth(0.5)
            self.c.rect(x0, self.h - bottom, x1 - x0, bottom - top, stroke=1, fill=0)
            return
        self.hline(x0, x1, top)
        self.hline(x0, x1, bottom)
        self.vline(x0, top, bottom)
        self.vline(x1, top, bottom)


# ---------------------------------------------------------------- geometry

PAD_X = 2.5
PAD_Y = 3.6
LEFT = 30.0


def _widths(knobs: Knobs, n_amounts: int, long: bool, page_w: float, widest: float) -> list[float]:
    usable = page_w - 2 * LEFT
    amount_w = max(50.0 if knobs.orientation == "landscape" else 40.0, widest + 2 * PAD_X + 3)
    if long:
        base = (
            [70, 100, 50, 190, 55, 55, 130, 130]
            if knobs.orientation == "landscape"
            else [50, 58, 50, 115, 43, 43, 100, 75]
        )
        base[2] = max(base[2], amount_w * sum(base) / usable)
        return [w * usable / sum(base) for w in base]
    name_w = 118.0 if knobs.orientation == "landscape" else 88.0
    rest = usable - name_w - amount_w * n_amounts
    return [name_w] + [amount_w] * n_amounts + [rest * 0.43, rest * 0.57]


def _page_size(knobs: Knobs) -> tuple[float, float]:
    return landscape(A4) if knobs.orientation == "landscape" else A4


# ---------------------------------------------------------------- the table


@dataclass
class _Merged:
    """A merged cell (the unit's) being drawn page part by page part."""

    lines: list[str]
    top: float
    drawn: bool = False


@dataclass
class _LongProject:
    p: SynthProject
    rows: list[tuple[Any, list[Cell]]]
    heights: list[float]
    name: list[str]  # lines still to draw
    goal: list[str]
    amount: Cell
    top: float = 0.0
    first: bool = True


class TableWriter:
    def __init__(self, doc: Doc, budget: SynthBudget, knobs: Knobs) -> None:
        self.doc = doc
        self.b = budget
        self.k = knobs
        self.size = knobs.size
        self.lead = knobs.size * 1.32
        self.scale = 10000 if knobs.currency == "元" else 1
        self.truth_rows: list[dict[str, Any]] = []
        self.truth_inds: list[dict[str, Any]] = []
        self.first_page = 0
        self.last_page = 0
        self.y = self.page_top = 0.0

    # -- common
    def printed_total(self, key: str) -> Decimal | None:
        """The 合计 row as printed (off by 1.00 when the knob asks for a misprint)."""
        v = self.b.total(key)
        if self.k.misprint and key == "total" and v is not None:
            return v + Decimal("1.00")
        return v

    def amount_keys(self) -> list[str]:
        return ["total", *self.b.sources]

    def truth_amounts(self, get) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
        out: dict[str, str | None] = {
            k: None for k in ("total", "fiscal_appropriation", "fiscal_special_account", "other_funds")
        }
        for k in self.amount_keys():
            v = get(k)
            if v is None:
                out[k] = "0.00" if self.k.zero == "zeros" else None
            else:
                out[k] = f"{v * self.scale:.2f}"
        if self.k.layout == "long":
            out = {k: (out[k] if k == "total" else None) for k in out}
        return out

    def title_block(self) -> float:
        d, k = self.doc, self.k
        top = 42.0
        if k.attach_label:
            d.text("附件2", 40, top, 10)
        title = {
            "std": "项目支出绩效目标表（含转移支付项目）",
            "year": f"{self.b.year}年项目支出绩效目标表",
            "dept": f"{self.b.department}{self.b.year}年项目支出绩效目标表",
        }[k.title]
        d.text(title, d.w / 2, 66, 16, "center")
        d.text(f"部门名称：{self.b.department}", LEFT, 95, 10)
        d.text(f"单位：{k.currency}", d.w - LEFT, 95, 10, "right")
        return 110.0

    def start_page(self, first: bool) -> float:
        self.doc.new_page(_page_size(self.k))
        if not self.first_page:
            self.first_page = self.doc.page
        top = self.title_block() if first else 40.0
        if first or self.k.header_repeat:
            top = self.header(top)
        return top

    def bottom_limit(self) -> float:
        return self.doc.h - 50

    def draw_cell(self, cell: Cell, x0: float, x1: float, top: float, bottom: float, valign: str) -> None:
        if not cell.lines:
            return
        h = len(cell.lines) * self.lead
        y = top + PAD_Y if valign == "top" else (top + bottom - h) / 2 + (self.lead - self.size) / 2
        for ln in cell.lines:
            if cell.align == "right":
                self.doc.text(ln, x1 - PAD_X, y, self.size, "right")
            elif cell.align == "center":
                self.doc.text(ln, (x0 + x1) / 2, y, self.size, "center")
            else:
                self.doc.text(ln, x0 + PAD_X, y, self.size)
            y += self.lead

    # -- header
    def header(self, top: float) -> float:
        d = self.doc
        xs = self.xs
        if self.k.layout == "compact":
            labels = (
                ["项目名称（资金使用单位）"]
                + [AMOUNT_HEADERS[k] for k in self.amount_keys()]
                + ["绩效目标", "绩效指标"]
            )
            cells = [
                Cell(wrap(lbl, xs[i + 1] - xs[i] - 2 * PAD_X, self.size), "center") for i, lbl in enumerate(labels)
            ]
            h = max(len(c.lines) for c in cells) * self.lead + 2 * PAD_Y + 4
            nested = (
                [i for i, lbl in enumerate(labels) if lbl in ("一般公共预算", "政府性基金")] if self.k.nested else []
            )
            if len(nested) == 2:
                h1 = self.lead + 2 * PAD_Y
                h = max(h, h1 + max(len(cells[i].lines) for i in nested) * self.lead + 2 * PAD_Y)
                a, b = xs[nested[0]], xs[nested[1] + 1]
                self.draw_cell(Cell(["财政拨款"], "center"), a, b, top, top + h1, "middle")
                if self.k.grid == "ruled":
                    d.box(a, top, b, top + h1)
            for i, c in enumerate(cells):
                ctop = top + (self.lead + 2 * PAD_Y if i in nested and len(nested) == 2 else 0)
                self.draw_cell(c, xs[i], xs[i + 1], ctop, top + h, "middle")
                if self.k.grid == "ruled":
                    d.box(xs[i], ctop, xs[i + 1], top + h)
            if self.k.grid == "open":
                d.box(xs[0], top, xs[-1], top + h)
            return top + h
        unit_label = f"金额（{self.k.currency}）"
        spans = ["单位名称", "项目名称", unit_label, "年度目标"]
        subs = ["一级指标", "二级指标", "三级指标", "指标值"]
        h1 = self.lead + 2 * PAD_Y
        h = 2 * h1 + 2
        for i, lbl in enumerate(spans):
            c = Cell(wrap(lbl, xs[i + 1] - xs[i] - 2 * PAD_X, self.size), "center")
            self.draw_cell(c, xs[i], xs[i + 1], top, top + h, "middle")
            if self.k.grid == "ruled":
                d.box(xs[i], top, xs[i + 1], top + h)
        self.draw_cell(Cell(["绩效指标"], "center"), xs[4], xs[8], top, top + h1, "middle")
        for j, lbl in enumerate(subs):
            self.draw_cell(Cell([lbl], "center"), xs[4 + j], xs[5 + j], top + h1, top + h, "middle")
            if self.k.grid == "ruled":
                d.box(xs[4 + j], top + h1, xs[5 + j], top + h)
        if self.k.grid == "ruled":
            d.box(xs[4], top, xs[8], top + h1)
        else:
            d.box(xs[0], top, xs[-1], top + h)
        return top + h

    def frame(self, top: float, bottom: float) -> None:
        if self.k.grid == "open":
            self.doc.vline(self.xs[0], top, bottom)
            self.doc.vline(self.xs[-1], top, bottom)
            self.doc.hline(self.xs[0], self.xs[-1], bottom)

    # -- compact
    def compact_rows(self) -> list[tuple[dict[str, Any], list[Cell]]]:
        xs, size = self.xs, self.size
        indent = "\u3000\u3000" if self.k.indent == "fullwidth" else "    "
        keys = self.amount_keys()

        def cells(name: str, get, goal: str | None, inds: str | None) -> list[Cell]:  # type: ignore[no-untyped-def]
            out = [Cell(wrap(name, xs[1] - xs[0] - 2 * PAD_X, size), "center" if name == "合计" else "left")]
            for k in keys:
                s = fmt_amount(get(k), self.k, scale=self.scale)
                out.append(Cell([s] if s else [], "right"))
            n = len(keys)
            out.append(Cell(wrap(goal or "", xs[n + 2] - xs[n + 1] - 2 * PAD_X, size)))
            out.append(Cell(wrap(inds or "", xs[n + 3] - xs[n + 2] - 2 * PAD_X, size)))
            return out

        rows: list[tuple[dict[str, Any], list[Cell]]] = []
        b = self.b
        rows.append(
            (
                {
                    "row_type": "total",
                    "unit": None,
                    "project": None,
                    "amounts": self.truth_amounts(self.printed_total),
                    "goal": None,
                    "indicators_raw": None,
                    "disclosed": True,
                },
                cells("合计", self.printed_total, None, None),
            )
        )
        for u in b.units:
            get_u = lambda key, u=u: b.unit_total(u, key)  # noqa: E731
            rows.append(
                (
                    {
                        "row_type": "unit",
                        "unit": u.name,
                        "project": None,
                        "amounts": self.truth_amounts(get_u),
                        "goal": None,
                        "indicators_raw": None,
                        "disclosed": True,
                    },
                    cells(u.name, get_u, None, None),
                )
            )
            for p in u.projects:
                raw = p.indicator_cell()
                rows.append(
                    (
                        {
                            "row_type": "project",
                            "unit": u.name,
                            "project": p.name,
                            "amounts": self.truth_amounts(p.amounts.get),
                            "goal": p.goal,
                            "indicators_raw": raw,
                            "disclosed": p.disclosed,
                            "_p": p,
                        },
                        cells(indent + p.name, p.amounts.get, p.goal, raw),
                    )
                )
        return rows

    def draw_compact_row(self, cells: list[Cell], top: float, bottom: float, valign: str) -> None:
        for i, c in enumerate(cells):
            self.draw_cell(c, self.xs[i], self.xs[i + 1], top, bottom, valign)
            if self.k.grid == "ruled":
                self.doc.box(self.xs[i], top, self.xs[i + 1], bottom)

    def write_compact(self) -> None:
        y = self.start_page(first=True)
        page_top = y
        for truth, cells in self.compact_rows():
            h = max(len(c.lines) for c in cells) * self.lead + 2 * PAD_Y
            room = self.bottom_limit() - y
            if h > room:
                fit = int((room - 2 * PAD_Y) / self.lead)
                if (self.k.row_split or h > self.bottom_limit() - 150) and fit >= 2:
                    first = [Cell(c.lines[:fit], c.align) for c in cells]
                    rest = [Cell(c.lines[fit:], c.align) for c in cells]
                    self.draw_compact_row(first, y, self.bottom_limit(), "top")
                    self._record(truth, self.doc.page)
                    self.frame(page_top, self.bottom_limit())
                    y = page_top = self.start_page(first=False)
                    h2 = max(len(c.lines) for c in rest) * self.lead + 2 * PAD_Y
                    self.draw_compact_row(rest, y, y + h2, "top")
                    y += h2
                    continue
                self.frame(page_top, y)
                y = page_top = self.start_page(first=False)
            self.draw_compact_row(cells, y, y + h, self.k.valign)
            self._record(truth, self.doc.page)
            y += h
        self.frame(page_top, y)
        self.last_page = self.doc.page

    def _record(self, truth: dict[str, Any], page: int) -> None:
        p: SynthProject | None = truth.pop("_p", None)
        truth["page"] = page
        self.truth_rows.append(truth)
        if p is not None and p.disclosed:
            for i in p.indicators:
                self.truth_inds.append(self._ind_truth(p, i, page))

    def _ind_truth(self, p: SynthProject, i, page: int, long: bool = False) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        return {
            "unit": p.unit,
            "project": p.name,
            "seq": i.seq,
            "level1": i.level1,
            "level2": i.level2_full if long else i.level2,
            "name": i.name,
            "period_target": None if long else i.period_target,
            "annual_target": i.annual_target,
            "op": i.op,
            "value": i.value,
            "value_unit": i.value_unit,
            "page": page,
        }

    # -- long
    def write_long(self) -> None:
        xs = self.xs
        self.y = self.page_top = self.start_page(first=True)
        if self.k.long_total:
            y, h = self.y, self.lead + 2 * PAD_Y
            self.draw_cell(Cell(["合计"], "center"), xs[0], xs[2], y, y + h, "middle")
            amt = fmt_amount(self.printed_total("total"), self.k, scale=self.scale)
            self.draw_cell(Cell([amt], "right"), xs[2], xs[3], y, y + h, "middle")
            if self.k.grid == "ruled":
                self.doc.box(xs[0], y, xs[2], y + h)
                for i in range(2, 8):
                    self.doc.box(xs[i], y, xs[i + 1], y + h)
            self.truth_rows.append(
                {
                    "row_type": "total",
                    "unit": None,
                    "project": None,
                    "amounts": self.truth_amounts(self.printed_total),
                    "goal": None,
                    "indicators_raw": None,
                    "disclosed": True,
                    "page": self.doc.page,
                }
            )
            self.y += h
        for u in self.b.units:
            self._long_unit(u)
        self.frame(self.page_top, self.y)
        self.last_page = self.doc.page

    def _ind_cells(self, i) -> list[Cell]:  # type: ignore[no-untyped-def]
        xs, size = self.xs, self.size
        texts = [i.level1, i.level2_full, i.name, i.annual_target]
        return [Cell(wrap(t, xs[5 + j] - xs[4 + j] - 2 * PAD_X, size)) for j, t in enumerate(texts)]

    def _project_layout(self, p: SynthProject) -> _LongProject:
        xs, lead = self.xs, self.lead
        rows = [(i, self._ind_cells(i)) for i in p.indicators] or [(None, [Cell([]) for _ in range(4)])]
        heights = [max(1, *(len(c.lines) for c in cells)) * lead + 2 * PAD_Y for _, cells in rows]
        name = wrap(p.name, xs[2] - xs[1] - 2 * PAD_X, self.size)
        goal = wrap(p.goal, xs[4] - xs[3] - 2 * PAD_X, self.size)
        need = max(len(goal), len(name)) * lead + 2 * PAD_Y
        if sum(heights) < need:
            heights[-1] += need - sum(heights)
        amount = Cell([fmt_amount(p.amounts.get("total"), self.k, scale=self.scale)], "right")
        return _LongProject(p, rows, heights, name, goal, amount)

    def _long_unit(self, u: SynthUnit) -> None:
        xs, lead = self.xs, self.lead
        projects = [self._project_layout(p) for p in u.projects]
        unit = _Merged(wrap(u.name, xs[1] - xs[0] - 2 * PAD_X, self.size), self.y)
        need = len(unit.lines) * lead + 2 * PAD_Y
        height = sum(sum(lp.heights) for lp in projects)
        if projects and height < need:
            projects[-1].heights[-1] += need - height
        for lp in projects:
            block = sum(lp.heights)
            bottom = self.bottom_limit()
            fresh = bottom - 40.0 - (2 * lead + 2 * PAD_Y + 2 if self.k.header_repeat else 0)
            if self.y + block > bottom and (
                (not self.k.row_split and block <= fresh) or self.y + lp.heights[0] > bottom
            ):
                self._page_break(unit, None)
            self.truth_rows.append(
                {
                    "row_type": "project",
                    "unit": u.name,
                    "project": lp.p.name,
                    "amounts": self.truth_amounts(lp.p.amounts.get),
                    "goal": lp.p.goal,
                    "indicators_raw": None,
                    "disclosed": lp.p.disclosed,
                    "page": self.doc.page,
                }
            )
            lp.top = self.y
            for r, (ind, cells) in enumerate(lp.rows):
                if self.y + lp.heights[r] > self.bottom_limit():
                    started = self.y > lp.top
                    self._page_break(unit, lp)
                    if not started:
                        self.truth_rows[-1]["page"] = self.doc.page
                    # the rest of the name and goal must fit beside the rows that are left
                    lack = max(len(lp.goal), len(lp.name)) * lead + 2 * PAD_Y - sum(lp.heights[r:])
                    if lack > 0:
                        lp.heights[-1] += lack
                h = lp.heights[r]
                for j, c in enumerate(cells):
                    self.draw_cell(c, xs[4 + j], xs[5 + j], self.y, self.y + h, "middle")
                    if self.k.grid == "ruled":
                        self.doc.box(xs[4 + j], self.y, xs[5 + j], self.y + h)
                if ind is not None and lp.p.disclosed:
                    self.truth_inds.append(self._ind_truth(lp.p, ind, self.doc.page, long=True))
                self.y += h
            self._close_project_part(lp, last=True)
        self._close_unit_part(unit)

    def _page_break(self, unit: _Merged, project: _LongProject | None) -> None:
        if project is not None and self.y > project.top:
            self._close_project_part(project, last=False)
        if self.y > unit.top:
            self._close_unit_part(unit)
        self.frame(self.page_top, self.y)
        self.y = self.page_top = self.start_page(first=False)
        unit.top = self.y
        if project is not None:
            project.top = self.y

    def _close_unit_part(self, unit: _Merged) -> None:
        xs = self.xs
        if not unit.drawn:
            self.draw_cell(Cell(unit.lines), xs[0], xs[1], unit.top, self.y, self.k.valign)
            unit.drawn = True
        if self.k.grid == "ruled":
            self.doc.box(xs[0], unit.top, xs[1], self.y)

    def _close_project_part(self, lp: _LongProject, *, last: bool) -> None:
        """Draw the merged cells of the project's part on this page; text that does not
        fit runs on into the next part."""
        xs, top, bottom = self.xs, lp.top, self.y
        valign = self.k.valign if (lp.first and last) else "top"
        fit = len(lp.goal) + len(lp.name) if last else max(0, int((bottom - top - 2 * PAD_Y) / self.lead))
        self.draw_cell(Cell(lp.name[:fit]), xs[1], xs[2], top, bottom, valign)
        if lp.first:
            self.draw_cell(lp.amount, xs[2], xs[3], top, bottom, valign)
        self.draw_cell(Cell(lp.goal[:fit]), xs[3], xs[4], top, bottom, valign)
        lp.name, lp.goal = lp.name[fit:], lp.goal[fit:]
        if self.k.grid == "ruled":
            for i in range(1, 4):
                self.doc.box(xs[i], top, xs[i + 1], bottom)
        lp.first = False

    def write(self) -> None:
        n_amounts = len(self.amount_keys())
        self.xs = [LEFT]
        widest = max(
            pdfmetrics.stringWidth(fmt_amount(self.b.total(k), self.k, scale=self.scale), FONT, self.size)
            for k in self.amount_keys()
        )
        for w in _widths(self.k, n_amounts, self.k.layout == "long", _page_size(self.k)[0], widest):
            self.xs.append(self.xs[-1] + w)
        if self.k.layout == "compact":
            self.write_compact()
        else:
            self.write_long()


# ---------------------------------------------------------------- the document around it


def _narrative(doc: Doc, b: SynthBudget, knobs: Knobs) -> None:
    doc.new_page(A4)
    doc.text(b.department, doc.w / 2, 300, 22, "center")
    doc.text(f"{b.year}年部门预算", doc.w / 2, 340, 22, "center")
    doc.text(f"{b.year}年2月", doc.w / 2, 700, 14, "center")
    doc.new_page(A4)
    doc.text("目 录", doc.w / 2, 60, 16, "center")
    items = [
        "第一部分 部门概况",
        f"第二部分 {b.year}年部门预算表",
        "一、部门收支总表",
        "二、部门收入总表",
        "三、部门支出总表",
        f"第三部分 {b.year}年部门预算情况说明",
        "第四部分 名词解释",
        "附件1 项目支出表",
        "附件2 项目支出绩效目标表",
    ]
    for i, it in enumerate(items):
        doc.text(it, 60, 100 + i * 22, 12)
    doc.numbered_from = 3
    doc.new_page(A4)
    doc.text(f"第一部分 {b.department}概况", 50, 60, 14)
    para = "（一）贯彻执行国家、省、市有关方针政策和法律法规，拟订相关政策措施并组织实施。"
    for i in range(12):
        doc.text(para, 50, 100 + i * 20, 10.5)
    total = b.total("total") or Decimal(0)
    for title in ("部门收支总表", "部门收入总表", "部门支出总表", "财政拨款收支总表"):
        doc.new_page(A4)
        doc.text(f"{b.year}年{title}", doc.w / 2, 60, 16, "center")
        doc.text(f"部门名称：{b.department}", 40, 95, 10)
        doc.text("单位：万元", doc.w - 40, 95, 10, "right")
        for r in range(6):
            top = 110 + r * 22
            doc.box(40, top, doc.w - 40, top + 22)
            doc.text(
                ["项目", "一、财政拨款", "二、财政专户拨款", "三、其他资金", "本年收入合计", "收入总计"][r],
                45,
                top + 6,
                9,
            )
            if r:
                doc.text(f"{total * (r + 1):,.2f}", doc.w - 45, top + 6, 9, "right")
    for n in range(knobs.filler_pages):
        doc.new_page(A4)
        doc.text(f"（{n + 1}）部门工作情况说明", 50, 60, 12)
        for i in range(34):
            doc.text(para, 50, 90 + i * 20, 10.5)
    doc.new_page(A4)
    doc.text(f"第三部分 {b.year}年部门预算情况说明", 50, 60, 14)
    doc.text(f"{b.year}年部门项目支出预算{total:,.2f}万元，详见附件2项目支出绩效目标表。", 50, 100, 10.5)
    # the decoy: 附件1 项目支出表, same projects and amounts, no goals
    doc.new_page(A4)
    doc.text("附件1", 40, 42, 10)
    doc.text("项目支出表", doc.w / 2, 66, 16, "center")
    doc.text(f"部门名称：{b.department}", 30, 95, 10)
    doc.text("单位：万元", doc.w - 30, 95, 10, "right")
    top = 110.0
    for label in ["单位名称（项目名称） 项目类别 合计 财政拨款 财政专户拨款 其他资金"] + [
        f"{u.name} {b.unit_total(u, 'total')}" for u in b.units
    ]:
        if top > doc.h - 80:
            break
        doc.text(label, 35, top + 5, 8)
        doc.box(30, top, doc.w - 30, top + 16)
        top += 16


def _trailing(doc: Doc, b: SynthBudget) -> None:
    doc.new_page(A4)
    doc.text("附件3", 40, 42, 10)
    doc.text("政府采购预算表", doc.w / 2, 66, 16, "center")
    doc.text(f"部门名称：{b.department}", 60, 95, 10)
    doc.text("单位：万元", doc.w - 60, 95, 10, "right")
    for r, label in enumerate(["单位名称 合计 货物 工程 服务", "合计 100.00 50.00 50.00"]):
        doc.box(60, 110 + r * 20, doc.w - 60, 130 + r * 20)
        doc.text(label, 65, 116 + r * 20, 9)


def render_budget(budget: SynthBudget, knobs: Knobs) -> tuple[bytes, dict[str, Any]]:
    """The PDF bytes and the truth (``spec/extraction.md`` form) of one budget."""
    if knobs.layout == "long":
        knobs = replace(knobs, zero="empty")  # the long layout has one amount column
    buf = io.BytesIO()
    doc = Doc(buf, knobs)
    if knobs.document == "full":
        _narrative(doc, budget, knobs)
    else:
        doc.numbered_from = 1
    writer = TableWriter(doc, budget, knobs)
    writer.write()
    if knobs.trailing:
        _trailing(doc, budget)
    doc.finish()
    truth = Truth(
        {
            "department": budget.department,
            "year": budget.year,
            "currency_unit": knobs.currency,
            "layout": knobs.layout,
            "pages": [writer.first_page, writer.last_page],
        },
        writer.truth_rows,
        writer.truth_inds,
    )
    return buf.getvalue(), truth.to_dict()
