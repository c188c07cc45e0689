"""Real documents of several cities through the whole load: the warehouse keeps their regions,
tells departments of one function apart and sets them side by side, and carries the
departments' overall targets beside the project facts."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from jixiao.load.pipeline import run
from jixiao.settings import load_settings

REAL = Path(__file__).parent / "fixtures" / "real"

MANIFEST = """\
documents:
  - department: 北京市审计局
    region: 北京市
    year: 2026
    path: beijing_shenji_2026.pdf
  - department: 西安市审计局
    region: 西安市
    year: 2026
    path: xian_shenji_2026.pdf
  - department: 重庆市水利局
    year: 2026
    path: chongqing_shuili_2026.pdf
  - department: 广州市生态环境局
    region: 广州市
    year: 2026
    id: 2026-广州市生态环境局-部门整体
    path: guangzhou_shengtai_2026_department.pdf
  - department: 长沙职业教育基地综合协调办公室
    year: 2026
    path: changsha_zhijiao_2026.pdf
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("real_load")
    sources = root / "sources"
    sources.mkdir()
    for name in (
        "beijing_shenji_2026",
        "xian_shenji_2026",
        "chongqing_shuili_2026",
        "guangzhou_shengtai_2026_department",
        "changsha_zhijiao_2026",
    ):
        shutil.copy(REAL / f"{name}.pdf", sources / f"{name}.pdf")
    (sources / "real.yaml").write_text(MANIFEST, encoding="utf-8")
    settings = load_settings().with_paths(data_dir=root / "data")
    result = run([sources / "real.yaml"], settings)
    assert result.warehouse is not None and result.warehouse.status == "built", result
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    yield con
    con.close()


def test_regions_from_manifest_and_document(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute("select region_name, region_level from dim_region order by region_name").fetchall()
    # 重庆 and 长沙 have no region in the manifest: the parser reads it from the document
    assert rows == sorted(
        [("北京市", "city"), ("西安市", "city"), ("重庆市", "city"), ("广州市", "city"), ("长沙市", "city")]
    )


def test_departments_of_one_function_across_regions(warehouse: duckdb.DuckDBPyConnection) -> None:
    audit = warehouse.execute(
        "select department_name, region_name, function_code, function_name from dim_department "
        "where function_code = 'audit' order by region_name"
    ).fetchall()
    assert audit == [("北京市审计局", "北京市", "audit", "审计"), ("西安市审计局", "西安市", "audit", "审计")]
    ids = warehouse.execute("select count(distinct department_id) from dim_department where function_code = 'audit'")
    assert ids.fetchone() == (2,)
    side = warehouse.execute(
        "select department_name, project_count, peers_in_year from mart_function_comparison "
        "where function_code = 'audit' order by rank_by_project_funding"
    ).fetchall()
    assert {r[0] for r in side} == {"北京市审计局", "西安市审计局"}
    assert all(r[2] == 2 for r in side)
    assert dict((r[0], r[1]) for r in side) == {"北京市审计局": 17, "西安市审计局": 4}


def test_department_targets_beside_projects(warehouse: duckdb.DuckDBPyConnection) -> None:
    beijing = warehouse.execute(
        "select t.total_wan, t.fiscal_appropriation_wan, t.indicator_count from fct_department_target t "
        "join dim_department d using (department_id) where d.department_name = '北京市审计局'"
    ).fetchone()
    assert beijing == (Decimal("32852.053832"), Decimal("32801.936639"), 32)
    guangzhou = warehouse.execute(
        "select t.total_wan, t.basic_expenditure_wan, t.task_count, t.indicator_count from fct_department_target t "
        "join dim_department d using (department_id) where d.department_name = '广州市生态环境局'"
    ).fetchone()
    # 广州 publishes no total: none is computed
    assert guangzhou == (None, Decimal("58118.590000"), 5, 25)
    tasks = warehouse.execute("select count(*), sum(amount_wan) from fct_department_task").fetchone()
    assert tasks[0] >= 5
    # a department's own indicators are not project indicators
    overlap = warehouse.execute(
        "select count(*) from fct_indicator_target i join fct_department_indicator d using (document_key, seq) "
        "where i.indicator_name = d.indicator_name and i.project_id is null"
    ).fetchone()
    assert overlap == (0,)


def test_new_indicator_fields(warehouse: duckdb.DuckDBPyConnection) -> None:
    beijing = warehouse.execute(
        "select nature, target_op, target_value, target_unit from fct_indicator_target "
        "where indicator_name = '印刷刊物成本'"
    ).fetchone()
    assert beijing == ("≤", "<=", Decimal("127980.0000"), "元")
    weights = warehouse.execute(
        "select count(*), sum(weight) from fct_department_indicator i join dim_department d using (department_id) "
        "where d.department_name = '重庆市水利局'"
    ).fetchone()
    assert weights[0] == 6 and weights[1] is not None
    core = warehouse.execute("select count(*) from fct_department_indicator where is_core").fetchone()
    assert core[0] > 0


def test_amounts_keep_their_printed_precision(warehouse: duckdb.DuckDBPyConnection) -> None:
    (total,) = warehouse.execute(
        "select total_wan from fct_project_funding where project_code = '11000022T000000460216'"
    ).fetchone()
    assert total == Decimal("17.398000")
