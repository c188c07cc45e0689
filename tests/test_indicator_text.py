"""The indicator-cell parser: every form of the spec's table, and real phrasings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parser.indicators import is_withheld, parse_indicator_cell, split_items

# (cell text, [(seq, level1, level2, name, period_target, annual_target, op, value, unit)])
SPEC_FORMS = [
    (
        "2、产出指标：全年出访国家或地区数量，年度指标值：20个及以上；",
        [(2, "产出指标", None, "全年出访国家或地区数量", None, "20个及以上", ">=", "20", "个")],
    ),
    (
        "1、产出指标：举办培训班培训场次；年度指标值:3场。",
        [(1, "产出指标", None, "举办培训班培训场次", None, "3场", "=", "3", "场")],
    ),
    (
        "1、1-产出指标；13-时效指标；故障处理及时率；实施周期指标值:≥98%；年度指标值:≥98%。",
        [(1, "产出指标", "时效指标", "故障处理及时率", "≥98%", "≥98%", ">=", "98", "%")],
    ),
    (
        "3、3-满意度指标；31-服务对象满意度；受益群众满意度；实施周期指标值:≥90%；年度指标值:≥90%。",
        [(3, "满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "≥90%", ">=", "90", "%")],
    ),
    (
        "2、2-效益指标；22-社会效益；安全事故发生次数（次）；实施周期指标值:全年；年度指标值:少于2次。",
        [(2, "效益指标", "社会效益指标", "安全事故发生次数（次）", "全年", "少于2次", "<", "2", "次")],
    ),
    (
        "质量指标：做好驻外办事处相关工作，年度指标值：做好驻外办事处验收工作，不断提升工作质量。",
        [
            (
                1,
                "产出指标",
                "质量指标",
                "做好驻外办事处相关工作",
                None,
                "做好驻外办事处验收工作，不断提升工作质量",
                None,
                None,
                None,
            )
        ],
    ),
    (
        "2、满意度指标：服务对象满意度，年度指标值：95%以上。",
        [(2, "满意度指标", None, "服务对象满意度", None, "95%以上", ">=", "95", "%")],
    ),
]


def _tuple(p):  # type: ignore[no-untyped-def]
    value = None if p.value is None else format(p.value, "f")
    return (p.seq, p.level1, p.level2, p.name, p.period_target, p.annual_target, p.op, value, p.value_unit)


@pytest.mark.parametrize(("text", "expected"), SPEC_FORMS)
def test_every_form_of_the_spec(text: str, expected: list[tuple]) -> None:
    assert [_tuple(p) for p in parse_indicator_cell(text)] == expected


def test_seed_cell_with_four_items_split_by_both_stops() -> None:
    cell = (
        "1、效益指标：广州国际影响力，年度指标值：不断提升；2、产出指标：全年出访国家或地区数量，年度指标值："
        "20个及以上；3、产出指标：全年计划因公出访团组批次，年度指标值：18批次及以上。4、效益指标："
        "国际友城数量，年度指标值：不低于108个。"
    )
    got = [_tuple(p) for p in parse_indicator_cell(cell)]
    assert got == [
        (1, "效益指标", None, "广州国际影响力", None, "不断提升", None, None, None),
        (2, "产出指标", None, "全年出访国家或地区数量", None, "20个及以上", ">=", "20", "个"),
        (3, "产出指标", None, "全年计划因公出访团组批次", None, "18批次及以上", ">=", "18", "批次"),
        (4, "效益指标", None, "国际友城数量", None, "不低于108个", ">=", "108", "个"),
    ]


def test_name_keeps_its_commas_and_quotes() -> None:
    cell = "3、产出指标：做好外文标识统一相关工作，维护“广州公共场所英文标识”小程序；年度指标值:1个。"
    (p,) = parse_indicator_cell(cell)
    assert p.name == "做好外文标识统一相关工作，维护“广州公共场所英文标识”小程序"
    assert (p.op, p.value, p.value_unit) == ("=", Decimal(1), "个")


def test_multiplier_wan_is_multiplied_out() -> None:
    (p,) = parse_indicator_cell("2、质量指标：广州外事英文网年度访问量，年度指标值：60万次以上。")
    assert (p.level1, p.level2) == ("产出指标", "质量指标")
    assert (p.op, format(p.value, "f"), p.value_unit) == (">=", "600000", "次")


def test_unnumbered_cell_with_two_items() -> None:
    got = parse_indicator_cell("产出指标：办证数量，年度指标值：300件。效益指标：群众获得感，年度指标值：稳步提升。")
    assert [(p.seq, p.name, p.annual_target) for p in got] == [
        (1, "办证数量", "300件"),
        (2, "群众获得感", "稳步提升"),
    ]


def test_coded_item_without_number_is_one_item() -> None:
    (p,) = parse_indicator_cell(
        "1-产出指标；11-数量指标；培训人次；实施周期指标值:不少于4万次；年度指标值:不少于4万次。"
    )
    assert (p.seq, p.level1, p.level2, p.name) == (1, "产出指标", "数量指标", "培训人次")
    assert format(p.value, "f") == "40000"


def test_level1_written_as_cost_in_2021_framework() -> None:
    (p,) = parse_indicator_cell(
        "1、4-成本指标；41-经济成本指标；项目预算控制数；实施周期指标值:≤86万元；年度指标值:≤86万元。"
    )
    assert (p.level1, p.level2, p.op, format(p.value, "f"), p.value_unit) == (
        "成本指标",
        "经济成本指标",
        "<=",
        "860000",
        "元",
    )


def test_old_framework_cost_under_output() -> None:
    (p,) = parse_indicator_cell("1、1-产出指标；14-成本指标；单位成本；年度指标值:≤20元。")
    assert (p.level1, p.level2) == ("产出指标", "成本指标")


def test_bare_level2_of_benefit() -> None:
    (p,) = parse_indicator_cell("1、社会效益指标：群众满意程度，年度指标值：明显提升。")
    assert (p.level1, p.level2, p.name, p.op) == ("效益指标", "社会效益指标", "群众满意程度", None)


def test_numbers_inside_items_do_not_split_them() -> None:
    items = split_items("1、产出指标：13300101项目数，年度指标值：2、3号线。2、效益指标：影响，年度指标值：提升。")
    assert [n for n, _ in items] == [1, 2]


def test_withheld_cells_give_no_indicators() -> None:
    assert is_withheld("项目信息不宜公开。")
    assert parse_indicator_cell("项目信息不宜公开。") == []
    assert not is_withheld("信息公开率100%")


def test_empty_and_blank_cells() -> None:
    assert parse_indicator_cell(None) == []
    assert parse_indicator_cell("") == []
    assert parse_indicator_cell("；。") == []
