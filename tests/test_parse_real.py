"""The parser on real published documents (tests/fixtures/real, eight cities): every document
scored against its truth — written from the page images, see TRUTH.md there — with the
real-document scorer, and what each layout family must get right, checked directly."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from jixiao.parser import Extraction, ParseError, parse_pdf
from tests.support import score_real

REAL = Path(__file__).parent / "fixtures" / "real"
TRUTHS = sorted(p.name.removesuffix(".truth.json") for p in REAL.glob("*.truth.json"))
NO_TABLE = sorted(p.stem for p in REAL.glob("*_no_table.pdf"))
#: The floor every real document must reach (the issue's bar).
FLOOR = 0.98


@cache
def parsed(name: str) -> tuple[Extraction, ...]:
    return tuple(parse_pdf(REAL / f"{name}.pdf"))


def prediction(name: str) -> list[dict]:
    return [e.to_dict() for e in parsed(name)]


def test_every_real_document_has_truth() -> None:
    pdfs = {p.stem for p in REAL.glob("*.pdf")}
    assert pdfs == set(TRUTHS) | set(NO_TABLE)
    assert len(TRUTHS) == 26 and len(NO_TABLE) == 2


@pytest.mark.parametrize("name", TRUTHS)
def test_real_document_scores(name: str) -> None:
    truth = json.loads((REAL / f"{name}.truth.json").read_text(encoding="utf-8"))
    out = io.StringIO()
    s = score_real.score_file(truth, prediction(name), name, quiet=False, out=out)
    assert s >= FLOOR, out.getvalue()


@pytest.mark.parametrize("name", NO_TABLE)
def test_budgets_without_a_target_table_are_refused(name: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_pdf(REAL / f"{name}.pdf")
    assert info.value.kind == "no_performance_table"
    assert name in str(info.value)


def test_guangzhou_rounding_is_a_note_not_a_failure() -> None:
    (ex,) = parsed("guangzhou_shengtai_2026_project")
    assert ex.reconciled
    rounding = [c for c in ex.checks if c.status == "rounding"]
    assert rounding, "the real 合计 differs from its units' sum by 0.01–0.03"
    assert all(abs(c.expected - c.actual) <= c.tolerance for c in rounding)  # type: ignore[operator]
    total = ex.rows[0]
    assert total.row_type == "total" and total.amounts["total"] == Decimal("37367.86")


def test_guangzhou_cells_with_restarted_numbering() -> None:
    (ex,) = parsed("guangzhou_shengtai_2026_project")
    first = [i for i in ex.indicators if i.project == "广州市镇（街）园区环保监督检查员经费（越秀区）"]
    assert [i.seq for i in first] == [1, 2, 3, 4, 5, 6]
    assert (first[0].level1, first[0].level2, first[0].name) == ("产出指标", "数量指标", "项目专职环保员数量")
    assert first[0].annual_target == "≦核定人数" and first[0].op is None
    assert sum(1 for r in ex.rows if r.row_type == "project") == 300
    assert len(ex.indicators) == 1771


def test_department_tables_carry_amounts_goal_and_tasks() -> None:
    (ex,) = parsed("guangzhou_shengtai_2026_department")
    assert ex.document.kind == "department" and ex.document.layout == "form"
    (row,) = ex.rows
    assert row.row_type == "department" and row.unit is None and row.project is None
    assert row.amounts["basic_expenditure"] == Decimal("58118.59")
    assert row.amounts["total"] is None  # not printed, not computed
    assert [t.name for t in row.tasks][:2] == ["加强大气污染防治，做好应对气候变化", "加强水与海洋生态环境监管"]
    assert row.tasks[0].amount == Decimal("2327.67")
    assert all(i.unit is None and i.project is None for i in ex.indicators)


def test_beijing_long_layout_with_codes_and_comparison_columns() -> None:
    project, department = parsed("beijing_shenji_2026")
    assert (project.document.kind, project.document.layout) == ("project", "long")
    assert project.document.department == "北京市审计局" and project.document.region == "北京市"
    first = project.rows[0]
    assert (first.project_code, first.project) == ("11000022T000000460216", "《北京审计》杂志办刊经费")
    assert first.amounts["total"] == Decimal("17.398000")
    cost = next(i for i in project.indicators if i.name == "印刷刊物成本")
    assert (cost.nature, cost.annual_target, cost.op, cost.value, cost.value_unit) == (
        "≤",
        "12.798",
        "<=",
        Decimal("127980"),
        "元",
    )
    assert department.document.kind == "department"
    assert department.rows[0].amounts["total"] == Decimal("32852.053832")


def test_one_form_per_project_with_implementing_unit() -> None:
    (ex,) = parsed("yantai_shenji_2026")
    assert ex.document.layout == "form"
    rows = [r for r in ex.rows if r.row_type == "project"]
    assert len(rows) == 6
    first = rows[0]
    assert (first.project, first.supervising_department, first.implementing_unit) == (
        "审计业务经费",
        "烟台市审计局",
        "烟台市审计局",
    )
    assert first.goal is None and first.long_term_goal  # only 总体目标 is printed


def test_list_layout_weights_and_core_flags() -> None:
    department, project = parsed("chongqing_shangwu_2026")
    assert (department.document.kind, department.document.layout) == ("department", "list")
    first = department.indicators[0]
    assert (first.level1, first.level2) == (None, None)
    assert (first.nature, first.weight, first.core) == ("≥", Decimal("10"), True)
    assert project.document.layout == "list"


def test_forms_without_a_name_row_take_the_title() -> None:
    (ex,) = parsed("quanzhou_gongan_benji_2026")
    assert ex.rows[0].project == "单警装备、公务用车采购等项目建设"


def test_scoring_columns_and_placeholders() -> None:
    project, _department = parsed("changsha_xinfang_2026")
    assert [r.row_type for r in project.rows][:2] == ["total", "unit"]
    assert project.rows[1].unit == "长沙市信访局"
    assert not any(i.annual_target in ("无", "不适用") and (i.name or "").startswith("不适用") for i in project.indicators)
    assert any(i.scoring_rule and i.value_type for i in project.indicators)
