"""Property tests: whatever text a cell holds, the text parsers return or raise only the
library's own error — never anything else."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from jixiao.parser.categories import normalize_levels, read_category
from jixiao.parser.errors import ParseError
from jixiao.parser.indicators import parse_indicator_cell, split_items
from jixiao.parser.targets import parse_target
from jixiao.parser.text import INDENT_CHARS, join_lines, parse_amount

# Text built from the pieces real cells are made of, so that the parsers' branches run.
PIECES = [
    "1、",
    "2、",
    "12、",
    "（3）",
    "1.",
    "1-",
    "13-",
    "22-",
    "31-",
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "社会效益",
    "服务对象满意度",
    "可持续影响",
    "经济成本指标",
    "：",
    ":",
    "；",
    ";",
    "，",
    "。",
    "年度指标值",
    "实施周期指标值",
    "指标值",
    "以上",
    "及以上",
    "不低于",
    "不超过",
    "≥",
    "≤",
    "<",
    ">",
    "%",
    "万",
    "亿",
    "元",
    "个",
    "人次",
    "0",
    "1",
    "9",
    "99.5",
    "1,200",
    ".",
    "-",
    " ",
    "\u3000",
    "\n",
    "项目信息不宜公开",
    "不断提升",
    "（次）",
    "“",
    "”",
]
cell_text = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(max_size=200),
)


@settings(max_examples=600, deadline=None)
@given(cell_text)
def test_indicator_cells_never_fail(text: str) -> None:
    items = parse_indicator_cell(text)
    for item in items:
        assert item.seq >= 1
        assert item.value is None or isinstance(item.value, Decimal)
        assert item.op in (None, ">=", "<=", ">", "<", "=")
        assert (item.op is None) == (item.value is None)
    split_items(text)


@settings(max_examples=600, deadline=None)
@given(cell_text)
@example("10000000000000000000000000000")  # 29 digits: once beyond the default decimal precision
def test_targets_never_fail(text: str) -> None:
    t = parse_target(text)
    if t.value is not None:
        assert t.value.is_finite()
        assert abs(t.value) < Decimal(10) ** 34  # what the warehouse's DECIMAL(38, 4) holds


@settings(max_examples=400, deadline=None)
@given(cell_text)
def test_amounts_raise_only_the_library_error(text: str) -> None:
    try:
        v = parse_amount(text)
    except ParseError:
        return
    assert v is None or isinstance(v, Decimal)


@settings(max_examples=300, deadline=None)
@given(cell_text, cell_text)
def test_categories_and_lines_never_fail(a: str, b: str) -> None:
    read_category(a)
    normalize_levels(a, b)
    joined = join_lines([a, b])
    assert joined is None or (joined[0] not in INDENT_CHARS and joined[-1] not in INDENT_CHARS)
