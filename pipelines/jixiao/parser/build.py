"""From cut-up table rows to the extraction's records (rows and indicators)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import TextParseError
from .geometry import Line
from .header import (
    AMOUNT_PREFIX,
    GOAL,
    IND_NAME,
    INDICATOR_PARTS,
    INDICATORS,
    LEVEL1,
    LEVEL2,
    NAME,
    PERIOD_TARGET,
    PROJECT,
    TARGET,
)
from .indicators import is_withheld, parse_indicator_cell
from .model import STANDARD_AMOUNT_KEYS, Indicator, Row
from .records import indicator_from_cells, split_project_code, unit_name
from .segment import Cells, IndicatorRow, ProjectBlock, Slot, UnitBlock, has_amount, is_total_text
from .text import INDENT_CHARS, join_lines, parse_amount, squash


def cell_text(lines: Iterable[Line]) -> str | None:
    return join_lines(ln.text for ln in lines)


@dataclass
class Built:
    rows: list[Row] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_amounts(cells: Cells, amount_keys: Sequence[str], page: int, warnings: list[str]) -> dict[str, Decimal | None]:
    amounts: dict[str, Decimal | None] = dict.fromkeys(STANDARD_AMOUNT_KEYS)
    for key in amount_keys:
        text = cell_text(cells.get(AMOUNT_PREFIX + key, []))
        try:
            amounts[key] = parse_amount(text)
        except TextParseError:
            warnings.append(f"page {page}: {key} cell {text!r} is not an amount; left empty")
            amounts[key] = None
    return amounts


def _merge_cells(into: Cells, more: Cells) -> None:
    for role, lines in more.items():
        into.setdefault(role, []).extend(lines)


# ---------------------------------------------------------------- compact


def _identity(cells: Cells) -> tuple[str, str]:
    name = squash(cell_text(cells.get(NAME, [])) or cell_text(cells.get(PROJECT, [])))
    total = squash(cell_text(cells.get(AMOUNT_PREFIX + "total", [])))
    return name, total


def stitch_slots(pages: Sequence[list[Slot]]) -> list[Slot]:
    """Join the pages' slots, merging a row broken across a page break into one."""
    out: list[Slot] = []
    for slots in pages:
        for i, slot in enumerate(slots):
            if i == 0 and out and (slot.lead or _continues(out[-1].cells, slot.cells)):
                _merge_cells(out[-1].cells, slot.cells)
                continue
            out.append(slot)
    return out


def _continues(prev: Cells, first: Cells) -> bool:
    """The first slot on a page continues the last one: one of the two parts lacks the
    row's identity (amounts), or the part repeats it."""
    if not has_amount(prev):
        return True
    if not has_amount(first):
        return True
    return _identity(prev) == _identity(first) and bool(_identity(first)[0])


def build_compact(slots: list[Slot], amount_keys: Sequence[str]) -> Built:
    out = Built()
    unit: str | None = None
    for slot in slots:
        cells = slot.cells
        name_lines = cells.get(NAME) or cells.get(PROJECT) or []
        name = cell_text(name_lines)
        amounts = read_amounts(cells, amount_keys, slot.page, out.warnings)
        goal = cell_text(cells.get(GOAL, []))
        raw = cell_text(cells.get(INDICATORS, []))
        indented = bool(name_lines) and name_lines[0].text[:1] in INDENT_CHARS
        if name is None and goal is None and raw is None and all(v is None for v in amounts.values()):
            continue
        if name is not None and is_total_text(name):
            out.rows.append(Row("total", None, None, amounts, goal, raw, True, slot.page))
            continue
        if indented or goal is not None or raw is not None:
            withheld = is_withheld(goal) or is_withheld(raw)
            row = Row("project", unit, name, amounts, goal, raw, not withheld, slot.page)
            if name is None:
                row.warnings.append("project row without a name")
            out.rows.append(row)
            if not withheld:
                for p in parse_indicator_cell(raw):
                    out.indicators.append(
                        Indicator(
                            unit,
                            name,
                            p.seq,
                            p.level1,
                            p.level2,
                            p.name,
                            p.period_target,
                            p.annual_target,
                            p.op,
                            p.value,  # type: ignore[arg-type]
                            p.value_unit,
                            slot.page,
                        )
                    )
            continue
        unit = unit_name(name)
        out.rows.append(Row("unit", unit, None, amounts, None, None, True, slot.page))
    return out


# ---------------------------------------------------------------- long


def stitch_units(pages: Sequence[list[UnitBlock]]) -> list[UnitBlock]:
    """Join the pages' unit blocks and project blocks across page breaks."""
    units: list[UnitBlock] = []
    prefix = _common_prefix([b for blocks in pages for b in blocks])
    for blocks in pages:
        for i, block in enumerate(blocks):
            if (
                i == 0
                and units
                and (
                    block.lead
                    or not units[-1].lines
                    or _same_unit(units[-1], block)
                    or _goes_on(block)
                    or _rest_of_name(units[-1], block, prefix)
                )
            ):
                last = units[-1]
                if not last.lines:
                    last.lines = block.lines
                elif block.lines and not _same_unit(last, block):
                    # the unit's merged cell was cut by the page break, its name with it
                    last.lines = last.lines + block.lines
                _join_projects(last, block.projects)
                continue
            units.append(block)
    return units


def _common_prefix(blocks: list[UnitBlock]) -> str:
    """The first characters most unit names of the table share (广州市…), if most do."""
    names = [squash(cell_text(b.lines)) for b in blocks if b.lines]
    heads = Counter(n[:3] for n in names if len(n) >= 3)
    if not heads:
        return ""
    head, n = heads.most_common(1)[0]
    return head if n >= 2 and n >= 0.6 * len(names) else ""


def _rest_of_name(prev: UnitBlock, block: UnitBlock, prefix: str) -> bool:
    """A page's first unit text that lacks the prefix every unit name of the table has,
    after a unit name that has it: the rest of that name, cut by the page break."""
    if not prefix or not prev.lines or not block.lines:
        return False
    before, here = squash(cell_text(prev.lines)), squash(cell_text(block.lines))
    return before.startswith(prefix) and not here.startswith(prefix)


def _goes_on(block: UnitBlock) -> bool:
    """The first unit block of a page whose first project is the rest of one cut by the page
    break: the unit goes on too (its cell, and perhaps its name, was cut with it)."""
    first = block.projects[0] if block.projects else None
    return first is not None and not first.total and (first.lead or not has_amount(first.cells))


def _same_unit(a: UnitBlock, b: UnitBlock) -> bool:
    return bool(a.lines) and squash(cell_text(a.lines)) == squash(cell_text(b.lines))


def _join_projects(unit: UnitBlock, more: list[ProjectBlock]) -> None:
    for i, block in enumerate(more):
        if i == 0 and unit.projects and not block.total:
            last = unit.projects[-1]
            if (
                block.lead
                or not has_amount(last.cells)
                or (_identity(last.cells) == _identity(block.cells) and _identity(block.cells)[0])
            ):
                _merge_cells(last.cells, block.cells)
                last.indicators.extend(block.indicators)
                continue
        unit.projects.append(block)


def build_long(units: list[UnitBlock], amount_keys: Sequence[str]) -> Built:
    out = Built()
    for ub in units:
        unit = unit_name(cell_text(ub.lines))
        for pb in ub.projects:
            cells = pb.cells
            amounts = read_amounts(cells, amount_keys, pb.page, out.warnings)
            if pb.total:
                out.rows.append(Row("total", None, None, amounts, None, None, True, pb.page))
                continue
            code, project = split_project_code(cell_text(cells.get(PROJECT, []) or cells.get(NAME, [])))
            goal = cell_text(cells.get(GOAL, []))
            if project is None or squash(project) in {"小计", "合计"}:
                if pb.indicators or goal:
                    pass  # a project without a name: kept below with a warning
                elif any(v is not None for v in amounts.values()):
                    out.rows.append(Row("unit", unit, None, amounts, None, None, True, pb.page))
                    continue
                else:
                    continue
            ind_texts = [_indicator_texts(r) for r in pb.indicators]
            withheld = is_withheld(goal) or any(is_withheld(t.get(IND_NAME) or t.get(LEVEL1)) for t in ind_texts)
            row = Row("project", unit, project, amounts, goal, None, not withheld, pb.page, project_code=code)
            if project is None:
                row.warnings.append("project row without a name")
            out.rows.append(row)
            if withheld:
                continue
            seq = 0
            for r, texts in zip(pb.indicators, ind_texts, strict=True):
                if not any(texts.get(role) for role in _INDICATOR_TEXT_ROLES):
                    continue
                seq += 1
                out.indicators.append(indicator_from_cells(texts, unit, project, seq, r.page))
    return out


_INDICATOR_TEXT_ROLES = (LEVEL1, LEVEL2, IND_NAME, PERIOD_TARGET, TARGET)


def _indicator_texts(row: IndicatorRow) -> dict[str, str | None]:
    return {role: cell_text(row.cells.get(role, [])) for role in INDICATOR_PARTS}
