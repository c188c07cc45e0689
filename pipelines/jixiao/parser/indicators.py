"""Reading the indicator cell of a compact table into indicator records.

A cell holds all of a project's indicators as numbered text, in forms such as::

    1、产出指标：全年出访国家或地区数量，年度指标值：20个及以上；
    1、1-产出指标；13-时效指标；故障处理及时率；实施周期指标值:≥98%；年度指标值:≥98%。
    质量指标：做好驻外办事处相关工作，年度指标值：做好驻外办事处验收工作。

Each item gives categories (normalized to the national framework), a name, the
implementation-period and annual targets, and the annual target read as a comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .categories import CATEGORY_PATTERN, read_category
from .targets import parse_target

WITHHELD_MARK = "不宜公开"

# An item number: 1、 1. 1． (1) （1） — the dot forms only when not a decimal, except before a
# category code (``1.1－产出指标``: item 1, level-1 code 1).
_NUMBERING = re.compile(
    r"(?P<num>\d{1,2})\s*(?:、|[.．](?!\d)|[.．](?=\d{1,2}\s*[－\-—–]\s*\D)|\s*[)）])|[（(](?P<pnum>\d{1,2})[)）]"
)
_AFTER_LABEL = re.compile(r"(?:指标值|目标值)\s*[:：]?$")
_BREAK_BEFORE = set("。；;，,：:！!？?\n\r\t \u3000")
_CATEGORY_HEAD = re.compile(r"\s*" + CATEGORY_PATTERN + r"\s*(?P<sep>[：:；;，,、]|$)")
_MARKERS = re.compile(
    r"(?P<period>实施周期|实施期|周期)?(?:指标值|目标值)\s*[:：]?"
    r"|(?P<annual>年度)(?:指标值|目标值)\s*[:：]?"
)
_TRAILING_SEPARATORS = "，,；;：:。、 \u3000"


@dataclass(frozen=True)
class ParsedIndicator:
    seq: int
    level1: str | None
    level2: str | None
    name: str | None
    period_target: str | None
    annual_target: str | None
    op: str | None
    value: object
    value_unit: str | None


def is_withheld(text: str | None) -> bool:
    """True for the cell text that marks a project whose details are withheld."""
    return bool(text) and WITHHELD_MARK in text and "信息" in text  # type: ignore[operator]


def split_items(text: str) -> list[tuple[int | None, str]]:
    """Split a cell into ``(number, item text)``; the number is ``None`` when unnumbered.

    A number starts an item only at the start of the cell or after punctuation, and only
    as the next number in sequence or — where a cell restarts its numbering (``1、…2、…1、…``,
    as real tables do) — when a category follows it; so ``13-时效指标`` or ``1、2级`` inside an
    item do not split it.
    """
    starts: list[tuple[int, int, int]] = []  # (number, start of marker, start of item text)
    expected: int | None = None  # the first number is whatever the cell starts with
    for m in _NUMBERING.finditer(text):
        num = int(m.group("num") or m.group("pnum"))
        before = text[: m.start()].rstrip(" \u3000")
        if expected is None:
            if before.strip(_TRAILING_SEPARATORS):
                break
        elif (
            (before and before[-1] not in _BREAK_BEFORE)
            # 年度指标值：2、3号线 — a value, not an item (unless a category follows: an empty value)
            or (_AFTER_LABEL.search(before) and not _CATEGORY_HEAD.match(text, m.end()))
            or (num != expected and not _CATEGORY_HEAD.match(text, m.end()))
        ):
            continue
        starts.append((num, m.start(), m.end()))
        expected = num + 1
    if not starts:
        return [(None, t) for t in _split_unnumbered(text)]
    items: list[tuple[int | None, str]] = []
    for i, (num, _, begin) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        items.append((num, text[begin:end]))
    return items


_UNNUMBERED_BREAK = re.compile(r"(?<=[。；;\n])\s*(?=" + CATEGORY_PATTERN + r"\s*[：:；;])")


def _split_unnumbered(text: str) -> list[str]:
    """Split an unnumbered cell where a new category head follows a full stop, once the
    item before it is complete (has its target): ``；13-时效指标；`` inside an item does
    not split it."""
    cuts = [0]
    for m in _UNNUMBERED_BREAK.finditer(text):
        if _MARKERS.search(text, cuts[-1], m.end()):
            cuts.append(m.end())
    cuts.append(len(text))
    parts = [text[a:b] for a, b in pairwise(cuts)]
    parts = [p for p in parts if p.strip(_TRAILING_SEPARATORS)]
    if len(parts) > 1 and all(_looks_like_item(p) for p in parts):
        return parts
    return [text]


def _looks_like_item(piece: str) -> bool:
    return bool(_MARKERS.search(piece)) or bool(_CATEGORY_HEAD.match(piece))


def _clean_target(text: str | None) -> str | None:
    if text is None:
        return None
    t = text.strip(" \u3000\n")
    while t and t[-1] in "。；;，,、":  # the separator before the next label or item
        t = t[:-1].rstrip(" \u3000")
    return t or None


def parse_item(seq: int, text: str) -> ParsedIndicator:
    """Parse one indicator item (its number already removed)."""
    head, period, annual = _split_targets(text)
    level1, level2, name = _read_head(head)
    target = parse_target(annual)
    return ParsedIndicator(
        seq=seq,
        level1=level1,
        level2=level2,
        name=name,
        period_target=period,
        annual_target=annual,
        op=target.op,
        value=target.value,
        value_unit=target.unit,
    )


def _split_targets(text: str) -> tuple[str, str | None, str | None]:
    """Cut an item into its head (categories and name) and its two targets."""
    marks = list(_MARKERS.finditer(text))
    if not marks:
        return text, None, None
    head = text[: marks[0].start()]
    period = annual = None
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = _clean_target(text[m.end() : end])
        if m.group("period"):
            period = value
        else:
            annual = value
    return head, period, annual


def _read_head(head: str) -> tuple[str | None, str | None, str | None]:
    """Read ``[level1][；level2][；]name`` from the head of an item."""
    level1: str | None = None
    level2: str | None = None
    rest = head
    for _ in range(2):
        m = _CATEGORY_HEAD.match(rest)
        if not m:
            break
        remainder = rest[m.end() :]
        sep = m.group("sep")
        # A second token is a category only when written as one (coded, or closed by
        # ；/：); "满意度指标：服务对象满意度，" has the name 服务对象满意度.
        if level1 is not None or level2 is not None:
            if not (m.group("code") or sep in "；;：:") or not remainder.strip(_TRAILING_SEPARATORS):
                break
        elif not remainder.strip(_TRAILING_SEPARATORS) and not m.group("suffix"):
            break  # the whole head is a bare stem: it is the name
        cat = read_category(rest[m.start() : m.end() - len(sep)].strip(), under=level1)
        if cat is None:
            break
        if cat.level == 1:
            if level1 is not None:
                break
            level1 = cat.name
        else:
            if level2 is not None:
                break
            level2 = cat.name
            if level1 is None:
                level1 = cat.level1
        rest = remainder
    name = rest.strip(" \u3000\n").rstrip(_TRAILING_SEPARATORS).lstrip(_TRAILING_SEPARATORS)
    return level1, level2, name or None


def parse_indicator_cell(text: str | None) -> list[ParsedIndicator]:
    """All indicators of a compact table's indicator cell, in order."""
    if not text or is_withheld(text):
        return []
    items = [(n, t) for n, t in split_items(text) if t.strip(_TRAILING_SEPARATORS)]
    numbers = [n for n, _ in items]
    # seq is the printed number; where a cell restarts its numbering (1、2、3、1、2…) or
    # is not numbered, the position
    printed = all(n is not None and n >= 1 for n in numbers) and all(
        a is not None and b == a + 1 for a, b in pairwise(numbers)
    )
    return [parse_item(n if printed and n is not None else i, t) for i, (n, t) in enumerate(items, start=1)]
