"""Reading a target value (指标值) into a comparison: ``op``, ``value``, ``value_unit``.

``95%以上`` → (``>=``, 95, ``%``); ``60万次以上`` → (``>=``, 600000, ``次``);
``不高于办证总数的5%`` → (``<=``, 5, ``%``); ``不断提升`` → (None, None, None).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

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
    ("之内", "<="),
)
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|万)?")
_MULTIPLIER = {None: Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000), "万亿": Decimal(10**12)}
# What may follow a number as its unit: up to the first clause break or operator word.
_UNIT_STOP = re.compile(r"[，,；;。:：、\s]|及以上|以上|或以上|及以下|以下|或以下|以内|左右|之内")
#: Comparison symbols: the value a target compares is the number right after one.
_SYMBOL = re.compile(r"(?:>=|<=|≥|≤|≧|≦|>|<|=)\s*(?=\d)")
#: A date (12月31日前, 7月底前, 2026年5月至6月) is a deadline, not a quantity.
_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*(?:\d{1,2}\s*日|底|末|初|中旬|上旬|下旬|前|份前|之前)|\d{1,2}\s*日\s*(?:前|之前)"
)
#: Where several values are listed, they are separated like this.
_LIST_BREAK = re.compile(r"[；;，,、]|或者|或|和|及(?!以)")
#: Units that a longer run of text may start with (名 in 2名编外人员): classifiers and
#: measures, longest first.
_UNITS = sorted(
    {
        "个",
        "项",
        "次",
        "人",
        "家",
        "户",
        "件",
        "份",
        "篇",
        "条",
        "场",
        "册",
        "本",
        "套",
        "台",
        "辆",
        "座",
        "处",
        "所",
        "种",
        "类",
        "批",
        "期",
        "名",
        "位",
        "元",
        "天",
        "年",
        "月",
        "日",
        "周",
        "小时",
        "分钟",
        "秒",
        "毫秒",
        "米",
        "公里",
        "千米",
        "平方米",
        "平方公里",
        "立方米",
        "亩",
        "公顷",
        "吨",
        "千克",
        "公斤",
        "克",
        "人次",
        "户次",
        "家次",
        "批次",
        "场次",
        "车次",
        "架次",
        "个月",
        "工作日",
        "个工作日",
        "度",
        "千瓦时",
        "分",
        "倍",
        "张",
        "页",
        "轮",
        "组",
        "支",
        "棵",
        "株",
        "头",
        "只",
        "点",
        "部",
        "篇次",
        "件次",
        "床",
        "单",
        "宗",
        "起",
        "GB",
        "TB",
    },
    key=len,
    reverse=True,
)


@dataclass(frozen=True)
class Target:
    op: str | None
    value: Decimal | None
    unit: str | None


NO_TARGET = Target(None, None, None)


def _normalize(text: str) -> str:
    # Full-width digits, %, <, > and spaces to ASCII; ≧/≦ as ≥/≤; keep ≥/≤ as they are.
    t = unicodedata.normalize("NFKC", text)
    return t.replace("＜", "<").replace("＞", ">").replace("≧", "≥").replace("≦", "≤").strip()


def _printed(text: str, unit: str | None) -> str | None:
    """A unit as the target prints it (``％`` stays ``％``)."""
    if unit is None:
        return None
    for ch in set(text):
        if len(ch) == 1 and unicodedata.normalize("NFKC", ch) != ch and unicodedata.normalize("NFKC", ch) in unit:
            candidate = unit.replace(unicodedata.normalize("NFKC", ch), ch)
            if candidate in text:
                return candidate
    return unit


def _unit_of(after: str) -> tuple[str | None, str]:
    """The unit printed after a number, and what follows it."""
    bracket = re.match(r"\s*[（(]\s*([^（()）]{1,6}?)\s*[)）]", after)
    if bracket:  # ≥99（%）, ≤1500（毫秒）
        return bracket.group(1), after[bracket.end() :]
    stop = _UNIT_STOP.search(after)
    unit = (after[: stop.start()] if stop else after).strip()
    rest = after[stop.start() :] if stop else ""
    unit = re.split(r"[（(]", unit)[0]
    if not unit:
        return None, rest
    if re.fullmatch(
        r"[%‰℃°A-Za-z]+(?:/[\u4e00-\u9fffA-Za-z]+)*|[\u4e00-\u9fff%]{1,3}(?:/[\u4e00-\u9fff]{1,3}){1,2}", unit
    ):
        return unit, rest
    if len(unit) > 1 and unit.endswith("内"):  # 3个月内
        return unit[:-1], "以内" + rest
    for u in _UNITS:  # 名编外人员 → 名
        if unit.startswith(u):
            return u, unit[len(u) :] + rest
    if len(unit) > 6:  # prose, not a unit
        return None, rest
    return unit, rest


def parse_target(text: str | None) -> Target:
    """Read a target's comparison. Text without a number gives ``NO_TARGET``, and so do a
    date (a deadline) and a list of several different values."""
    if not text:
        return NO_TARGET
    t = _normalize(text)
    if _DATE.search(t):
        return NO_TARGET
    numbers = list(_NUMBER.finditer(t))
    if not numbers:
        return NO_TARGET
    symbol = _SYMBOL.search(t)
    m = next((n for n in numbers if symbol and n.start() == symbol.end()), numbers[0])
    if len(numbers) > 1 and _LIST_BREAK.search(t[numbers[0].end() : numbers[-1].start()]):
        values = {(n.group(1), n.group(2)) for n in numbers}
        if len(values) > 1:
            return NO_TARGET  # several values (100%，或者达到95%以上…)
    try:
        number = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        return NO_TARGET
    value = number * _MULTIPLIER[m.group(2)]
    before, after = t[: m.start()], t[m.end() :]
    unit, rest = _unit_of(after)

    op = None
    for word, sym in _PREFIX_OPS:
        if word in before:
            op = sym
            break
    if op is None:
        for word, sym in _SUFFIX_OPS:
            if rest.lstrip().startswith(word):
                op = sym
                break
    if op is None:
        op = "="
    return _target(op, value, _printed(text, unit))


#: Targets the warehouse holds (``target_value`` is DECIMAL(38, 4)): a printed number this
#: large is no measurable target (a code, a serial number), and is read as none.
TOO_LARGE = Decimal(10) ** 34


def _target(op: str | None, value: Decimal, unit: str | None) -> Target:
    if abs(value) >= TOO_LARGE:
        return NO_TARGET
    return Target(op, _canonical(value), unit)


def _canonical(value: Decimal) -> Decimal:
    """Drop a fractional part of zeros that multiplying out 万/亿 left (``600000.0``)."""
    if value == value.to_integral_value():
        # (with the digits it needs: a 29-digit integer is beyond the default 28)
        return value.quantize(Decimal(1), context=Context(prec=max(28, value.adjusted() + 1)))
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
    return _target(op, own.value * scale, rest)
