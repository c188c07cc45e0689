"""Year over year for the seed department across three years (2024–2026), in the
warehouse built from the bundled samples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

DEPT = "中共广州市委外事工作委员会办公室"


def q(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_a_renamed_project_is_matched_with_its_score(samples_warehouse: Path) -> None:
    rows = q(samples_warehouse, """
        select budget_year, project_name, match_method, match_score, matched_name
        from fct_project_funding f join dim_department d using (department_id)
        where d.department_name = ? and project_name like '%信息化运维项目' order by 1""", [DEPT])
    assert rows == [
        (2024, "2024-2025年信息化运维项目", "first_seen", None, None),
        (2025, f"{DEPT}2025-2026年信息化运维项目", "normalized", 100.0, "2024-2025年信息化运维项目"),
        (2026, f"{DEPT}2026-2027年信息化运维项目", "normalized", 100.0, f"{DEPT}2025-2026年信息化运维项目"),
    ]
    (ident,) = q(samples_warehouse, "select count(distinct project_id) from fct_project_funding "
                                    "where project_name like '%信息化运维项目' and department_id = "
                                    "(select department_id from dim_department where department_name = ?)", [DEPT])
    assert ident == (1,)
    # only the year range changed: one project, and not a rename for review
    review = q(samples_warehouse, "select budget_year, change from mart_project_changes "
                                  "where department_name = ? and change = 'renamed' order by 1", [DEPT])
    assert review == []
    names = q(samples_warehouse, "select budget_year, project_name, prev_project_name, status from mart_project_funding_yoy "
                                 "where department_name = ? and project_name like '%信息化运维项目' order by 1", [DEPT])
    assert names == [
        (2024, "2024-2025年信息化运维项目", None, "first_year"),
        (2025, f"{DEPT}2025-2026年信息化运维项目", "2024-2025年信息化运维项目", "continued"),
        (2026, f"{DEPT}2026-2027年信息化运维项目", f"{DEPT}2025-2026年信息化运维项目", "continued"),
    ]


def test_a_raised_floor_is_a_tightened_target(samples_warehouse: Path) -> None:
    rows = q(samples_warehouse, """
        select budget_year, prev_annual_target, annual_target, status, value_direction, value_change
        from mart_indicator_yoy where department_name = ? and project_name = '因公出国（境）经费'
          and indicator_name = '国际友城数量' order by 1""", [DEPT])
    assert rows == [
        (2024, None, "不低于106个", "first_year", None, None),
        (2025, "不低于106个", "不低于108个", "tightened", "raised", Decimal("2.0000")),
        (2026, "不低于108个", "不低于110个", "tightened", "raised", Decimal("2.0000")),
    ]


def test_a_dropped_project_is_dropped(samples_warehouse: Path) -> None:
    rows = q(samples_warehouse, """
        select budget_year, prev_amount_wan, amount_wan, change_wan, status from mart_project_funding_yoy
        where department_name = ? and project_name = '广州国际友城交流合作专项经费'
        order by 1""", [DEPT])
    assert rows == [
        (2024, None, Decimal("150.000000"), None, "first_year"),
        (2025, Decimal("150.000000"), None, Decimal("-150.000000"), "dropped"),
    ]
    review = q(samples_warehouse, "select budget_year, change, previous_name from mart_project_changes "
                                  "where department_name = ? and change = 'dropped' order by 1", [DEPT])
    assert review == [(2025, "dropped", "广州国际友城交流合作专项经费"),
                      (2026, "dropped", "广州市外事港澳业务综合管理平台优化项目")]


def test_department_marts(samples_warehouse: Path) -> None:
    totals = q(samples_warehouse, "select budget_year, total_wan, change_wan, new_projects, dropped_projects "
                                  "from mart_department_funding_yoy where department_name = ? order by 1", [DEPT])
    assert totals == [
        (2024, Decimal("2924.500000"), None, 0, 0),
        (2025, Decimal("2925.540000"), Decimal("1.040000"), 1, 1),
        (2026, Decimal("3095.700000"), Decimal("170.160000"), 1, 1),
    ]
    withheld = q(samples_warehouse, "select budget_year, withheld_total_wan, withheld_project_count "
                                    "from mart_withheld_share where department_name = ? order by 1", [DEPT])
    assert withheld == [(2024, Decimal("610.000000"), 2), (2025, Decimal("660.000000"), 2),
                        (2026, Decimal("670.000000"), 2)]
    mix = q(samples_warehouse, "select budget_year, source, share_pct from mart_funding_source_mix "
                               "where department_name = '广州市教育局' and budget_year = 2025 and parent_source is null "
                               "order by share_pct desc")
    assert [m[1] for m in mix] == ["fiscal_appropriation", "fiscal_special_account", "other_funds"]
    assert abs(sum(m[2] for m in mix) - 100) < 0.05


def test_a_renamed_department_is_one_department(tmp_path: Path) -> None:
    """广州市人民政府外事办公室 (before the 2019 reform) loads under its current name."""
    from jixiao.load.pipeline import run
    from jixiao.settings import load_settings
    from tests.conftest import CORPUS

    (tmp_path / "a.pdf").write_bytes((CORPUS / "waiban_2024.pdf").read_bytes())
    (tmp_path / "b.pdf").write_bytes((CORPUS / "waiban_2025.pdf").read_bytes())
    manifest = tmp_path / "m.yaml"
    manifest.write_text("documents:\n  - {department: 广州市人民政府外事办公室, year: 2024, path: a.pdf}\n"
                        f"  - {{department: {DEPT}, year: 2025, path: b.pdf}}\n", encoding="utf-8")
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    run([manifest], settings)
    depts = q(settings.warehouse, "select department_name, names_published, first_year, last_year from dim_department")
    assert depts == [(DEPT, "中共广州市委外事工作委员会办公室；广州市人民政府外事办公室", 2024, 2025)]
    status = q(settings.warehouse, "select status from mart_department_funding_yoy order by budget_year")
    assert status == [("first_year",), ("continued",)]
