"""Records from cell texts, shared by every family: an indicator row's cells (by column
role) → :class:`~.model.Indicator`; a printed project name → its code and name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .categories import normalize_levels, split_run_together
from .errors import TextParseError
from .model import Indicator, Row
from .targets import combine_target
from .text import parse_amount, squash
from .vocabulary import (
    CORE,
    IND_NAME,
    INDICATORS,
    LEVEL1,
    LEVEL2,
    NATURE,
    PERIOD_TARGET,
    SCORING,
    TARGET,
    VALUE_TYPE,
    VALUE_UNIT,
    WEIGHT,
)


@dataclass
class Read:
    """What a family's reader makes of one table: its rows and indicators, and how it read."""

    layout: str
    department: str | None  # the department the table itself names, if any
    rows: list[Row]
    indicators: list[Indicator]
    pages: tuple[int, int]
    amount_keys: tuple[str, ...]
    currency_hint: str | None
    warnings: list[str]


#: A project code printed before the name (北京: ``11000022T000000460216-《北京审计》杂志办刊经费``).
_PROJECT_CODE = re.compile(r"^(?P<code>[0-9A-Za-z]{12,40})\s*[-－—–_]\s*(?=\S)")


def split_project_code(name: str | None) -> tuple[str | None, str | None]:
    """``(code, name)`` for a name printed with its project code, else ``(None, name)``."""
    if not name:
        return None, name
    m = _PROJECT_CODE.match(name)
    if m and sum(ch.isdigit() for ch in m.group("code")) >= 8:
        return m.group("code"), name[m.end() :].strip() or None
    return None, name


_UNIT_CODE = re.compile(r"^[\dA-Za-z]{4,}[\s_\-－—:：]*(?=[\u4e00-\u9fff])")


def unit_name(text: str | None) -> str | None:
    """A unit's name as printed, without a code before it (``105001长春市信访局``)."""
    if not text:
        return None
    return _UNIT_CODE.sub("", text.strip()) or None


def clean_target(text: str | None) -> str | None:
    """A target as printed, without the final 。 or ；."""
    if text is None:
        return None
    t = text.strip()
    while t and t[-1] in "。；;":
        t = t[:-1].rstrip()
    return t or None


def decimal_or_none(text: str | None) -> Decimal | None:
    if not text:
        return None
    t = squash(text).removesuffix("万元").removesuffix("元").removesuffix("%").removesuffix("分")
    try:
        return parse_amount(t)
    except TextParseError:
        return None


def _core(text: str | None) -> bool | None:
    t = squash(text)
    if t in ("是", "Y", "√", "核心"):
        return True
    if t in ("否", "N", "×"):
        return False
    return None


def indicator_from_cells(
    cells: Mapping[str, str | None], unit: str | None, project: str | None, seq: int, page: int | None
) -> Indicator:
    """One indicator from the texts of its row's cells, keyed by column role.

    Levels are normalised to the national framework (a 绩效指标 cell that runs level 1,
    level 2 and the name together is split); the target's comparison comes from the value
    and, where the table prints them, its comparison (指标性质 / 指标值类型) and unit columns.
    """
    l1, l2, name = cells.get(LEVEL1), cells.get(LEVEL2), cells.get(IND_NAME)
    if cells.get(INDICATORS) and not name:
        r1, r2, rest = split_run_together(squash(cells[INDICATORS] or ""))
        l1, l2, name = l1 or r1, l2 or r2, rest if rest is not None else cells[INDICATORS]
    level1, level2 = normalize_levels(l1, l2)
    annual = clean_target(cells.get(TARGET))
    comparison = cells.get(NATURE) or cells.get(VALUE_TYPE)
    target = combine_target(annual, comparison, cells.get(VALUE_UNIT))
    return Indicator(
        unit,
        project,
        seq,
        level1,
        level2,
        name,
        clean_target(cells.get(PERIOD_TARGET)),
        annual,
        target.op,
        target.value,
        target.unit,
        page,
        nature=cells.get(NATURE),
        weight=decimal_or_none(cells.get(WEIGHT)),
        core=_core(cells.get(CORE)),
        scoring_rule=cells.get(SCORING),
        value_type=cells.get(VALUE_TYPE),
    )
