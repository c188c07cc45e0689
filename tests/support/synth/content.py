"""Synthetic budget content: departments, units, projects and indicators, with truth.

The content follows the published conventions (see ``spec/extraction.md``); the
truth is what a perfect parser must extract from the rendered table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

DEPARTMENTS = (
    "广州市教育局",
    "广州市科学技术局",
    "广州市卫生健康委员会",
    "广州市文化广电旅游局",
    "广州市民政局",
    "广州市司法局",
    "广州市财政局",
    "广州市人力资源和社会保障局",
    "广州市规划和自然资源局",
    "广州市生态环境局",
    "广州市住房和城乡建设局",
    "广州市交通运输局",
    "广州市水务局",
    "广州市农业农村局",
    "广州市商务局",
    "广州市退役军人事务局",
    "广州市应急管理局",
    "广州市审计局",
    "广州市市场监督管理局",
    "广州市体育局",
    "广州市统计局",
    "广州市医疗保障局",
    "广州市城市管理和综合执法局",
    "广州市林业和园林局",
    "中共广州市委外事工作委员会办公室",
    "广州市发展和改革委员会",
    "广州市工业和信息化局",
    "广州市公安局",
    "广州市档案局",
    "广州市政务服务数据管理局",
)
SUBUNITS = (
    "事务中心",
    "服务中心",
    "发展中心",
    "研究院",
    "信息中心",
    "宣传中心",
    "培训中心",
    "档案馆",
    "监测站",
    "管理处",
    "少年宫",
    "图书馆",
    "科学馆",
    "评估中心",
    "执法支队",
)
TOPICS = (
    "信息化建设",
    "公共服务",
    "宣传推广",
    "人才培养",
    "业务运行",
    "设备购置",
    "课题研究",
    "平台运营",
    "监督检查",
    "应急保障",
    "交流合作",
    "档案数字化",
    "专项治理",
    "物业管理",
    "安全生产",
    "培训",
    "技术服务",
    "标准制定",
    "统计调查",
    "综合执法",
    "政务服务",
    "数据治理",
)
PROJECT_FORMS = (
    "{t}专项经费",
    "{t}项目",
    "{t}工作经费",
    "{t}运行经费",
    "{t}补助资金",
    "{t}服务项目",
    "{y}-{y1}年{t}运维项目",
    "{dept}{y}-{y1}年信息化运维项目",
    "{t}能力提升项目",
)
GOAL_FORMS = (
    "通过开展{t}工作，主要达到如下目标：{a}，{b}。",
    "通过开展本项目，达到如下主要目标：1.{a}；2.{b}；3.{c}。",
    "年度目标：{a}；{b}；{c}。",
    "通过{t}项目的实施，{a}，{b}，进一步提高财政资金使用效益。",
)
GOAL_PHRASES = (
    "提升公共服务水平",
    "保障机构正常运转",
    "推动重点工作顺利开展",
    "提高财政资金使用效益",
    "完善服务体系",
    "提升群众满意度",
    "加强队伍建设",
    "确保资金使用安全、规范、有效",
    "促进区域均衡发展",
    "优化营商环境",
    "提高信息化支撑能力",
    "深化交流合作",
)

# (level1, level2, names, target makers)
INDICATOR_BANK: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "产出指标",
        "数量指标",
        ("举办培训班场次", "服务企业数量", "培训人次", "检查单位数量", "开展活动场次"),
        "count",
    ),
    ("产出指标", "质量指标", ("项目验收合格率", "设备完好率", "系统正常运行率", "平台投诉率"), "percent"),
    ("产出指标", "时效指标", ("资金支付及时率", "故障处理及时率", "项目按期完成率"), "percent"),
    ("效益指标", "社会效益指标", ("居民满意程度", "社会影响力", "安全事故发生次数（次）"), "mixed"),
    ("效益指标", "经济效益指标", ("带动企业研发投入", "技术合同成交额"), "money"),
    ("效益指标", "可持续影响指标", ("长效管理机制", "服务能力"), "phrase"),
    ("效益指标", "生态效益指标", ("绿化覆盖率", "污染物减排量"), "percent"),
    ("满意度指标", "服务对象满意度指标", ("服务对象满意度", "受益群众满意度", "参训人员满意度"), "percent"),
    ("成本指标", "经济成本指标", ("项目预算控制数",), "budget"),
)
UNITS_OF_COUNT = ("个", "场", "人次", "家", "项", "次", "所", "台", "份", "节", "批次", "平方米")
PHRASES = ("不断提升", "稳步提高", "持续增强", "逐步建立", "有效控制", "平稳有序运转", "持续发挥作用")
LEVEL2_CODES = {
    "数量指标": "11",
    "质量指标": "12",
    "时效指标": "13",
    "经济效益指标": "21",
    "社会效益指标": "22",
    "生态效益指标": "23",
    "可持续影响指标": "24",
    "服务对象满意度指标": "31",
    "经济成本指标": "41",
}
LEVEL1_CODES = {"产出指标": "1", "效益指标": "2", "满意度指标": "3", "成本指标": "4"}
SHORT_LEVEL2 = {
    "社会效益指标": "社会效益",
    "经济效益指标": "经济效益",
    "生态效益指标": "生态效益",
    "可持续影响指标": "可持续影响",
    "服务对象满意度指标": "服务对象满意度",
}
WITHHELD = "项目信息不宜公开。"


@dataclass
class SynthIndicator:
    seq: int
    level1: str
    level2: str | None  # as the truth has it (None when the text gives only level 1)
    name: str
    period_target: str | None
    annual_target: str
    op: str | None
    value: str | None
    value_unit: str | None
    text: str  # as written in a compact indicator cell (without the number)
    level2_full: str = ""  # the level-2 category behind it, for the long layout


@dataclass
class SynthProject:
    unit: str
    name: str
    amounts: dict[str, Decimal | None]
    goal: str
    indicators: list[SynthIndicator]
    disclosed: bool = True
    numbered: bool = True

    def indicator_cell(self) -> str:
        if not self.disclosed:
            return WITHHELD
        if not self.numbered and len(self.indicators) == 1:
            return self.indicators[0].text
        return "".join(f"{i.seq}、{i.text}" for i in self.indicators)


@dataclass
class SynthUnit:
    name: str
    projects: list[SynthProject] = field(default_factory=list)


@dataclass
class SynthBudget:
    department: str
    year: int
    units: list[SynthUnit]
    sources: tuple[str, ...]  # amount keys besides total, in column order

    def total(self, key: str) -> Decimal | None:
        vals = [p.amounts.get(key) for u in self.units for p in u.projects]
        if all(v is None for v in vals):
            return None
        return sum((v for v in vals if v is not None), Decimal(0))

    def unit_total(self, unit: SynthUnit, key: str) -> Decimal | None:
        vals = [p.amounts.get(key) for p in unit.projects]
        if all(v is None for v in vals):
            return None
        return sum((v for v in vals if v is not None), Decimal(0))


def _money(rng: random.Random, lo: float, hi: float) -> Decimal:
    return Decimal(f"{rng.uniform(lo, hi):.2f}")


def _target(rng: random.Random, kind: str, budget: Decimal) -> tuple[str, str | None, str | None, str | None]:
    """(text, op, value, unit) of a target."""
    if kind == "mixed":
        kind = rng.choice(["count", "phrase", "less"])
    if kind == "phrase":
        return rng.choice(PHRASES), None, None, None
    if kind == "percent":
        v = rng.choice(["85", "90", "95", "98", "99", "99.5", "100"])
        form = rng.choice(["{v}%以上", "≥{v}%", "不低于{v}%", "{v}%", "大于等于{v}%", "高于{v}%", "{v}%及以上"])
        text = form.format(v=v)
    elif kind == "less":
        v = str(rng.randint(1, 5))
        form = rng.choice(["少于{v}次", "低于{v}次", "≤{v}次", "不超过{v}次"])
        text = form.format(v=v)
    elif kind == "money":
        v = str(rng.randint(10, 2000))
        form = rng.choice(["不低于{v}亿元", "{v}亿元以上", "≥{v}万元"])
        text = form.format(v=v)
    elif kind == "budget":
        v = str(budget.normalize()) if budget == budget.to_integral_value() else f"{budget}"
        text = rng.choice([f"≤{v}万元", f"不超过{v}万元", "控制在预算范围内"])
        if "万元" not in text:
            return text, None, None, None
    else:
        v = str(rng.choice([rng.randint(1, 60), rng.randint(100, 5000), rng.randint(1, 9) * 10000]))
        if rng.random() < 0.15:
            v = f"{rng.randint(2, 90)}.{rng.randint(1, 9)}万"
        unit = rng.choice(UNITS_OF_COUNT)
        form = rng.choice(["{v}{u}", "{v}{u}以上", "{v}{u}及以上", "不少于{v}{u}", "大于{v}{u}", "不低于{v}{u}"])
        text = form.format(v=v, u=unit)
    from jixiao.parser.targets import parse_target  # the truth's reading of a target follows the spec

    t = parse_target(text)
    value = None if t.value is None else format(t.value, "f")
    return text, t.op, value, t.unit


def _indicator(rng: random.Random, seq: int, style: str, budget: Decimal) -> SynthIndicator:
    level1, level2, names, kind = rng.choice(INDICATOR_BANK)
    name = rng.choice(names)
    text, op, value, unit = _target(rng, kind, budget)
    if style == "coded":
        period = text if rng.random() < 0.7 else rng.choice(["全年", text])
        short = SHORT_LEVEL2.get(level2, level2)
        cell = (
            f"{LEVEL1_CODES[level1]}-{level1}；{LEVEL2_CODES[level2]}-{short}；{name}；"
            f"实施周期指标值:{period}；年度指标值:{text}。"
        )
        return SynthIndicator(seq, level1, level2, name, period, text, op, value, unit, cell, level2)
    bare = level1 == "产出指标" and rng.random() < 0.4
    label = level2 if bare else level1
    sep = rng.choice(["，年度指标值：", "；年度指标值:"])
    end = rng.choice(["；", "。"])
    cell = f"{label}：{name}{sep}{text}{end}"
    return SynthIndicator(seq, level1, level2 if bare else None, name, None, text, op, value, unit, cell, level2)


def _project_name(rng: random.Random, dept: str, year: int, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(PROJECT_FORMS).format(t=rng.choice(TOPICS), y=year, y1=year + 1, dept=dept)
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(TOPICS)}专项经费{len(used)}"
    used.add(name)
    return name


def make_budget(
    rng: random.Random,
    *,
    department: str | None = None,
    year: int = 2025,
    units: int | None = None,
    projects: tuple[int, int] = (1, 6),
    sources: tuple[str, ...] = ("fiscal_appropriation", "fiscal_special_account", "other_funds"),
    coded_share: float = 0.4,
    withheld_share: float = 0.08,
) -> SynthBudget:
    dept = department or rng.choice(DEPARTMENTS)
    n_units = units if units is not None else rng.choice([1, 1, 2, 2, 3, 4])
    short = dept.removeprefix("广州市").removesuffix("局").removesuffix("委员会")
    unit_names = [f"{dept}（本级）"] + [f"广州市{short}{s}" for s in rng.sample(SUBUNITS, n_units - 1)]
    budget_units = []
    for uname in unit_names:
        used: set[str] = set()
        unit = SynthUnit(uname)
        for _ in range(rng.randint(*projects)):
            amounts: dict[str, Decimal | None] = {}
            main = _money(rng, 5, 3000)
            for k in sources:
                if k == sources[0]:
                    amounts[k] = main
                else:
                    amounts[k] = _money(rng, 1, 300) if rng.random() < 0.25 else None
            amounts["total"] = sum((v for v in amounts.values() if v is not None), Decimal(0))
            name = _project_name(rng, dept, year, used)
            disclosed = rng.random() >= withheld_share
            style = "coded" if rng.random() < coded_share else "plain"
            inds = [_indicator(rng, i + 1, style, amounts["total"] or Decimal(0)) for i in range(rng.randint(1, 7))]
            goal_form = rng.choice(GOAL_FORMS)
            goal = goal_form.format(
                t=rng.choice(TOPICS),
                a=rng.choice(GOAL_PHRASES),
                b=rng.choice(GOAL_PHRASES),
                c=rng.choice(GOAL_PHRASES),
            )
            proj = SynthProject(
                uname, name, amounts, goal if disclosed else WITHHELD, inds if disclosed else [], disclosed
            )
            if disclosed and len(inds) == 1 and rng.random() < 0.5:
                proj.numbered = False
            unit.projects.append(proj)
        budget_units.append(unit)
    return SynthBudget(dept, year, budget_units, sources)
