"""The parts every layout family shares, each on its own: finding tables by their titles,
cell grids from rulings, run-together indicator cells, targets printed over several columns,
rounding in reconciliation, glyph boxes, sideways pages."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from jixiao.parser import parse_pdf
from jixiao.parser.categories import split_run_together
from jixiao.parser.document import ScannedDocument, ScannedPage
from jixiao.parser.geometry import Glyph, PageGeometry, Segment, _vertical_box, cluster_lines
from jixiao.parser.lattice import page_grids
from jixiao.parser.locate import clean_department, cover_department, locate_tables, region_of, table_kind
from jixiao.parser.model import Row
from jixiao.parser.plumber_page import raw_char
from jixiao.parser.reconcile import reconcile
from jixiao.parser.records import split_project_code
from jixiao.parser.ruled import field_of
from jixiao.parser.targets import combine_target, parse_target
from tests.conftest import score, score_report
from tests.support.synth import Knobs, generate

# ---------------------------------------------------------------- titles and kinds


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("广州市生态环境局2026年项目支出绩效目标表（含转移支付项目）", "project"),
        ("政策和项目预算绩效目标表", "project"),
        ("部门专项业务经费绩效目标表", "project"),
        ("2026年市级重点专项资金绩效目标表(一级项目)", "project"),
        ("财政项目支出绩效目标填报表", "project"),
        ("部门整体支出绩效目标表", "department"),
        ("广州市生态环境局2026年部门整体预算绩效目标申报表", "department"),
        ("2026年部门整体绩效目标表", "department"),
        ("2025年度项目支出绩效自评表", None),
        ("部门整体支出绩效目标完成情况表", None),
        ("项目支出表", None),
    ],
)
def test_table_kinds_by_title(title: str, kind: str | None) -> None:
    assert table_kind(title) == kind


def _doc(*texts: str, name: str = "budget_2026.pdf") -> ScannedDocument:
    return ScannedDocument(Path(name), tuple(ScannedPage(i + 1, t, 0) for i, t in enumerate(texts)))


def test_tables_of_both_kinds_and_forms_grouped() -> None:
    doc = _doc(
        "2026年度\n福州市商务局\n部门预算\n",
        "七、预算绩效目标情况\n（二）绩效目标表及说明\n1.项目支出绩效目标表\n办公楼物业项目绩效目标表\n项目名称 办公楼物业",
        "办公楼租金项目绩效目标表\n项目名称 办公楼租金",
        "表15\n部门整体支出绩效目标表\n（2026年度）\n部门（单位）名称 福州市商务局",
        "附件3\n政府采购预算表\n",
    )
    project, department = locate_tables(doc)
    assert (project.kind, project.pages) == ("project", (2, 3))
    assert len(project.titles) == 3  # the heading and two forms: one table
    assert (department.kind, department.pages) == ("department", (4,))
    assert project.department == "福州市商务局" and project.region == "福州市"


def test_the_amount_unit_printed_under_a_later_title() -> None:
    """A heading that ends its page leaves the forms, and the 单位：元 printed under their
    titles, to the next pages; a unit line of the next table is not the table's."""
    doc = _doc(
        "2026年度\n重庆市气象局\n部门预算\n",
        "七、预算绩效目标情况\n下列各表按项目列示，单位为元。\n1.项目支出绩效目标表\n",
        "表十一\n2026年市级重点专项资金绩效目标表（一级项目）\n单位：元\n项目名称 气象事务",
        "表十\n2026年部门整体绩效目标表\n单位名称：重庆市气象局\n",
        "表十一\n2026年市级重点专项资金绩效目标表（一级项目）\n单位：万元\n项目名称 气象事务",
    )
    project, department, _ = locate_tables(doc)
    assert (project.currency_unit, project.later_currency, project.currency_mention) == (None, "元", None)
    assert (department.currency_unit, department.later_currency) == (None, None)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("项目名称", "project"),
        ("主管部门及代码", "supervising_department"),
        ("年度绩效目标", "goal"),
        ("绩效目标：", "goal"),
        ("项目实施期目标", "long_term_goal"),
        ("绩效目标指标", None),  # the first column of an indicator grid, not the goal
        ("年度绩效指标", None),
        ("绩效指标", None),
    ],
)
def test_form_labels(label: str, field: str | None) -> None:
    assert field_of(label, "project") == field


def test_mentions_contents_and_listings_are_not_tables() -> None:
    doc = _doc(
        "目录\n一、部门概况\n项目支出绩效目标表.........12\n部门整体支出绩效目标表........13\n",
        "本部门绩效目标管理全覆盖（详见公开报表中的绩效目标表）。\n",
        "表14 部门专项业务经费绩效目标表 是\n表15 部门整体支出绩效目标表 是\n表16 专项资金总体绩效目标表 不涉及\n"
        "表13 政府采购预算表 是\n",
    )
    assert locate_tables(doc) == []


def test_department_names_and_regions() -> None:
    assert clean_department("西安市审计局（汇总）") == "西安市审计局"
    assert clean_department("105001长春市信访局") == "长春市信访局"
    assert region_of("中共广州市委外事工作委员会办公室") == ("广州市", None)
    assert region_of("上海市普陀区民政局") == ("上海市", "普陀区")
    assert region_of("长沙职业教育基地综合协调办公室") == (None, None)
    assert cover_department(_doc("2026年度\n泉州市公安局（本级）\n单位预算\n目录")) == "泉州市公安局"
    assert cover_department(_doc("—1—\n重庆市水利局2026年部门预算情况说明\n")) == "重庆市水利局"


# ---------------------------------------------------------------- cell grids


def _seg(pos: float, a: float, b: float) -> Segment:
    return Segment(pos, a, b)


def _glyphs(text: str, x: float, top: float, size: float = 10.0) -> list[Glyph]:
    return [Glyph(ch, x + i * size, x + (i + 1) * size, top, top + size, size) for i, ch in enumerate(text)]


def test_lattice_merges_cells_without_a_rule_between() -> None:
    # a 3×2 grid whose left column is one cell merged down over the three rows
    h = [_seg(y, 0, 200) for y in (0, 20, 40, 60)]
    h[1] = _seg(20, 100, 200)  # no rule under the first left cell
    h[2] = _seg(40, 100, 200)
    v = [_seg(x, 0, 60) for x in (0, 100, 200)]
    glyphs = _glyphs("成本指标", 10, 25) + _glyphs("总成本", 110, 5) + _glyphs("人员成本", 110, 45)
    (grid,) = page_grids(PageGeometry(1, 300, 300, glyphs, h, v))
    rows = grid.rows()
    assert [c.key for c in rows[0]] == ["成本指标", "总成本"]
    assert rows[0][0] is rows[2][0]  # the merged cell covers every row
    assert (rows[0][0].row0, rows[0][0].row1) == (0, 2)


def test_separate_frames_are_separate_grids() -> None:
    h = [_seg(y, 0, 100) for y in (0, 20)] + [_seg(y, 0, 100) for y in (100, 120)]
    v = [_seg(x, 0, 20) for x in (0, 50, 100)] + [_seg(x, 100, 120) for x in (0, 50, 100)]
    grids = page_grids(PageGeometry(1, 300, 300, [], h, v))
    assert [(g.top, g.bottom) for g in grids] == [(0, 20), (100, 120)]


# ---------------------------------------------------------------- cells and targets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("产出指标数量指标培训工作完成率", ("产出指标", "数量指标", "培训工作完成率")),
        ("满意度指标服务对象满意度强制检定申请人满意率", ("满意度指标", "服务对象满意度指标", "强制检定申请人满意率")),
        ("产出数量", (None, None, "产出数量")),
    ],
)
def test_run_together_indicator_cells(text: str, expected: tuple) -> None:
    assert split_run_together(text) == expected


@pytest.mark.parametrize(
    ("value", "nature", "unit", "expected"),
    [
        ("98", "≥", "%", (">=", "98", "%")),
        ("12.798", "≤", "万元", ("<=", "127980", "元")),
        ("440", "≥", "万件", (">=", "4400000", "件")),
        ("优", "定性", "", (None, None, None)),
        ("5", "定量", "个", ("=", "5", "个")),
        ("100", "＝", "%", ("=", "100", "%")),
    ],
)
def test_targets_printed_over_several_columns(value: str, nature: str, unit: str, expected: tuple) -> None:
    t = combine_target(value, nature, unit)
    assert (t.op, None if t.value is None else format(t.value, "f"), t.unit) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≧90", (">=", "90", None)),
        ("≥99（%）", (">=", "99", "%")),
        ("聘用不超过2名编外人员", ("<=", "2", "名")),
        ("3个月内", ("<=", "3", "个月")),
        ("12月31日前", (None, None, None)),
        ("2026年5月至6月", (None, None, None)),
        ("100%，或者达到95%以上", (None, None, None)),
        ("PM2.5年均浓度≤35微克/立方米", ("<=", "35", "微克/立方米")),
        ("=100％", ("=", "100", "％")),
    ],
)
def test_real_target_phrasings(text: str, expected: tuple) -> None:
    t = parse_target(text)
    assert (t.op, None if t.value is None else format(t.value, "f"), t.unit) == expected


def test_project_codes_are_split_from_names() -> None:
    assert split_project_code("11000022T000000460216-《北京审计》杂志办刊经费") == (
        "11000022T000000460216",
        "《北京审计》杂志办刊经费",
    )
    assert split_project_code("13300102专项经费") == (None, "13300102专项经费")
    assert split_project_code("2025-2026年技术服务运维项目") == (None, "2025-2026年技术服务运维项目")


# ---------------------------------------------------------------- reconciliation


def _row(kind: str, unit: str | None, total: str) -> Row:
    return Row(kind, unit, "p" if kind == "project" else None, {"total": Decimal(total)}, None, None, True, 1)


def test_rounding_is_a_note_and_more_is_a_failure() -> None:
    rows = [_row("total", None, "10.03"), _row("unit", "u", "10.03")]
    rows += [_row("project", "u", v) for v in ("3.34", "3.34", "3.34")]
    checks = {c.check: c for c in reconcile(rows, ("total",))}
    unit = checks["unit_equals_projects"]
    assert (unit.status, unit.ok, unit.tolerance) == ("rounding", True, Decimal("0.02"))
    rows[1].amounts["total"] = Decimal("10.10")
    unit = {c.check: c for c in reconcile(rows, ("total",))}["unit_equals_projects"]
    assert (unit.status, unit.ok) == ("failed", False)
    assert any("10.10" in w for w in rows[1].warnings)


# ---------------------------------------------------------------- glyphs and pages


def test_a_font_box_that_misses_its_baseline_is_rebuilt() -> None:
    # digits of one embedded font drawn a line below the ideographs on the same baseline
    # pdfplumber's char: its box is drawn a line below the baseline its matrix puts it on
    char = raw_char(
        {"text": "1", "x0": 76.8, "x1": 82.0, "top": 198.3, "bottom": 208.6, "y0": 386.4, "size": 10.3,
         "matrix": (1, 0, 0, 1, 76.8, 397.3)}
    )
    top, bottom = _vertical_box(char.top, char.bottom, char.baseline, char.size)
    # now on the ideographs' line (188.8–199.1), around the shared baseline (842 − 397.3)
    assert top == pytest.approx(188.6, abs=0.1) and bottom == pytest.approx(198.9, abs=0.1)
    normal = raw_char(
        {"text": "年", "x0": 102.9, "x1": 113.2, "top": 188.8, "bottom": 199.1, "y0": 395.9, "size": 10.3,
         "matrix": (1, 0, 0, 1, 102.9, 398.7)}
    )
    assert _vertical_box(normal.top, normal.bottom, normal.baseline, normal.size) == (188.8, 199.1)


def test_a_subscript_stays_on_its_line() -> None:
    glyphs = _glyphs("PM", 0, 100, 9) + _glyphs("2.5", 18, 104, 5) + _glyphs("年均浓度", 33, 100, 9)
    glyphs += _glyphs("下一行", 0, 115, 9)
    lines = cluster_lines(glyphs)
    assert [ln.text for ln in lines] == ["PM2.5年均浓度", "下一行"]


def test_a_page_whose_text_runs_sideways_is_read(tmp_path: Path) -> None:
    """/Rotate set on a page whose content does not expect it: the text runs down the page."""
    pdf, truth, _ = generate(9, Knobs(orientation="landscape", document="table_only"), year=2025, projects=(3, 5))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.rotation = 90
    path = tmp_path / "sideways_2025.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    (ex,) = parse_pdf(path)
    pred = ex.to_dict()
    assert score(truth, pred) >= 0.99, score_report(truth, pred)


def test_a_table_no_reader_follows_does_not_take_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unforeseen failure reading one table is that table's error, with its pages; the
    document's other tables still come out."""
    import jixiao.parser as parser
    from jixiao.parser.errors import ParseError

    real = parser.read_location
    pdf = Path(__file__).parent / "fixtures" / "real" / "xian_shenji_2026.pdf"

    def flaky(reader, loc, source):  # type: ignore[no-untyped-def]
        if loc.kind == "department":
            raise IndexError("a layout nobody foresaw")
        return real(reader, loc, source)

    monkeypatch.setattr(parser, "read_location", flaky)
    (project,) = parse_pdf(pdf)
    assert project.document.kind == "project" and len(project.rows) == 4
    assert any("could not be read" in w and "IndexError" in w for w in project.warnings)

    def broken(reader, loc, source):  # type: ignore[no-untyped-def]
        raise IndexError("a layout nobody foresaw")

    monkeypatch.setattr(parser, "read_location", broken)
    with pytest.raises(ParseError) as info:
        parse_pdf(pdf)
    assert info.value.kind == "table_unreadable" and info.value.page == 36


def test_unit_codes_are_dropped_from_unit_names() -> None:
    from jixiao.parser.records import unit_name

    assert unit_name("105001长春市信访局") == "长春市信访局"
    assert unit_name("广州市卫生健康委员会（本级）") == "广州市卫生健康委员会（本级）"
