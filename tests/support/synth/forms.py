"""Synthetic ``form`` and ``list`` documents with their exact truth (spec/extraction.md, version 2).

A *form* document prints one key/value form per project, the way 烟台, 福州, 泉州 and 西安 do:
项目名称, 主管部门, 实施单位, the funds (年度资金总额 / 其中：财政拨款 / 其他资金), a goal, then an indicator
grid 一级指标 | 二级指标 | 三级指标 | 指标值 [| 分值] whose first column is a merged label (绩效指标).
A *list* document prints 重庆's forms: 项目名称 | 主管部门, 当年预算, 项目概况, 当年绩效目标, then a grid
指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重(%) | 是否核心 with no levels.

Every cell is boxed with ruling lines; merged cells are drawn without their inner rules, and a
merged cell cut by a page break is drawn as two boxes with its label printed in one part (or both).
``generate_forms(seed, knobs)`` returns the PDF bytes and the truth a perfect parser extracts.
"""

from __future__ import annotations

import io
import itertools
import random
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4, landscape

from .render import PAD_X, PAD_Y, Doc, Knobs, wrap

__all__ = ["FormKnobs", "generate_forms", "random_form_knobs"]


@dataclass(frozen=True)
class FormKnobs:
    """How one synthetic form or list document is printed (every field drawn by ``random_form_knobs``)."""

    layout: str = "form"  # form | list
    #: where a form's title is printed: none; project (``X项目绩效目标表`` above the grid); row (the
    #: grid's first full-width row); generic (``政策和项目预算绩效目标表`` / ``（2026年度）`` at the top of
    #: every page, continuation pages too); both (generic above, the project title as the first row);
    #: list (``normalized``: 重庆's table title above each form)
    title: str = "row"
    name_row: bool = True  # a 项目名称 row (without one, the name is the title's)
    code_prefix: bool = False  # 主管部门及代码: ``231_烟台市审计局``
    implementing: bool = True  # a 实施单位 cell beside 主管部门
    parent_supervisor: bool = False  # some forms' 主管部门 is a provincial department
    funds_label: str = "年度资金总额"  # 年度资金总额 | 资金总额 | 年度预算资金总额 | 实施期资金总额
    colon: bool = False  # the funds labels end with ：
    fiscal_label: str = "其中：财政拨款"  # 其中：财政拨款 | 财政拨款
    goal: str = "annual"  # annual (年度目标 → goal) | overall (总体目标 → long_term_goal) | both
    annual_label: str = "年度目标"  # 年度目标 | 年度绩效目标
    overall_label: str = "总体目标"  # 总体目标 | 项目实施期目标 | 中长期目标
    goal_vertical: bool = False  # the goal label printed one character per line
    first_label: str = "绩效指标"  # 绩效指标 | 绩效目标指标 | 年度绩效指标
    #: the first column: merged over the header and the indicator rows; merged over the indicator
    #: rows only (the header's first cell blank); or printed on every indicator row (烟台)
    first_mode: str = "merged"  # merged | rows | repeated
    first_vertical: bool = False  # its label one character per line
    weight: str = ""  # "" (no column) | 分值 | 权重 | 分值权重（90分） | 指标权重(%)
    core: bool = True  # list: a 是否核心 column
    #: level cells: level 1 merged over all its rows (full), or beside each level-2 group (group),
    #: or printed on every row (none)
    level_merge: str = "full"
    level2_short: bool = False  # 经济成本, 社会效益 … instead of 经济成本指标
    cost_first: bool = False  # 成本指标 rows first (烟台), else 产出指标 first
    break_label: str = "first"  # a merged cell cut by a page break prints its label in: first | second | both
    blank_row: bool = False  # a continuation page starts with an empty grid row (福州)
    header_repeat: bool = False  # the indicator header is printed again on a continuation page
    flow: str = "page"  # page (each form on a new page) | packed (forms follow on the same page)
    indicators: str = "short"  # short (3–8 per form) | long (13–22: breaks across pages)
    projects: int = 3
    orientation: str = "portrait"  # portrait | landscape
    thousands: bool = True
    zero: str = "zeros"  # a zero amount printed 0.00 (zeros) or left empty (empty)
    size: float = 8.0
    prose: str = "page"  # none | page (a prose page, heading 1.项目支出绩效目标表) | inline (forms below it)
    cover: bool = True  # a cover page: the department and 20XX年部门预算
    remark_row: bool = False  # a 备注 row closes each form
    exec_score: bool = False  # 执行率分值（10分） beside the funds (西安)
    currency: str = "万元"  # 万元 | 元
    rule_mode: str = "line"  # line | rect | fill
    footer: str = "dash"  # dash | page | plain | none
    breakdown: bool = True  # list: 市级支出 / 补助区县 beside 当年预算
    summary: bool = True  # list: a 项目概况 row
    trailing: bool = False  # prose (2.有关情况说明) after the last form
    #: the title of title=generic/both: 政策和项目预算绩效目标表 (烟台) | 部门专项业务经费绩效目标表 (西安)
    generic_title: str = "政策和项目预算绩效目标表"
    funds_group: str = "项目资金"  # the label over the funds rows: 项目资金 | 专项资金情况 | 资金金额 (+ （万元）)
    supervisor_row: bool = True  # a 主管部门 row (泉州 prints none: no 主管部门, no 实施单位)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def normalized(self) -> FormKnobs:
        """The knobs made consistent: what a publisher could print."""
        k = self
        if k.layout == "list":
            k = replace(
                k,
                title="list",
                name_row=True,
                implementing=False,
                goal="annual",
                annual_label="当年绩效目标",
                first_mode="merged" if k.first_mode == "repeated" else k.first_mode,
                first_label="绩效指标",
                weight="指标权重(%)" if k.weight else "",
                level_merge="none",
                exec_score=False,
                remark_row=False,
                parent_supervisor=False,  # 重庆 is a municipality: no provincial department above
            )
        else:
            if not k.name_row and k.title in ("none", "generic"):
                k = replace(k, name_row=True)
            if k.first_mode == "repeated":
                k = replace(k, first_vertical=False)
        if k.title == "none" and k.prose == "none":
            k = replace(k, prose="page")
        if not k.supervisor_row:
            # 实施单位 shares the 主管部门 row; the department is then named by the cover only
            k = replace(k, implementing=False, parent_supervisor=False, code_prefix=False, cover=True)
        if not k.cover:
            # the department is then read from the 主管部门 of the forms: every form names it
            k = replace(k, parent_supervisor=False)
        return k


def random_form_knobs(rng: random.Random, layout: str | None = None) -> FormKnobs:
    layout = layout or rng.choice(["form", "form", "form", "list"])
    return FormKnobs(
        layout=layout,
        title=rng.choice(["none", "project", "row", "generic", "both"]),
        name_row=rng.random() < 0.7,
        code_prefix=rng.random() < 0.4,
        implementing=rng.random() < 0.6,
        parent_supervisor=rng.random() < 0.2,
        funds_label=rng.choice(["年度资金总额", "资金总额", "年度预算资金总额", "实施期资金总额"]),
        colon=rng.random() < 0.5,
        fiscal_label=rng.choice(["其中：财政拨款", "财政拨款"]),
        goal=rng.choice(["annual", "annual", "overall", "both"]),
        annual_label=rng.choice(["年度目标", "年度绩效目标"]),
        overall_label=rng.choice(["总体目标", "项目实施期目标", "中长期目标"]),
        goal_vertical=rng.random() < 0.25,
        first_label=rng.choice(["绩效指标", "绩效目标指标", "年度绩效指标"]),
        first_mode=rng.choice(["merged", "rows", "repeated"]),
        first_vertical=rng.random() < 0.4,
        weight=rng.choice(["", "", "分值", "权重", "分值权重（90分）"]),
        core=rng.random() < 0.7,
        level_merge=rng.choice(["full", "full", "group", "none"]),
        level2_short=rng.random() < 0.4,
        cost_first=rng.random() < 0.3,
        break_label=rng.choice(["first", "second", "both"]),
        blank_row=rng.random() < 0.2,
        header_repeat=rng.random() < (0.6 if layout == "list" else 0.2),
        flow=rng.choice(["page", "packed"]),
        indicators=rng.choice(["short", "short", "long"]),
        projects=rng.randint(1, 4),
        orientation=rng.choice(["portrait", "portrait", "landscape"]),
        thousands=rng.random() < 0.6,
        zero=rng.choice(["zeros", "zeros", "empty"]),
        size=rng.choice([8.0, 8.0, 9.0, 10.0]),
        prose=rng.choice(["none", "page", "inline"]),
        cover=rng.random() < 0.8,
        remark_row=rng.random() < 0.25,
        exec_score=rng.random() < 0.2,
        currency="元" if rng.random() < 0.1 else "万元",
        rule_mode=rng.choice(["line", "line", "rect", "fill"]),
        footer=rng.choice(["dash", "page", "plain", "none"]),
        breakdown=rng.random() < 0.6,
        summary=rng.random() < 0.7,
        trailing=rng.random() < 0.3,
        generic_title=rng.choice(["政策和项目预算绩效目标表", "部门专项业务经费绩效目标表"]),
        funds_group=rng.choice(["项目资金", "专项资金情况", "资金金额"]),
        supervisor_row=layout == "list" or rng.random() < 0.85,
    ).normalized()


# ---------------------------------------------------------------- content

#: (city, departments, the province whose departments supervise some of their projects)
FORM_CITIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("烟台市", ("烟台市审计局", "烟台市统计局", "烟台市医疗保障局", "烟台市司法局", "烟台市信访局"), "山东省"),
    ("福州市", ("福州市商务局", "福州市医疗保障局", "福州市生态环境局", "福州市水利局"), "福建省"),
    ("泉州市", ("泉州市公安局", "泉州市市场监督管理局", "泉州市统计局"), "福建省"),
    ("西安市", ("西安市统计局", "西安市审计局", "西安市司法局"), "陕西省"),
)
LIST_CITIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("重庆市", ("重庆市商务委员会", "重庆市水利局", "重庆市气象局", "重庆市统计局"), "重庆市"),
)
UNIT_SUFFIXES = ("服务中心", "事务中心", "发展促进中心", "信息中心", "保障中心")
#: Project names that make a good title (``X项目绩效目标表``).
FORM_PROJECTS = (
    "审计业务经费",
    "审计专项经费",
    "智慧审计平台等保测评服务",
    "办公楼物业",
    "办公楼租金",
    "信息系统运维经费",
    "统计调查监测",
    "统计业务培训",
    "社情民意调查",
    "法律咨询服务",
    "公车统管费用",
    "档案数字化加工",
    "业务用房维修改造",
    "政务服务热线运行经费",
    "专项业务工作经费",
    "网络安全等级保护测评",
    "宣传教育经费",
    "执法装备购置",
    "数据中心机房运维",
    "课题研究经费",
    "{year}年城乡医疗救助补助资金",
    "原审计署烟台基地退休人员补助经费",
    "知识产权馆建设费用",
    "口岸单位补贴",
    "菜篮子工程建设专项资金",
)
#: Names a title cannot carry (a % in a title line): only in forms with a 项目名称 row.
AWKWARD_PROJECTS = ("1%人口普查（{year}）", "“互联网+监管”系统运维（二期）")
LIST_PROJECTS = (
    "市商务发展专项",
    "水库移民后期扶持",
    "重庆市水利专项资金",
    "气象事务",
    "气象防灾减灾专项",
    "市级统计调查专项",
    "会展经济发展专项",
    "外经贸发展专项资金",
)
GOAL_SENTENCES = (
    "按照审计署及省审计厅相关审计计划安排，完成指定审计项目",
    "依法履行审计监督职责，深入开展研究型审计，提升人员依法审计的能力和水平。",
    "保障办公区域正常运转、安全生产任务完成",
    "办公用房租金支出，保障行政办公、会议、后勤用房等功能性需求",
    "根据《物业服务合同》租用面积5137.26平方米，年物业费每平米50.4元。",
    "完成{year}年度各项统计调查任务，确保统计数据真实、准确、完整、及时。",
    "优化营商环境，提升口岸跨境贸易便利化水平，推动外向型经济向前发展。",
    "构建数量适宜、布局合理、竞争有序、功能完善的服务网络体系",
    "加强信息系统运行维护，保障业务系统全年稳定运行，故障处理及时率达到95%以上。",
    "开展业务培训4期，培训人员300人次，提升干部队伍业务能力。",
    "聚焦“财政财务收支真实合法效益”主责主业，做好常态化“经济体检”，推进工作高质量发展。",
    "实现年储备活体生猪10.8万头，冻猪肉储备保持在1000吨以上。",
)
SUMMARIES = (
    "为深入贯彻落实党中央、国务院决策部署，推动重点工作顺利开展，安排本项目资金。",
    "本项目用于保障各项业务工作正常开展，资金按照相关管理办法使用。",
    "项目资金主要用于补助区县开展相关工作，以及市级统筹推进重点任务。",
)

# (level1, level2, name, kind): kinds are read by ``_form_target``
FORM_INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    ("产出指标", "数量指标", "审计项目数量", "count:个"),
    ("产出指标", "数量指标", "开展培训场次", "count:场"),
    ("产出指标", "数量指标", "培训人次", "count:人次"),
    ("产出指标", "数量指标", "检查单位数量", "count:家"),
    ("产出指标", "数量指标", "印刷统计资料数量", "count:份"),
    ("产出指标", "数量指标", "审计报告数量（篇）", "name_unit"),
    ("产出指标", "数量指标", "物业管理面积", "area"),
    ("产出指标", "数量指标", "采购设备数量", "count:台"),
    ("产出指标", "质量指标", "审计项目报告合格率", "pct_ge"),
    ("产出指标", "质量指标", "设备完好率", "pct_eq"),
    ("产出指标", "质量指标", "系统正常运行率", "pct_ge"),
    ("产出指标", "质量指标", "审计程序规范率", "pct_ge"),
    ("产出指标", "质量指标", "内审报告合格率（%）", "name_unit"),
    ("产出指标", "质量指标", "验收合格率", "pct_eq"),
    ("产出指标", "时效指标", "审计项目开展及时率", "pct_ge"),
    ("产出指标", "时效指标", "资金拨付及时率", "pct_ge"),
    ("产出指标", "时效指标", "项目完成时间", "date"),
    ("产出指标", "时效指标", "服务提供时间", "rate_time"),
    ("产出指标", "时效指标", "审计报告报送频次", "rate_freq"),
    ("产出指标", "时效指标", "故障响应时间", "count:小时"),
    ("成本指标", "经济成本指标", "项目总成本", "money_le"),
    ("成本指标", "经济成本指标", "审计人员成本标准", "rate_cost"),
    ("成本指标", "经济成本指标", "委托中介机构费（万元）", "name_unit"),
    ("成本指标", "经济成本指标", "物业成本控制率", "pct_le100"),
    ("成本指标", "经济成本指标", "单位服务成本", "bare_wan"),
    ("成本指标", "社会成本指标", "社会成本控制", "text"),
    ("成本指标", "生态环境成本指标", "环境污染控制", "text"),
    ("效益指标", "经济效益指标", "促进增收节支金额", "money_ge"),
    ("效益指标", "经济效益指标", "带动社会投资", "money_ge"),
    ("效益指标", "社会效益指标", "促进重大政策措施落实落地", "text"),
    ("效益指标", "社会效益指标", "群众知晓率", "pct_ge"),
    ("效益指标", "社会效益指标", "火灾发生率", "pct_le"),
    ("效益指标", "社会效益指标", "提供决策参考次数", "count:次"),
    ("效益指标", "生态效益指标", "绿化覆盖率", "pct_ge"),
    ("效益指标", "生态效益指标", "空气质量优良天数比例", "pct_ge"),
    ("效益指标", "可持续影响指标", "长效管理机制", "text"),
    ("效益指标", "可持续影响指标", "服务能力提升", "text"),
    ("满意度指标", "服务对象满意度指标", "被审计单位满意度", "pct_ge"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "pct_ge"),
    ("满意度指标", "服务对象满意度指标", "使用人员满意度", "pct_ge"),
)
LEVEL1_ORDER = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL1_ORDER_COST_FIRST = ("成本指标", "产出指标", "效益指标", "满意度指标")
LEVEL2_ORDER = (
    "数量指标",
    "质量指标",
    "时效指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
)
SHORT_LEVEL2 = {
    "经济成本指标": "经济成本",
    "社会成本指标": "社会成本",
    "生态环境成本指标": "生态环境成本",
    "经济效益指标": "经济效益",
    "社会效益指标": "社会效益",
    "生态效益指标": "生态效益",
    "可持续影响指标": "可持续影响",
    "服务对象满意度指标": "服务对象满意度",
}
# (name, 指标性质, 指标值, 计量单位) of a list grid
LIST_INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    ("重要商品储备数量", "≥", "7500", "吨"),
    ("举办展会活动场次", "≥", "143", "场次"),
    ("外贸进出口总值", "≥", "8000", "亿元"),
    ("离岸服务外包执行额", "≥", "22.6", "亿美元"),
    ("网络零售额同比增速", "≥", "8", "%"),
    ("应急状态下冻猪肉供应断档脱销次数", "=", "0", "次"),
    ("综合观测系统装备维修时限", "≤", "36", "小时"),
    ("部门预决算按时公开率", "=", "100", "%"),
    ("气象台站改造数量", "≥", "4", "个"),
    ("项目资金支出", "≤", "536.56308", "万元"),
    ("水库移民后期扶持人数", "≥", "150", "万人"),
    ("工作质量", "定性", "优良", ""),
    ("群众反映问题办结情况", "定性", "及时办结", ""),
    ("短期天气预报准确率", "≥", "78", "%"),
    ("办理行政审批和公共服务事项数量", "≥", "60000", "件"),
    ("外资企业对政策与政府服务满意度", "≥", "90", "%"),
    ("调研成果运用于文件政策数量", "定量", "10", "个"),
    ("新设外商投资企业数量", "≥", "260", "家"),
    ("监测站点运行率", "≥", "98", "%"),
    ("信息公开及时率", "=", "100", "%"),
)
NATURE_OPS = {"≥": ">=", "≤": "<=", "=": "=", "定量": "="}
TEXT_TARGETS = ("有效促进", "有效保障", "持续提升", "明显提升", "健全", "显著提高", "逐步完善")


def canonical(d: Decimal) -> str:
    """A value as the truth writes it: no fractional zeros left by multiplying out 万/亿."""
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def _form_target(rng: random.Random, kind: str, year: int) -> tuple[str, str | None, str | None, str | None]:
    """(printed target, op, value, value_unit) of a form's 指标值 cell, following the spec."""
    if kind == "pct_ge":
        v = rng.choice(["85", "90", "95", "98", "99", "100"])
        pct = "％" if rng.random() < 0.1 else "%"
        return f"≥{v}{pct}", ">=", v, pct
    if kind == "pct_eq":
        v = rng.choice(["100", "100", "98"])
        return rng.choice([f"={v}%", f"{v}%"]), "=", v, "%"
    if kind == "pct_le":
        v = rng.choice(["0", "1", "3", "5"])
        return f"≤{v}%", "<=", v, "%"
    if kind == "pct_le100":
        return "≤100%", "<=", "100", "%"
    if kind.startswith("count:"):
        unit = kind.split(":", 1)[1]
        n = rng.choice([1, 2, 3, 4, 6, 8, 12, 20, 50, 120, 300, 1500])
        sym, op = rng.choice([("≥", ">="), ("≥", ">="), ("=", "="), ("≤", "<=")])
        return f"{sym}{n}{unit}", op, str(n), unit
    if kind == "area":
        v = rng.choice(["5137.26", "1200", "860.5"])
        return f"≤{v}平方米", "<=", v, "平方米"
    if kind == "money_le":
        v = rng.choice(["31", "4.5", "18", "184.94", "539", "1849.5"])
        return f"≤{v}万元", "<=", canonical(Decimal(v) * 10000), "元"
    if kind == "money_ge":
        v, mult, word = rng.choice(
            [("100", 10000, "万元"), ("1200", 10000, "万元"), ("1.07", 10**8, "亿元"), ("8000", 10**8, "亿元")]
        )
        return f"≥{v}{word}", ">=", canonical(Decimal(v) * mult), "元"
    if kind == "rate_cost":
        return "≤560元/人/天", "<=", "560", "元/人/天"
    if kind == "rate_freq":
        return "=2次/年", "=", "2", "次/年"
    if kind == "rate_time":
        return "=24小时/日", "=", "24", "小时/日"
    if kind == "bare_wan":
        return "≤4.5万", "<=", "45000", None
    if kind == "name_unit":  # the unit is in the indicator's name: none in the target
        return rng.choice([("≤1.5", "<=", "1.5", None), ("≥5", ">=", "5", None), ("100", "=", "100", None)])
    if kind == "date":
        return rng.choice(["12月前完成", "7月底前", "11月底前完成", f"{year}年12月31日前"]), None, None, None
    return rng.choice(TEXT_TARGETS), None, None, None


@dataclass
class SynthFormIndicator:
    level1: str | None
    level2: str | None
    l1_text: str  # as printed
    l2_text: str
    name: str
    target: str  # the 指标值 cell as printed
    op: str | None
    value: str | None
    value_unit: str | None
    nature: str | None = None  # list: 指标性质
    unit_cell: str | None = None  # list: 计量单位
    weight: str | None = None
    core: bool | None = None


@dataclass
class SynthForm:
    name: str
    title: str  # X项目绩效目标表
    supervising: str  # as printed
    supervising_truth: str
    implementing: str | None
    amounts: dict[str, Decimal | None]
    goal: str | None
    long_term_goal: str | None
    indicators: list[SynthFormIndicator]
    summary: str = ""
    breakdown: tuple[Decimal | None, Decimal | None] = (None, None)  # list: 市级支出, 补助区县
    unit: str = ""


def _weights(rng: random.Random, n: int, total: int) -> list[str]:
    base = [total // n] * n
    for i in range(total - sum(base)):
        base[i % n] += 1
    if rng.random() < 0.3 and n >= 2:  # uneven: move some weight
        d = min(base[1] - 1, rng.randint(1, 5))
        base[0] += d
        base[1] -= d
    return [str(w) for w in base]


def _form_indicators(rng: random.Random, k: FormKnobs, year: int) -> list[SynthFormIndicator]:
    n = rng.randint(3, 8) if k.indicators == "short" else rng.randint(13, 22)
    chosen = rng.sample(FORM_INDICATORS, min(n, len(FORM_INDICATORS)))
    order = LEVEL1_ORDER_COST_FIRST if k.cost_first else LEVEL1_ORDER
    chosen.sort(key=lambda e: (order.index(e[0]), LEVEL2_ORDER.index(e[1])))
    out = []
    for level1, level2, name, kind in chosen:
        target, op, value, unit = _form_target(rng, kind, year)
        l2_text = SHORT_LEVEL2.get(level2, level2) if k.level2_short else level2
        out.append(SynthFormIndicator(level1, level2, level1, l2_text, name, target, op, value, unit))
    if k.weight:
        total = 90 if "90" in k.weight else 100
        for ind, w in zip(out, _weights(rng, len(out), total), strict=True):
            ind.weight = w
    return out


def _list_indicators(rng: random.Random, k: FormKnobs) -> list[SynthFormIndicator]:
    n = rng.randint(3, 8) if k.indicators == "short" else rng.randint(13, 19)
    chosen = rng.sample(LIST_INDICATORS, min(n, len(LIST_INDICATORS)))
    weights = _weights(rng, len(chosen), 100)
    n_core = max(1, round(len(chosen) * rng.uniform(0.3, 0.7)))
    out = []
    for i, (name, nature, value, unit) in enumerate(chosen):
        op = NATURE_OPS.get(nature)
        if op is None:  # 定性: no comparison
            v: str | None = None
            u: str | None = None
        else:
            scale, u = Decimal(1), unit or None
            for prefix, mult in (("亿", 10**8), ("万", 10**4)):
                if unit.startswith(prefix):
                    scale, u = Decimal(mult), unit[len(prefix) :] or None
                    break
            v = canonical(Decimal(value) * scale)
        out.append(
            SynthFormIndicator(
                None,
                None,
                "",
                "",
                name,
                value,
                op,
                v,
                u,
                nature=nature,
                unit_cell=unit,
                weight=weights[i] if k.weight else None,
                core=(i < n_core) if k.core else None,
            )
        )
    return out


def _money(rng: random.Random, currency: str) -> Decimal:
    lo, hi = (1.0, 20000.0) if currency == "万元" else (10000.0, 9000000.0)
    return Decimal(f"{rng.uniform(lo, hi):.2f}")


def _goal(rng: random.Random, year: int) -> str:
    return "".join(rng.sample(GOAL_SENTENCES, rng.randint(1, 3))).format(year=year)


def make_forms(rng: random.Random, k: FormKnobs, department: str, parent: str, year: int) -> list[SynthForm]:
    """The projects of one document, each with its indicators and truth."""
    city = department[: department.index("市") + 1]
    core = department.removeprefix(city).removesuffix("委员会").removesuffix("局")
    units = [department, f"{department}本级", *(f"{city}{core}{s}" for s in rng.sample(UNIT_SUFFIXES, 2))]
    code = str(rng.randint(101, 399))
    parent_code = str(rng.randint(101, 399))
    names = list(LIST_PROJECTS if k.layout == "list" else FORM_PROJECTS)
    if k.layout == "form" and k.title in ("none", "generic"):
        names += AWKWARD_PROJECTS
    picked = rng.sample(names, k.projects)
    forms = []
    for raw in picked:
        name = raw.format(year=year)
        parented = k.parent_supervisor and rng.random() < 0.5
        sup = parent if parented else department
        printed = f"{parent_code if parented else code}_{sup}" if k.code_prefix else sup
        implementing = rng.choice(units) if k.implementing else None
        fiscal = _money(rng, k.currency)
        other = _money(rng, k.currency) if rng.random() < 0.3 else Decimal("0.00")
        amounts: dict[str, Decimal | None] = {"total": fiscal + other, "fiscal_appropriation": fiscal}
        amounts["other_funds"] = other
        goal = _goal(rng, year) if k.goal in ("annual", "both") else None
        long_term = _goal(rng, year) if k.goal in ("overall", "both") else None
        if k.layout == "list":
            inds = _list_indicators(rng, k)
            total = amounts["total"] or Decimal(0)
            city_part = (total * Decimal(rng.choice(["1", "0.8", "0.6", "0"]))).quantize(Decimal("0.01"))
            rest = total - city_part
            breakdown = (city_part if city_part else None, rest if rest else None)
            form = SynthForm(
                name, "", printed, sup, None, {"total": total}, goal, None, inds, rng.choice(SUMMARIES), breakdown
            )
        else:
            inds = _form_indicators(rng, k, year)
            form = SynthForm(name, f"{name}项目绩效目标表", printed, sup, implementing, amounts, goal, long_term, inds)
        form.unit = implementing or department
        forms.append(form)
    return forms


# ---------------------------------------------------------------- the grid of one form


@dataclass
class _Span:
    """A cell of a form: rows r0..r1 (inclusive) of the form, x0..x1 on the page."""

    r0: int
    r1: int
    x0: float
    x1: float
    lines: list[str] = field(default_factory=list)
    align: str = "center"  # left | center | right
    col: int = -1  # its column in the indicator grid, -1 above the grid
    split: bool = False  # a merged grid cell whose label goes in one part when a break cuts it
    label: str = ""  # the unwrapped label (a vertical label that must be laid out again)
    size: float | None = None


@dataclass
class _Block:
    """One form laid out as rows and spans, before it is cut into pages."""

    form: SynthForm
    heights: list[float]
    spans: list[_Span]
    keep: int  # rows [0, keep) stay on the page where the form starts
    cols: list[tuple[float, float]]  # the indicator grid's columns
    header_row: int
    ind_rows: list[int]  # the row of each indicator


@dataclass
class _Part:
    page: int
    s: int  # rows s..e-1 of the block
    e: int
    top: float
    prefix: list[str]  # rows drawn before s on a continuation page: header, blank
    title_top: float | None = None  # where the outside title goes (the form's first part)


class FormWriter:
    """Lays out and draws the forms of one document, and records their truth."""

    def __init__(self, doc: Doc, k: FormKnobs, department: str, year: int) -> None:
        self.doc = doc
        self.k = k
        self.department = department
        self.year = year
        self.size = k.size
        self.lead = k.size * 1.32
        self.page_size = landscape(A4) if k.orientation == "landscape" else A4
        self.w, self.h = self.page_size
        self.margin = 60.0 if k.orientation == "landscape" else 50.0
        self.left = self.margin
        self.width = self.w - 2 * self.margin
        self.bottom = self.h - 50.0
        self.page = doc.page  # the page the cursor is on (a cover, or 0: none yet)
        self.y = self.bottom + 1  # nothing goes on a cover: the first form takes a new page
        self.fresh_page = False  # the cursor's page has no form on it yet
        self._end_y = 0.0
        self.first_table_title = True
        self.rows: list[dict[str, Any]] = []
        self.indicators: list[dict[str, Any]] = []

    # -- text helpers
    def _wrap(self, text: str, width: float, size: float | None = None) -> list[str]:
        return wrap(text, width - 2 * PAD_X, size or self.size)

    def _h(self, n_lines: int, size: float | None = None) -> float:
        lead = (size or self.size) * 1.32
        return max(1, n_lines) * lead + 2 * PAD_Y

    def _x(self, f: float) -> float:
        return self.left + f * self.width

    # -- the layout of one form
    def layout(self, form: SynthForm) -> _Block:
        k = self.k
        spans: list[_Span] = []
        heights: list[float] = []

        def row(*cells: tuple[float, float, str, str]) -> None:
            r = len(heights)
            h = self._h(1)
            for f0, f1, text, align in cells:
                x0, x1 = self._x(f0), self._x(f1)
                lines = self._wrap(text, x1 - x0)
                spans.append(_Span(r, r, x0, x1, lines, align))
                h = max(h, self._h(len(lines)))
            heights.append(h)

        def label_lines(text: str, x0: float, x1: float, vertical: bool) -> list[str]:
            return list(text) if vertical else self._wrap(text, x1 - x0)

        la = 0.12 if k.layout == "list" else 0.17
        if k.title in ("row", "both"):
            size = self.size + 4
            lines = self._wrap(form.title, self.width, size)
            spans.append(_Span(0, 0, self._x(0), self._x(1), lines, "center", size=size))
            heights.append(self._h(len(lines), size))
        if k.layout == "list":
            row(
                (0, la, "项目名称", "center"),
                (la, 0.55, form.name, "left"),
                (0.55, 0.67, "主管部门", "center"),
                (0.67, 1, form.supervising, "left"),
            )
            self._list_budget(form, spans, heights, la)
            if k.summary:
                row((0, la, "项目概况", "center"), (la, 1, form.summary, "left"))
            assert form.goal is not None
            row((0, la, k.annual_label, "center"), (la, 1, form.goal, "left"))
        else:
            if k.name_row:
                row((0, la, "项目名称", "center"), (la, 1, form.name, "center"))
            sup_label = "主管部门及代码" if k.code_prefix else "主管部门"
            if k.supervisor_row and form.implementing is not None:
                row(
                    (0, la, sup_label, "center"),
                    (la, 0.5, form.supervising, "center"),
                    (0.5, 0.64, "实施单位", "center"),
                    (0.64, 1, form.implementing, "center"),
                )
            elif k.supervisor_row:
                row((0, la, sup_label, "center"), (la, 1, form.supervising, "left"))
            self._form_funds(form, spans, heights, la)
            goals: list[tuple[str, str]] = []
            if form.long_term_goal is not None:
                goals.append((k.overall_label, form.long_term_goal))
            if form.goal is not None:
                goals.append((k.annual_label, form.goal))
            for label, text in goals:
                r = len(heights)
                lines = label_lines(label, self._x(0), self._x(la), k.goal_vertical)
                value = self._wrap(text, self._x(1) - self._x(la))
                spans.append(_Span(r, r, self._x(0), self._x(la), lines, "center", label=label))
                spans.append(_Span(r, r, self._x(la), self._x(1), value, "left"))
                heights.append(max(self._h(len(lines)), self._h(len(value)), 2 * self._h(1)))
        return self._grid(form, spans, heights)

    def _money(self, v: Decimal | None) -> str:
        if v is None or v == 0:
            return "0.00" if self.k.zero == "zeros" else ""
        return f"{v:,.2f}" if self.k.thousands else f"{v:.2f}"

    def _form_funds(self, form: SynthForm, spans: list[_Span], heights: list[float], la: float) -> None:
        k = self.k
        r0 = len(heights)
        lb = la + 0.22
        right = 0.8 if k.exec_score else 1.0
        colon = "：" if k.colon else ""
        labels = [k.funds_label + colon, k.fiscal_label + colon, "其他资金" + colon]
        keys = ["total", "fiscal_appropriation", "other_funds"]
        for i, (label, key) in enumerate(zip(labels, keys, strict=True)):
            lab = self._wrap(label, self._x(lb) - self._x(la))
            spans.append(_Span(r0 + i, r0 + i, self._x(la), self._x(lb), lab, "left" if k.colon else "center"))
            val = self._money(form.amounts.get(key))
            spans.append(_Span(r0 + i, r0 + i, self._x(lb), self._x(right), [val] if val else [], "center"))
            heights.append(self._h(len(lab)))
        group = self._wrap(f"{k.funds_group}（{k.currency}）", self._x(la) - self._x(0))
        spans.append(_Span(r0, r0 + 2, self._x(0), self._x(la), group, "center"))
        tallest = len(group)
        if k.exec_score:
            score = self._wrap("执行率分值（10分）", self._x(1) - self._x(right))
            spans.append(_Span(r0, r0 + 2, self._x(right), self._x(1), score, "center"))
            tallest = max(tallest, len(score))
        need = self._h(tallest) - sum(heights[r0:])
        if need > 0:
            heights[-1] += need

    def _list_budget(self, form: SynthForm, spans: list[_Span], heights: list[float], la: float) -> None:
        r0 = len(heights)
        total = self._money(form.amounts["total"])
        if not self.k.breakdown:
            spans.append(_Span(r0, r0, self._x(0), self._x(la), ["当年预算"], "center"))
            spans.append(_Span(r0, r0, self._x(la), self._x(1), [total], "center"))
            heights.append(self._h(1))
            return
        spans.append(_Span(r0, r0 + 1, self._x(0), self._x(la), ["当年预算"], "center"))
        spans.append(_Span(r0, r0 + 1, self._x(la), self._x(0.55), [total], "center"))
        for i, (label, v) in enumerate(zip(("市级支出", "补助区县"), form.breakdown, strict=True)):
            spans.append(_Span(r0 + i, r0 + i, self._x(0.55), self._x(0.67), [label], "center"))
            text = "" if v is None else self._money(v)
            spans.append(_Span(r0 + i, r0 + i, self._x(0.67), self._x(1), [text] if text else [], "center"))
            heights.append(self._h(1))

    def _grid(self, form: SynthForm, spans: list[_Span], heights: list[float]) -> _Block:
        """The indicator grid under the form's fields."""
        k = self.k
        if k.layout == "list":
            fr = [0.10, 0.34, 0.10, 0.12, 0.11, 0.12, 0.11]
            heads = ["", "指标名称", "指标性质", "指标值", "计量单位", "指标权重(%)", "是否核心"]
            keep_cols = [True, True, True, True, True, bool(k.weight), k.core]
        else:
            fr = [0.11, 0.14, 0.16, 0.30, 0.17, 0.12]
            heads = ["", "一级指标", "二级指标", "三级指标", "指标值", k.weight]
            keep_cols = [True, True, True, True, True, bool(k.weight)]
        fr = [f for f, keep in zip(fr, keep_cols, strict=True) if keep]
        heads = [h for h, keep in zip(heads, keep_cols, strict=True) if keep]
        scale = 1 / sum(fr)
        xs = [0.0]
        for f in fr:
            xs.append(xs[-1] + f * scale)
        cols = [(self._x(a), self._x(b)) for a, b in itertools.pairwise(xs)]
        header_row = len(heights)
        # the header row
        h = self._h(1)
        for c, text in enumerate(heads):
            if c == 0:
                continue
            lines = self._wrap(text, cols[c][1] - cols[c][0])
            spans.append(_Span(header_row, header_row, *cols[c], lines, "center", col=c))
            h = max(h, self._h(len(lines)))
        heights.append(h)
        inds = form.indicators
        first = header_row + 1
        last = first + len(inds) - 1
        ind_rows = list(range(first, last + 1))
        # the indicator rows' own cells
        for i, ind in enumerate(inds):
            r = first + i
            if k.layout == "list":
                texts = [ind.name, ind.nature or "", ind.target, ind.unit_cell or ""]
                aligns = ["left", "center", "center", "center"]
                if k.weight:
                    texts.append(ind.weight or "")
                    aligns.append("center")
                if k.core:
                    texts.append("是" if ind.core else "否")
                    aligns.append("center")
                start = 1
            else:
                texts = [ind.name, ind.target] + ([ind.weight or ""] if k.weight else [])
                aligns = ["center"] * len(texts)
                start = 3
            hh = self._h(1)
            for j, (text, align) in enumerate(zip(texts, aligns, strict=True)):
                c = start + j
                lines = self._wrap(text, cols[c][1] - cols[c][0]) if text else []
                spans.append(_Span(r, r, *cols[c], lines, align, col=c))
                hh = max(hh, self._h(len(lines)))
            heights.append(max(hh, self._h(2) if k.layout == "form" else hh))
        # level cells (forms)
        if k.layout == "form":
            for c, key in ((1, "l1"), (2, "l2")):
                for a, b, text in self._level_runs(inds, key):
                    lines = self._wrap(text, cols[c][1] - cols[c][0])
                    spans.append(_Span(first + a, first + b, *cols[c], lines, "center", col=c, split=True))
        # the first column
        label = k.first_label
        x0, x1 = cols[0]
        if k.first_mode == "repeated":
            spans.append(_Span(header_row, header_row, x0, x1, [], col=0))
            for r in ind_rows:
                spans.append(_Span(r, r, x0, x1, self._wrap(label, x1 - x0), col=0))
        else:
            top = header_row if k.first_mode == "merged" else first
            if top != header_row:
                spans.append(_Span(header_row, header_row, x0, x1, [], col=0))
            lines = list(label) if k.first_vertical else self._wrap(label, x1 - x0)
            spans.append(_Span(top, last, x0, x1, lines, "center", col=0, split=True, label=label))
        # merged cells taller than their rows: the last row grows
        for sp in spans:
            if sp.r1 > sp.r0 and sp.col >= 1:
                need = self._h(len(sp.lines)) - sum(heights[sp.r0 : sp.r1 + 1])
                if need > 0:
                    heights[sp.r1] += need
            if sp.split and sp.col >= 1:  # a part of one row must hold the label
                for r in range(sp.r0, sp.r1 + 1):
                    heights[r] = max(heights[r], self._h(len(sp.lines)))
        if self.k.remark_row:
            r = len(heights)
            spans.append(_Span(r, r, *cols[0], ["备注"], "center"))
            spans.append(_Span(r, r, cols[1][0], cols[-1][1], [], "left"))
            heights.append(self._h(1))
        keep = first + 1
        return _Block(form, heights, spans, keep, cols, header_row, ind_rows)

    def _level_runs(self, inds: list[SynthFormIndicator], key: str) -> list[tuple[int, int, str]]:
        """Runs of rows (first, last, label) that one level cell covers."""
        merge = self.k.level_merge

        def ident(i: int) -> tuple[str, ...]:
            ind = inds[i]
            if key == "l1":
                if merge == "full":
                    return (ind.l1_text,)
                return (ind.l1_text, ind.l2_text)
            return (ind.l1_text, ind.l2_text)

        runs: list[tuple[int, int, str]] = []
        for i, ind in enumerate(inds):
            text = ind.l1_text if key == "l1" else ind.l2_text
            if merge != "none" and runs and ident(i) == ident(runs[-1][0]):
                runs[-1] = (runs[-1][0], i, text)
            else:
                runs.append((i, i, text))
        return runs

    # -- pages
    def new_page(self, *, titled: bool = True) -> None:
        """A new page; a form page of a document with a generic title prints it first."""
        self.doc.new_page(self.page_size)
        self.page = self.doc.page
        self.y = 50.0 if self.k.orientation == "portrait" else 40.0
        self.fresh_page = True
        k = self.k
        if titled and k.title in ("generic", "both"):
            self.doc.text(k.generic_title, self.w / 2, self.y, 15, "center")
            self.y += 22
            self.doc.text(f"（{self.year}年度）", self.w / 2, self.y, 11, "center")
            self.y += 24

    def _list_title(self) -> float:
        """重庆's table title above each form; returns its height."""
        return 62.0 if self.first_table_title else 46.0

    def _draw_list_title(self, top: float) -> None:
        d = self.doc
        if self.first_table_title:
            d.text("表十一", self.left, top, 11)
            top += 16
            self.first_table_title = False
        d.text(f"{self.year}年市级重点专项资金绩效目标表（一级项目）", self.w / 2, top, 14, "center")
        d.text(f"单位：{self.k.currency}", self.w - self.margin, top + 24, 9, "right")

    def plan(self, b: _Block) -> list[_Part]:
        """Cut a form into page parts: (page, rows, top) — pages counted from the cursor."""
        k = self.k
        title_h = 0.0
        if k.title == "project":
            title_h = 30.0
        elif k.layout == "list":
            title_h = self._list_title()
        head = title_h + sum(b.heights[: b.keep])
        page, y = self.page, self.y
        gap = 0.0 if self.fresh_page else 18.0
        if (k.flow == "page" and not self.fresh_page) or y + gap + head > self.bottom:
            page, y = page + 1, self._page_top()
        else:
            y += gap
        parts = [_Part(page, 0, 0, y + title_h, [], title_top=y if title_h else None)]
        y += title_h
        header_h = b.heights[b.header_row]
        for r, h in enumerate(b.heights):
            if y + h > self.bottom and r >= b.keep:
                parts[-1].e = r
                page, y = page + 1, self._page_top()
                prefix: list[str] = []
                if k.header_repeat and r > b.header_row + 1:
                    prefix.append("header")
                if k.blank_row and r in b.ind_rows[1:]:
                    prefix.append("blank")
                parts.append(_Part(page, r, 0, y, prefix))
                y += sum(header_h if p == "header" else self._h(1) for p in prefix)
            y += h
        parts[-1].e = len(b.heights)
        self._end_y = y
        return parts

    def _page_top(self) -> float:
        top = 50.0 if self.k.orientation == "portrait" else 40.0
        if self.k.title in ("generic", "both"):
            top += 46
        return top

    def write(self, form: SynthForm) -> None:
        b = self.layout(form)
        parts = self.plan(b)
        labels = self._label_parts(b, parts)
        row_page: dict[int, int] = {}
        for j, part in enumerate(parts):
            while self.page < part.page:
                self.new_page()
            if part.title_top is not None:
                if self.k.layout == "list":
                    self._draw_list_title(part.title_top)
                else:
                    self.doc.text(form.title, self.w / 2, part.title_top + 4, 14, "center")
            self._draw_part(b, part, j, labels)
            for r in range(part.s, part.e):
                row_page[r] = part.page
            self.fresh_page = False
        self.y = self._end_y
        self._record(b, parts[0].page, row_page)

    def _label_parts(self, b: _Block, parts: list[_Part]) -> dict[int, set[int]]:
        """For each split span (by index), the parts whose box prints its label."""
        out: dict[int, set[int]] = {}
        for i, sp in enumerate(b.spans):
            covering = [j for j, p in enumerate(parts) if sp.r0 < p.e and sp.r1 >= p.s]
            if len(covering) <= 1 or not sp.split:
                out[i] = set(covering)
                continue
            mode = self.k.break_label
            chosen = {covering[0]} if mode == "first" else {covering[-1]} if mode == "second" else set(covering)
            out[i] = chosen
        return out

    def _draw_part(self, b: _Block, part: _Part, j: int, labels: dict[int, set[int]]) -> None:
        d = self.doc
        ys: dict[int, float] = {}
        y = part.top
        header_h = b.heights[b.header_row]
        prefix_top: dict[str, float] = {}
        for p in part.prefix:
            prefix_top[p] = y
            y += header_h if p == "header" else self._h(1)
        for r in range(part.s, part.e):
            ys[r] = y
            y += b.heights[r]
        continuing = {sp.col for sp in b.spans if sp.col >= 0 and sp.r0 < part.s <= sp.r1}
        # the prefix rows of a continuation page
        if "header" in part.prefix:
            t = prefix_top["header"]
            for sp in b.spans:
                if sp.r0 == sp.r1 == b.header_row:
                    d.box(sp.x0, t, sp.x1, t + header_h)
                    self._text(sp.lines, sp.x0, sp.x1, t, t + header_h, sp.align, sp.size)
        if "blank" in part.prefix:
            t = prefix_top["blank"]
            for c, (x0, x1) in enumerate(b.cols):
                if c not in continuing:
                    d.box(x0, t, x1, t + self._h(1))
        for i, sp in enumerate(b.spans):
            if sp.r1 < part.s or sp.r0 >= part.e:
                continue
            a, z = max(sp.r0, part.s), min(sp.r1, part.e - 1)
            top, bottom = ys[a], ys[z] + b.heights[z]
            if sp.r0 < part.s and part.prefix:
                # a cell that goes on from the page before covers the blank row, and the
                # first column (merged over the header) covers the repeated header too
                top = part.top
                if "header" in part.prefix and not (sp.col == 0 and sp.r0 <= b.header_row):
                    top += header_h
            d.box(sp.x0, top, sp.x1, bottom)
            if j in labels.get(i, set()):
                lines = sp.lines
                if sp.split and self._h(len(lines)) > bottom - top + 0.5:
                    if sp.label:  # a vertical label that does not fit this part: laid out across
                        lines = self._wrap(sp.label, sp.x1 - sp.x0)
                    if self._h(len(lines)) > bottom - top + 0.5:
                        continue
                self._text(lines, sp.x0, sp.x1, top, bottom, sp.align, sp.size)

    def _text(
        self, lines: list[str], x0: float, x1: float, top: float, bottom: float, align: str, size: float | None
    ) -> None:
        if not lines:
            return
        size = size or self.size
        lead = size * 1.32
        y = (top + bottom - len(lines) * lead) / 2 + (lead - size) / 2
        for ln in lines:
            if align == "left":
                self.doc.text(ln, x0 + PAD_X, y, size)
            elif align == "right":
                self.doc.text(ln, x1 - PAD_X, y, size, "right")
            else:
                self.doc.text(ln, (x0 + x1) / 2, y, size, "center")
            y += lead

    # -- truth
    def _record(self, b: _Block, page: int, row_page: dict[int, int]) -> None:
        f, k = b.form, self.k
        if k.layout == "list":
            amounts: dict[str, str | None] = {"total": f"{f.amounts['total']:.2f}"}
        else:
            amounts = {}
            for key in ("total", "fiscal_appropriation", "other_funds"):
                v = f.amounts.get(key)
                amounts[key] = None if (v is None or (v == 0 and k.zero == "empty")) else f"{v:.2f}"
        self.rows.append(
            {
                "row_type": "project",
                "unit": f.unit,
                "project": f.name,
                "amounts": amounts,
                "goal": f.goal,
                "long_term_goal": f.long_term_goal,
                "indicators_raw": None,
                "implementing_unit": f.implementing,
                "supervising_department": f.supervising_truth if k.supervisor_row else None,
                "disclosed": True,
                "page": page,
            }
        )
        for seq, (ind, r) in enumerate(zip(f.indicators, b.ind_rows, strict=True), start=1):
            rec: dict[str, Any] = {
                "unit": f.unit,
                "project": f.name,
                "seq": seq,
                "level1": ind.level1,
                "level2": ind.level2,
                "name": ind.name,
                "period_target": None,
                "annual_target": ind.target,
                "op": ind.op,
                "value": ind.value,
                "value_unit": ind.value_unit,
            }
            if k.layout == "list":
                rec["nature"] = ind.nature
            if k.weight:
                rec["weight"] = ind.weight
            if k.layout == "list" and k.core:
                rec["core"] = ind.core
            rec["page"] = row_page[r]
            self.indicators.append(rec)


# ---------------------------------------------------------------- the document around the forms


PROSE = (
    "{year}年，{dept}按照全面实施预算绩效管理的要求，编制项目支出绩效目标并公开。",
    "绩效目标涵盖项目的产出、效益、满意度和成本等方面，作为预算执行监控和绩效评价的依据。",
    "下列各表按项目列示年度资金、年度目标和绩效指标，单位为{currency}。",
)


def _cover(doc: Doc, department: str, year: int) -> None:
    doc.new_page(A4)
    doc.text(department, doc.w / 2, 300, 22, "center")
    doc.text(f"{year}年部门预算", doc.w / 2, 340, 22, "center")
    doc.text(f"{year}年2月", doc.w / 2, 700, 14, "center")
    doc.numbered_from = 2


def _prose(writer: FormWriter, department: str, year: int, inline: bool) -> None:
    """The budget's section on performance targets, ending with the heading of the forms."""
    d = writer.doc
    writer.new_page(titled=False)
    y = writer.y
    d.text("七、预算绩效目标情况", writer.left, y, 13)
    y += 26
    d.text("（一）绩效目标设置情况", writer.left + 20, y, 11)
    y += 22
    for para in PROSE:
        text = para.format(year=year, dept=department, currency=writer.k.currency)
        for ln in wrap(text, writer.width - 30, 10.5):
            d.text(ln, writer.left + 10, y, 10.5)
            y += 18
    y += 6
    d.text("（二）绩效目标表及说明", writer.left + 20, y, 11)
    y += 22
    d.text("1.项目支出绩效目标表", writer.left + 20, y, 11)
    y += 24
    if inline:
        writer.y = y
        writer.fresh_page = True
    else:
        writer.fresh_page = False
        writer.y = writer.bottom  # the forms begin on the next page


def _trailing(writer: FormWriter) -> None:
    d = writer.doc
    if writer.y + 80 > writer.bottom:
        writer.new_page(titled=False)
    y = writer.y + 20
    d.text("2.有关情况说明", writer.left + 20, y, 11)
    y += 22
    d.text("本单位无其他需要说明的绩效目标情况。", writer.left + 30, y, 10.5)
    y += 26
    d.text("八、其他重要事项说明", writer.left, y, 13)


def _department(rng: random.Random, layout: str) -> tuple[str, str]:
    cities = LIST_CITIES if layout == "list" else FORM_CITIES
    _, depts, province = rng.choice(cities)
    dept = rng.choice(depts)
    short = dept[dept.index("市") + 1 :]
    parent = province + (short.removesuffix("局") + "厅" if short.endswith("局") else short)
    return dept, parent


def generate_forms(
    seed: int,
    knobs: FormKnobs | None = None,
    *,
    year: int | None = None,
    department: str | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """Render one synthetic document of forms (or lists): (PDF bytes, truth in the spec's form).

    The truth's ``document.knobs`` records the knobs used (normalized), so a failing document
    can be drawn again.
    """
    rng = random.Random(seed)
    k = (knobs or random_form_knobs(rng)).normalized()
    year = year or rng.choice([2024, 2025, 2026])
    dept, parent = _department(rng, k.layout)
    if department is not None:
        dept = department
    forms = make_forms(rng, k, dept, parent, year)
    buf = io.BytesIO()
    doc = Doc(buf, Knobs(footer=k.footer, rule_mode=k.rule_mode))
    if k.cover:
        _cover(doc, dept, year)
    writer = FormWriter(doc, k, dept, year)
    if k.prose != "none":
        _prose(writer, dept, year, inline=k.prose == "inline")
    for form in forms:
        writer.write(form)
    if k.trailing:
        _trailing(writer)
    doc.finish()
    pages = [writer.rows[0]["page"], max(i["page"] for i in writer.indicators)]
    city = dept[: dept.index("市") + 1]
    truth = {
        "document": {
            "kind": "project",
            "department": dept,
            "region": city,
            "district": None,
            "year": year,
            "currency_unit": k.currency,
            "layout": k.layout,
            "pages": pages,
            "knobs": {**k.to_dict(), "seed": seed},
        },
        "rows": writer.rows,
        "indicators": writer.indicators,
    }
    return buf.getvalue(), truth
