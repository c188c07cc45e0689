"""``jixiao export``: every mart as Parquet or CSV, and a Fiscal Data Package."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from jixiao.export import FISCAL_CSV, export


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_mart(samples_warehouse: Path, tmp_path: Path, fmt: str) -> None:
    written = export(samples_warehouse, tmp_path, fmt)
    con = duckdb.connect(str(samples_warehouse), read_only=True)
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' and "
        "regexp_matches(table_name, '^(dim|fct|mart)_')").fetchall()]
    assert {f"{t}.{fmt}" for t in tables} <= set(written)
    for t in tables:
        n = con.execute(f'select count(*) from main."{t}"').fetchone()[0]
        reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
        got = duckdb.sql(f"select count(*) from {reader}('{tmp_path / f'{t}.{fmt}'}')").fetchall()[0][0]
        assert got == n == written[f"{t}.{fmt}"], t


def test_fiscal_data_package_describes_the_funding_file(samples_warehouse: Path, tmp_path: Path) -> None:
    export(samples_warehouse, tmp_path, "csv")
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "fiscal-data-package"
    (resource,) = package["resources"]
    assert resource["path"] == FISCAL_CSV
    assert (tmp_path / FISCAL_CSV).read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with (tmp_path / FISCAL_CSV).open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert [f["name"] for f in resource["schema"]["fields"]] == header
    model = package["model"]
    for measure in model["measures"].values():
        assert measure["source"] in header and measure["currency"] == "CNY" and measure["factor"] == 10000
    for dim in model["dimensions"].values():
        for attr in dim["attributes"].values():
            assert attr["source"] in header
    assert package["fiscalPeriod"] == {"start": "2023-01-01", "end": "2026-12-31"}
    trip = [r for r in rows if r["project_name_published"] == "因公出国（境）经费" and r["budget_year"] == "2025"]
    assert [float(r["total_wan"]) for r in trip] == [260.0]


def test_csv_opens_in_excel_and_names_no_local_folder(samples_warehouse: Path, tmp_path: Path) -> None:
    from tests.conftest import ROOT

    export(samples_warehouse, tmp_path, "csv")
    documents = (tmp_path / "dim_document.csv").read_bytes()
    assert documents.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(documents.decode("utf-8-sig").splitlines()))
    assert rows and all(r["source_location"].startswith("sources/samples/") for r in rows)
    assert all(r["manifest_file"] == "sources/samples.yaml" for r in rows)
    for f in tmp_path.glob("*.csv"):
        assert str(ROOT) not in f.read_text(encoding="utf-8-sig"), f.name
