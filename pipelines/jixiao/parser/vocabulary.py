"""What published tables print, in one place: amount columns, column headings, form labels
and table titles, each mapped to the key or role the extraction uses.

Every family of reader (compact, long, form, list) and the synthetic generator take their
labels from here, so that a label seen in a new city is added once.
Matching is on the squashed text (no whitespace); within each list the first match wins,
so specific labels come before general ones (``财政专户拨款`` before ``财政拨款``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

#: What an amount is (each model of the warehouse picks the kinds it carries):
TOTAL = "total"  # 总计: what the row's sources add up to
SOURCE = "source"  # a funding source: the sources add up to the total
APPROPRIATION_PART = "appropriation_part"  # a part of 财政拨款, printed beside it or in its place
SPENDING = "spending"  # what the money is spent on (基本支出 / 项目支出), another split of the total
AMOUNT_KINDS: tuple[str, ...] = (TOTAL, SOURCE, APPROPRIATION_PART, SPENDING)


@dataclass(frozen=True)
class AmountColumn:
    key: str  # the extraction's key (the staging column; the warehouse's ``<key>_wan``)
    heading: str  # the usual printed heading (also what the generator prints and the marts label)
    labels: tuple[str, ...]  # substrings of a printed heading that name this amount
    kind: str  # one of AMOUNT_KINDS


#: Amount columns — the funding sources — in match order (specific first). This list is the
#: one place a new amount column is added: the parser, the staging tables, the warehouse (via
#: the ``funding_sources`` var of dbt_project.yml, which tests/test_funding_sources.py keeps
#: equal to :data:`FUNDING_SOURCES`) and the export all follow it.
#: See docs/adding_a_funding_source.md.
AMOUNT_COLUMNS: tuple[AmountColumn, ...] = (
    AmountColumn("general_public_budget", "一般公共预算", ("一般公共预算",), APPROPRIATION_PART),
    AmountColumn("government_fund", "政府性基金", ("政府性基金",), APPROPRIATION_PART),
    AmountColumn("state_capital_budget", "国有资本经营预算", ("国有资本经营",), APPROPRIATION_PART),
    AmountColumn("prior_year_carryover", "上年结转", ("上年结转", "上年结余"), SOURCE),
    AmountColumn("fiscal_special_account", "财政专户拨款", ("财政专户",), SOURCE),
    AmountColumn("fiscal_appropriation", "财政拨款", ("财政拨款", "财政资金"), SOURCE),
    AmountColumn("other_funds", "其他资金", ("其他资金", "其他收入", "其它资金"), SOURCE),
    AmountColumn("basic_expenditure", "基本支出", ("基本支出",), SPENDING),
    AmountColumn("project_expenditure", "项目支出", ("项目支出",), SPENDING),
    AmountColumn(
        "total",
        "总计",
        (
            "总计",
            "合计",
            "项目总额",
            "资金总额",
            "预算支出总额",
            "支出总额",
            "金额",
            "预算数",
            "项目资金",
            "年度预算",
            "当年预算",
        ),
        TOTAL,
    ),
)
#: Keys every row carries (null when the table lacks the column), then the optional ones
#: (every other column, in match order). The output order is AMOUNT_KEYS.
STANDARD_AMOUNT_KEYS: tuple[str, ...] = ("total", "fiscal_appropriation", "fiscal_special_account", "other_funds")
EXTRA_AMOUNT_KEYS: tuple[str, ...] = tuple(c.key for c in AMOUNT_COLUMNS if c.key not in STANDARD_AMOUNT_KEYS)
AMOUNT_KEYS: tuple[str, ...] = STANDARD_AMOUNT_KEYS + EXTRA_AMOUNT_KEYS
AMOUNT_LABELS: dict[str, str] = {c.key: c.heading for c in AMOUNT_COLUMNS}
AMOUNT_KIND: dict[str, str] = {c.key: c.kind for c in AMOUNT_COLUMNS}
#: The parts of 财政拨款 (a table prints them beside it, or instead of it).
APPROPRIATION_PARTS: tuple[str, ...] = tuple(k for k in AMOUNT_KEYS if AMOUNT_KIND[k] == APPROPRIATION_PART)
#: Every amount column in output order, as the warehouse takes it (dbt's ``funding_sources`` var).
FUNDING_SOURCES: tuple[dict[str, str], ...] = tuple(
    {"key": k, "heading": AMOUNT_LABELS[k], "kind": AMOUNT_KIND[k]} for k in AMOUNT_KEYS
)


def amount_key(text: str) -> str | None:
    """The amount key a printed label names (``其中：财政拨款`` → fiscal_appropriation)."""
    for col in AMOUNT_COLUMNS:
        if any(label in text for label in col.labels):
            return col.key
    return None


# ---------------------------------------------------------------- table titles

#: Titles of the department's overall targets.
DEPARTMENT_TITLE = re.compile(r"部门(?:（单位）|\(单位\))?整体(?:支出|预算)?绩效目标(?:申报|填报)?表")
#: Titles of project targets (every 绩效目标表 that is not the department's).
TARGET_TITLE = re.compile(r"绩效目标(?:申报|填报)?表")
#: Tables about targets that are not target tables (self-evaluations, final accounts).
NOT_TARGETS = ("自评", "评价", "决算", "完成情况", "目录")


def may_hold_targets(page_text: str) -> bool:
    """A page that may be part of a target table (all but a few such pages print 指标): read in
    full while it is loaded, before the tables are located. A guess that only saves time."""
    return "指标" in page_text

# ---------------------------------------------------------------- form labels

#: Form fields: (field, labels). A label cell names the field; its value is the next cell.
FORM_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("project", ("项目名称", "转移支付名称", "专项名称", "政策名称")),
    ("department", ("部门名称", "单位名称", "部门（单位）名称", "预算单位", "预算部门")),
    ("supervising_department", ("主管部门", "资金主管部门")),
    ("implementing_unit", ("实施单位", "项目实施单位", "执行单位")),
    ("long_term_goal", ("总体目标", "中长期目标", "实施期目标", "实施期绩效目标", "项目实施期目标")),
    (
        "goal",
        (
            "年度目标",
            "年度绩效目标",
            "当年绩效目标",
            "当年整体绩效目标",
            "整体绩效目标",
            "总体绩效目标",
            "部门整体绩效目标",
            "绩效目标",
        ),
    ),
)
#: Department tables call their overall goal 总体/整体绩效目标: there it is the goal.
DEPARTMENT_GOAL_LABELS = ("总体绩效目标", "整体绩效目标", "当年整体绩效目标", "部门整体绩效目标", "总体目标")

# ---------------------------------------------------------------- grid columns

# Column roles of a table's header row.
NAME = "name"  # compact: 项目名称（资金使用单位）; long: 单位（项目）名称 (unit rows and project rows)
UNIT = "unit"  # long: 单位名称
UNIT_CODE = "unit_code"  # 单位编码
PROJECT = "project"  # long: 项目名称
GOAL = "goal"
INDICATORS = "indicators"  # compact: the whole indicator cell; a list: level1+level2+name run together
LEVEL1 = "level1"
LEVEL2 = "level2"
IND_NAME = "indicator_name"
PERIOD_TARGET = "period_target"
TARGET = "annual_target"
NATURE = "nature"  # 指标性质: ≥, ＝, 定性 …
VALUE_UNIT = "value_unit"  # 度量单位 / 计量单位
WEIGHT = "weight"  # 分值 / 指标权重
CORE = "core"  # 是否核心
SCORING = "scoring_rule"  # 评（扣）分标准
VALUE_TYPE = "value_type"  # 指标值类型
TARGET_CONTENT = "target_content"  # 指标值内容 (a description of the value)
NOTE = "note"  # 备注
ACTIVITY = "activity"  # 活动 (北京's department table)
SEQUENCE = "sequence"  # 序号
GROUP = "group"  # a parent header over other columns (资金来源, 其中)
AMOUNT_PREFIX = "amount:"

#: The parts of one indicator row.
INDICATOR_PARTS: tuple[str, ...] = (
    LEVEL1,
    LEVEL2,
    IND_NAME,
    PERIOD_TARGET,
    TARGET,
    NATURE,
    VALUE_UNIT,
    WEIGHT,
    CORE,
    SCORING,
    VALUE_TYPE,
    TARGET_CONTENT,
    NOTE,
)

#: (role, substrings of the squashed heading), first match wins: specific before general.
COLUMN_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        NAME,
        (
            "项目名称（资金使用单位",
            "项目名称(资金使用单位",
            "单位名称（项目名称",
            "单位名称(项目名称",
            "单位（项目）名称",
            "单位(项目)名称",
        ),
    ),
    (UNIT_CODE, ("单位编码", "单位代码")),
    (TARGET_CONTENT, ("指标值内容",)),
    (VALUE_TYPE, ("指标值类型",)),
    (NATURE, ("指标性质",)),
    (VALUE_UNIT, ("度量单位", "计量单位", "计量单")),
    (WEIGHT, ("权重", "分值")),
    (CORE, ("是否核心",)),
    (SCORING, ("评（扣）分标准", "评(扣)分标准", "评分标准", "扣分标准", "指标解释")),
    (NOTE, ("备注",)),
    (PERIOD_TARGET, ("实施周期指标值", "实施期指标值", "实施期目标值", "周期指标值")),
    (TARGET, ("年度指标值", "年度目标值", "本年绩效指标值", "指标值", "目标值")),
    (LEVEL1, ("一级指标",)),
    (LEVEL2, ("二级指标",)),
    (IND_NAME, ("三级指标", "指标名称", "绩效指标名称")),
    (GOAL, ("年度绩效目标", "绩效目标", "年度目标", "项目目标", "总体目标")),
    (INDICATORS, ("绩效指标",)),
    (GROUP, ("年度预算申请", "按收入性质分", "按支出性质分", "资金来源", "资金构成")),
    *((AMOUNT_PREFIX + c.key, c.labels) for c in AMOUNT_COLUMNS),
    (UNIT, ("单位名称", "资金使用单位", "预算单位", "使用单位")),
    (PROJECT, ("项目名称",)),
    (ACTIVITY, ("活动",)),
    (SEQUENCE, ("序号",)),
    (GROUP, ("其中",)),
)


@cache
def column_role(text: str) -> str | None:
    """The role of a column whose (squashed) heading is ``text``."""
    if not text:
        return None
    for role, keys in COLUMN_ROLES:
        if any(k in text for k in keys):
            return role
    return None
