"""End to end: a manifest whose URLs point at a local HTTP server → fetch → parse →
stage → dbt build → the figures of the published marts."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from jixiao.load.pipeline import LoadResult, run
from jixiao.settings import Limits, load_settings
from tests.conftest import BAD, CORPUS
from tests.support.http_server import LocalServer, serve

DEPT = "中共广州市委外事工作委员会办公室"


def _manifest(folder: Path, srv: LocalServer) -> Path:
    for name in ("waiban_2024", "waiban_2025", "waiban_2026", "weijian_2024", "weijian_2025"):
        srv.add(f"/budget/{name}.pdf", body=(CORPUS / f"{name}.pdf").read_bytes())
    srv.add("/budget/scanned.pdf", body=(BAD / "scanned.pdf").read_bytes())
    lines = ["documents:"]
    for year in (2024, 2025, 2026):
        lines += [f"  - department: {DEPT}", f"    year: {year}", f"    url: {srv.url(f'/budget/waiban_{year}.pdf')}"]
    for year in (2024, 2025):
        lines += ["  - department: 广州市卫生健康委员会", f"    year: {year}",
                  f"    url: {srv.url(f'/budget/weijian_{year}.pdf')}"]
    lines += ["  - department: 广州市教育局", "    year: 2025", f"    url: {srv.url('/budget/gone.pdf')}",
              "  - department: 广州市文化广电旅游局", "    year: 2025", f"    url: {srv.url('/budget/scanned.pdf')}",
              "  - department: 广州市司法局", "    year: 2025", "    url: ftp://example.org/sf.pdf"]
    path = folder / "manifest.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadResult, LoadResult, Path]:
    folder = tmp_path_factory.mktemp("e2e")
    settings = load_settings().with_paths(data_dir=folder / "data")
    settings = replace(settings, limits=Limits(http_timeout=2.0, http_retries=1, http_backoff=0.01))
    with serve() as srv:
        manifest = _manifest(folder, srv)
        first = run([manifest], settings)
        second = run([manifest], settings)
    return first, second, settings.warehouse


def test_good_documents_load_and_bad_ones_are_reported(loaded: tuple[LoadResult, LoadResult, Path]) -> None:
    first, _, warehouse = loaded
    status = {d.key: d.status for d in first.documents}
    assert status == {
        f"2024-{DEPT}": "loaded", f"2025-{DEPT}": "loaded", f"2026-{DEPT}": "loaded",
        "2024-广州市卫生健康委员会": "loaded", "2025-广州市卫生健康委员会": "loaded",
        "2025-广州市教育局": "failed", "2025-广州市文化广电旅游局": "failed",
    }
    failed = {d.key: (d.stage, d.kind) for d in first.failed}
    assert failed == {"2025-广州市教育局": ("fetch", "http_status"), "2025-广州市文化广电旅游局": ("parse", "no_text_layer")}
    assert [p.message for p in first.problems] == ["URL scheme 'ftp' is not allowed (only http, https)"]
    assert first.warehouse is not None and first.warehouse.status == "built"
    assert first.warehouse.dbt is not None and not first.warehouse.dbt.blocking
    con = duckdb.connect(str(warehouse), read_only=True)
    errors = con.execute("select document_key, stage, error_kind from mart_load_errors order by 1, 2").fetchall()
    assert errors == [
        ("2025-广州市司法局", "manifest", "entry_invalid"),
        ("2025-广州市教育局", "fetch", "http_status"),
        ("2025-广州市文化广电旅游局", "parse", "no_text_layer"),
    ]


def test_marts_hold_the_seed_figures(loaded: tuple[LoadResult, LoadResult, Path]) -> None:
    _, _, warehouse = loaded
    con = duckdb.connect(str(warehouse), read_only=True)
    total = con.execute(
        "select printed_total_wan, units_total_wan, projects_total_wan from fct_department_funding "
        "join dim_department using (department_id) where department_name = ? and budget_year = 2025", [DEPT]
    ).fetchone()
    assert total == (Decimal("2925.54"), Decimal("2925.54"), Decimal("2925.54"))
    trip = con.execute(
        "select total_wan, fiscal_appropriation_wan, disclosed from fct_project_funding "
        "where project_name = '因公出国（境）经费' and budget_year = 2025"
    ).fetchone()
    assert trip == (Decimal("260.00"), Decimal("260.00"), True)
    yoy = dict(con.execute(
        "select project_name, status from mart_project_funding_yoy where department_name = ? "
        "and budget_year = 2025", [DEPT]
    ).fetchall())
    assert yoy["因公出国（境）经费"] == "continued"
    assert yoy["广州国际友城交流合作专项经费"] == "dropped"
    assert yoy["广州市外事港澳业务综合管理平台优化项目"] == "new"
    # a year range in the name does not break a project's identity across years
    ops = con.execute(
        "select budget_year, prev_amount_wan, amount_wan, status from mart_project_funding_yoy "
        "where project_name like '%信息化运维项目' and department_name = ? order by 1", [DEPT]
    ).fetchall()
    assert [(y, s) for y, _, _, s in ops] == [(2024, "first_year"), (2025, "continued"), (2026, "continued")]
    assert ops[1][1:3] == (Decimal("34.50"), Decimal("36.30"))
    dept = con.execute(
        "select total_wan, prev_total_wan, change_wan from mart_department_funding_yoy "
        "where department_name = ? and budget_year = 2026", [DEPT]
    ).fetchone()
    assert dept == (Decimal("3095.70"), Decimal("2925.54"), Decimal("170.16"))
    tightened = con.execute(
        "select count(*) from mart_indicator_yoy where department_name = ? and status = 'tightened'", [DEPT]
    ).fetchone()
    assert tightened is not None and tightened[0] > 0
    docs = con.execute("select count(*), min(page_count), bool_and(sha256 is not null) from dim_document").fetchone()
    assert docs == (5, 3, True)


def test_rerun_parses_nothing_and_keeps_the_warehouse(loaded: tuple[LoadResult, LoadResult, Path]) -> None:
    _, second, _ = loaded
    assert {d.status for d in second.documents if d.status != "failed"} == {"unchanged"}
    assert second.warehouse is not None and second.warehouse.status == "unchanged"
    assert all("parse" not in d.timings for d in second.documents)
