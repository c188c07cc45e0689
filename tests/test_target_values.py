"""Targets read as comparisons, amounts read as decimals, and the category framework."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parser.categories import normalize_levels, read_category
from jixiao.parser.errors import TextParseError
from jixiao.parser.targets import parse_target
from jixiao.parser.text import join_lines, parse_amount

TARGETS = [
    ("20个及以上", ">=", "20", "个"),
    ("95%以上", ">=", "95", "%"),
    ("不低于108个", ">=", "108", "个"),
    ("不少于1400项", ">=", "1400", "项"),
    ("大于等于108个", ">=", "108", "个"),
    ("≥98%", ">=", "98", "%"),
    ("≤1%", "<=", "1", "%"),
    ("不高于办证总数的5%", "<=", "5", "%"),
    ("不超过57.77万元", "<=", "577700", "元"),
    ("小于等于3次", "<=", "3", "次"),
    ("99%以下", "<=", "99", "%"),
    ("大于130家", ">", "130", "家"),
    ("高于99.5%", ">", "99.5", "%"),
    ("超过5000人", ">", "5000", "人"),
    ("少于2次", "<", "2", "次"),
    ("低于1次", "<", "1", "次"),
    ("小于3天", "<", "3", "天"),
    ("365天", "=", "365", "天"),
    ("100%", "=", "100", "%"),
    ("0", "=", "0", None),
    ("993.62平方米", "=", "993.62", "平方米"),
    ("60万次以上", ">=", "600000", "次"),
    ("≥651万人", ">=", "6510000", "人"),
    ("不低于2025亿元", ">=", "202500000000", "元"),
    ("3.5万人以上", ">=", "35000", "人"),
    ("18批次及以上", ">=", "18", "批次"),
    ("1,200人次", "=", "1200", "人次"),
    ("控制在1449万元以内", "<=", "14490000", "元"),
    ("≥９５％", ">=", "95", "％"),  # the unit as printed (spec: value_unit as printed)
]
NO_NUMBER = ["不断提升", "平稳有序运转", "控制在预算范围内", "无暴发流行", "长期", "", None]


@pytest.mark.parametrize(("text", "op", "value", "unit"), TARGETS)
def test_target_comparisons(text: str, op: str, value: str, unit: str | None) -> None:
    t = parse_target(text)
    assert (t.op, format(t.value, "f"), t.unit) == (op, value, unit)


@pytest.mark.parametrize("text", NO_NUMBER)
def test_targets_without_a_number(text: str | None) -> None:
    t = parse_target(text)
    assert (t.op, t.value, t.unit) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,925.54", "2925.54"),
        ("2925.54", "2925.54"),
        ("0.00", "0.00"),
        ("12,345,678.90", "12345678.90"),
        ("１２３.４０", "123.40"),
        (" 8.96 ", "8.96"),
        ("-5.00", "-5.00"),
    ],
)
def test_amounts(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", None, "-", "—"])
def test_empty_amounts(text: str | None) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["项目信息", "12.3.4", "1,23.00", "abc"])
def test_non_amounts_are_refused(text: str) -> None:
    with pytest.raises(TextParseError):
        parse_amount(text)


def test_join_lines_removes_wrapping_and_indent_only() -> None:
    assert (
        join_lines(["\u3000\u3000广州国际城市创新奖运行与", "管理服务项目"]) == "广州国际城市创新奖运行与管理服务项目"
    )
    assert join_lines(["    APEC 商务", "旅行卡"]) == "APEC 商务旅行卡"
    assert join_lines([]) is None


@pytest.mark.parametrize(
    ("text", "level", "name", "level1"),
    [
        ("13-时效指标", 2, "时效指标", "产出指标"),
        ("22-社会效益", 2, "社会效益指标", "效益指标"),
        ("31-服务对象满意度", 2, "服务对象满意度指标", "满意度指标"),
        ("1-产出指标", 1, "产出指标", "产出指标"),
        ("数量指标", 2, "数量指标", "产出指标"),
        ("可持续影响", 2, "可持续影响指标", "效益指标"),
        ("成本指标", 1, "成本指标", "成本指标"),
        ("43-生态环境成本指标", 2, "生态环境成本指标", "成本指标"),
    ],
)
def test_categories(text: str, level: int, name: str, level1: str) -> None:
    c = read_category(text)
    assert c is not None and (c.level, c.name, c.level1) == (level, name, level1)


def test_long_layout_level_cells() -> None:
    assert normalize_levels("满意度指标", "服务对象满意度指标") == ("满意度指标", "服务对象满意度指标")
    assert normalize_levels("产出指标", "数量") == ("产出指标", "数量指标")
    assert normalize_levels(None, "时效指标") == ("产出指标", "时效指标")
    assert normalize_levels("效益指标", "其他") == ("效益指标", "其他")


def test_a_number_too_large_for_a_target_is_none() -> None:
    """A 29-digit number is read whole (it once overflowed the default decimal precision); one
    the warehouse's DECIMAL(38, 4) cannot hold, whether printed or multiplied out by 亿, is no
    measurable target."""
    t = parse_target("10000000000000000000000000000")
    assert (t.op, t.value) == ("=", Decimal(10) ** 28)
    assert parse_target("1" + "0" * 34).value is None
    assert parse_target("≥1" + "0" * 30 + "亿元").value is None
