"""Reading a target value (指标值) into a comparison: ``op``, ``value``, ``value_unit``.

``95%以上`` → (``>=``, 95, ``%``); ``60万次以上`` → (``>=``, 600000, ``次``);
``不高于办证总数的5%`` → (``<=``, 5, ``%``); ``不断提升`` → (None, None, None).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Words before the number, longest first (不低于 must win over 低于).
_PREFIX_OPS: tuple[tuple[str, str], ...] = (
    ("大于或等于", ">="),
    ("大于等于", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("≥", ">="),
    (">=", ">="),
    ("小于或等于", "<="),
    ("小于等于", "<="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不大于", "<="),
    ("不多于", "<="),
    ("最多", "<="),
    ("≤", "<="),
    ("<=", "<="),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    (">", ">"),
    ("少于", "<"),
    ("小于", "<"),
    ("低于", "<"),
    ("<", "<"),
    ("等于", "="),
    ("=", "="),
)
# Words after the number (and its unit).
_SUFFIX_OPS: tuple[tuple[str, str], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("或以上", ">="),
    ("及以下", "<="),
    ("或以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
)
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|万)?")
_MULTIPLIER = {None: Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000), "万亿": Decimal(10**12)}
# What may follow a number as its unit: up to the first clause break or operator word.
_UNIT_STOP = re.compile(r"[，,；;。:：、（()）\s]|及以上|以上|或以上|及以下|以下|或以下|以内|左右|之内")


@dataclass(frozen=True)
class Target:
    op: str | None
    value: Decimal | None
    unit: str | None


NO_TARGET = Target(None, None, None)


def _normalize(text: str) -> str:
    # Full-width digits, %, <, > and spaces to ASCII; keep ≥/≤ as they are.
    t = unicodedata.normalize("NFKC", text)
    return t.replace("＜", "<").replace("＞", ">").strip()


def parse_target(text: str | None) -> Target:
    """Read a target's comparison. Text without a number gives ``NO_TARGET``."""
    if not text:
        return NO_TARGET
    t = _normalize(text)
    m = _NUMBER.search(t)
    if not m:
        return NO_TARGET
    try:
        number = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        return NO_TARGET
    value = number * _MULTIPLIER[m.group(2)]
    before, after = t[: m.start()], t[m.end() :]

    stop = _UNIT_STOP.search(after)
    unit = (after[: stop.start()] if stop else after).strip() or None
    if unit is not None and len(unit) > 6:  # prose, not a unit
        unit = None

    op = None
    for word, sym in _PREFIX_OPS:
        if word in before:
            op = sym
            break
    if op is None:
        rest = after[stop.start() :] if stop else ""
        for word, sym in _SUFFIX_OPS:
            if rest.lstrip().startswith(word):
                op = sym
                break
    if op is None:
        op = "="
    return Target(op, _canonical(value), unit)


def _canonical(value: Decimal) -> Decimal:
    """Drop a fractional part of zeros that multiplying out 万/亿 left (``600000.0``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


#: A comparison printed in its own column (指标性质, 指标值类型), read as an op.
_NATURE_OPS: dict[str, str | None] = {
    "≥": ">=",
    "≧": ">=",
    ">=": ">=",
    "大于等于": ">=",
    "不低于": ">=",
    "≤": "<=",
    "≦": "<=",
    "<=": "<=",
    "小于等于": "<=",
    "不高于": "<=",
    ">": ">",
    "大于": ">",
    "<": "<",
    "小于": "<",
    "=": "=",
    "等于": "=",
    "定量": "=",
}
_QUALITATIVE = ("定性",)


def _unit_scale(unit: str | None) -> tuple[Decimal, str | None]:
    """A unit column in 万 or 亿 multiplies the value: ``万元`` → (10000, 元)."""
    if not unit:
        return Decimal(1), None
    for prefix in ("万亿", "亿", "万"):
        if unit.startswith(prefix):
            rest = unit[len(prefix) :].strip() or None
            return _MULTIPLIER[prefix], rest
    return Decimal(1), unit


def combine_target(value_text: str | None, nature: str | None = None, unit: str | None = None) -> Target:
    """Read a target printed over several columns: the value (``98``), its comparison
    (``≥``, ``定性``, ``定量``) and its unit (``%``, ``万元``).

    ``定性`` is no comparison. A comparison column decides the op; without one the value's
    own words do (``≥95%``). A unit column in 万/亿 multiplies the value.
    """
    nat = _normalize(nature or "").replace(" ", "")
    unit = (unit or "").strip() or None
    if nat and any(q in nat for q in _QUALITATIVE):
        return NO_TARGET
    own = parse_target(value_text)
    if own.value is None:
        return NO_TARGET
    op = own.op
    if nat:
        mapped = _NATURE_OPS.get(nat)
        if mapped is None:
            return NO_TARGET
        if nat != "定量":
            op = mapped
    if unit is None:
        return Target(op, own.value, own.unit)
    if own.unit is not None and own.unit != unit:
        # the value carries its own unit: trust what is printed beside the number
        return Target(op, own.value, own.unit)
    scale, rest = _unit_scale(unit)
    return Target(op, _canonical(own.value * scale), rest)
