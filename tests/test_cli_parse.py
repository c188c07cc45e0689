"""``jixiao parse``: JSON and table output, and a fast start (no Dagster, no dbt)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import CORPUS


def test_json_output_follows_the_contract() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "parse", str(CORPUS / "waiban_2025.pdf"), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(out.stdout)
    assert set(doc) >= {"document", "rows", "indicators", "reconciliation"}
    assert doc["document"]["pages"] == [16, 18]
    row = doc["rows"][2]
    assert set(row) >= {
        "row_type",
        "unit",
        "project",
        "amounts",
        "goal",
        "indicators_raw",
        "disclosed",
        "page",
    }
    assert row["amounts"] == {
        "total": "260.00",
        "fiscal_appropriation": "260.00",
        "fiscal_special_account": None,
        "other_funds": None,
    }
    ind = doc["indicators"][1]
    assert ind == {
        **ind,
        "seq": 2,
        "level1": "产出指标",
        "name": "全年出访国家或地区数量",
        "op": ">=",
        "value": "20",
        "value_unit": "个",
    }
    assert doc["reconciliation"]["ok"] is True


def test_table_output_is_readable() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "parse", str(CORPUS / "weijian_2025.pdf"), "--format", "table"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = out.stdout
    assert text.startswith("广州市卫生健康委员会 (广州市) · 2025 · project targets · long layout · pages 1–3")
    assert "基层医疗卫生机构能力提升项目" in text and "1833.38" in text
    assert "16 rows, 83 indicators" in text


def test_parse_does_not_import_dagster_or_dbt() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from jixiao.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['parse', {str(CORPUS / 'keji_2023.pdf')!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('dagster', 'dbt', 'dagster_dbt', 'duckdb'))\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
