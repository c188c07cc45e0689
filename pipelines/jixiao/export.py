"""``jixiao export --format parquet|csv [--out DIR]``: every dimension, fact and mart of
the published warehouse as files, plus a Fiscal Data Package (``datapackage.json``) that
describes the funding fact so that OpenSpending-style tools can take the data.

The package's data file (``fiscal/project_funding.csv``) is the funding fact joined
with the names of its department, unit and project: the flat table fiscal tools expect.
Amounts are in 万元, declared to the tools as CNY with a factor of 10,000.
"""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from . import __version__
from .parser.errors import ParseError
from .parser.vocabulary import FUNDING_SOURCES, SPENDING, TOTAL
from .settings import load_settings
from .warehouse.build import META_TABLE

FISCAL_CSV = "fiscal/project_funding.csv"

#: The measures: 总计 and every funding source of a project (fct_project_funding's amount
#: columns; the department's 基本支出 / 项目支出 are not a project's), from the vocabulary.
MEASURES = {
    s["key"]: (f"{s['key']}_wan", f"{s['heading']} (total)" if s["kind"] == TOTAL else s["heading"])
    for s in FUNDING_SOURCES
    if s["kind"] != SPENDING
}

FUNDING_QUERY = f"""
select
    f.funding_id, f.budget_year, f.department_id, d.department_name, f.unit_id, u.unit_name,
    f.project_id, p.latest_project_name as project_name, f.project_name as project_name_published, f.disclosed,
    {", ".join(f"f.{column}" for column, _ in MEASURES.values())},
    f.document_key, doc.source_location
from fct_project_funding f
join dim_department d on d.department_id = f.department_id
join dim_unit u on u.unit_id = f.unit_id
join dim_project p on p.project_id = f.project_id
join dim_document doc on doc.document_key = f.document_key
order by f.budget_year, d.department_name, u.unit_name, p.latest_project_name
"""


class ExportFailed(ParseError):
    kind = "export"


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def _csv_safe(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The relation with every text cell that a spreadsheet would run as a formula (it starts
    with =, +, -, @, a tab or a carriage return) prefixed with an apostrophe (OWASP's CSV
    injection rule). Numbers stay numbers: only text columns are touched."""
    columns = con.execute(f"describe select * from {relation}").fetchall()
    parts = []
    for name, kind, *_ in columns:
        q = '"' + str(name).replace('"', '""') + '"'
        if str(kind).upper() == "VARCHAR":
            parts.append(f"case when regexp_matches({q}, '^[=+\\-@\\t\\r]') then chr(39) || {q} else {q} end as {q}")
        else:
            parts.append(q)
    return f"select {', '.join(parts)} from {relation} as t"


UTF8_BOM = b"\xef\xbb\xbf"


def _write_csv(con: duckdb.DuckDBPyConnection, source: str, target: Path) -> None:
    """``source`` as UTF-8 CSV with a byte-order mark: Excel (the analysts' first tool) reads
    a CSV without one in the system code page and shows Chinese text as mojibake."""
    plain = target.with_name(target.name + ".tmp")
    try:
        con.execute(f"COPY {source} TO '{_q(plain)}' (FORMAT CSV, HEADER)")
        with open(target, "wb") as out, open(plain, "rb") as body:
            out.write(UTF8_BOM)
            shutil.copyfileobj(body, out)
    finally:
        plain.unlink(missing_ok=True)


def export(warehouse: Path, out: Path, fmt: str) -> dict[str, int]:
    """Write every mart; returns the row count of each file written."""
    if not warehouse.exists():
        raise ExportFailed(f"no warehouse at {warehouse}: run `jixiao load` first", source="jixiao export")
    out.mkdir(parents=True, exist_ok=True)
    (out / "fiscal").mkdir(exist_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    written: dict[str, int] = {}
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' and "
                "(table_name like 'dim\\_%' escape '\\' or table_name like 'fct\\_%' escape '\\' "
                "or table_name like 'mart\\_%' escape '\\') order by 1"
            ).fetchall()
        ]
        for table in tables:
            target = out / f"{table}.{fmt}"
            relation = f'main."{table}"'
            if fmt == "parquet":
                # names come from the catalog above; COPY takes no parameters for its target
                con.execute(f"COPY {relation} TO '{_q(target)}' (FORMAT PARQUET)")
            else:
                _write_csv(con, f"({_csv_safe(con, relation)})", target)
            written[target.name] = con.execute(f'select count(*) from main."{table}"').fetchone()[0]  # type: ignore[index]
        _write_csv(con, f"({_csv_safe(con, f'({FUNDING_QUERY})')})", out / FISCAL_CSV)
        rows = con.execute(f"select count(*), min(budget_year), max(budget_year) from ({FUNDING_QUERY})").fetchone()
        assert rows is not None
        written[FISCAL_CSV] = rows[0]
        columns = con.execute(f"describe ({FUNDING_QUERY})").fetchall()
        built = con.execute(f"select built_at from {META_TABLE}").fetchone()
    finally:
        con.close()
    package = fiscal_data_package(columns, rows[1], rows[2], built[0] if built else None)
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return written


def _field_type(duck_type: str) -> dict[str, Any]:
    t = duck_type.upper()
    if t.startswith("DECIMAL") or t in ("DOUBLE", "FLOAT", "REAL"):
        return {"type": "number", "decimalChar": "."}
    if t in ("INTEGER", "BIGINT", "SMALLINT", "HUGEINT"):
        return {"type": "integer"}
    if t == "BOOLEAN":
        return {"type": "boolean"}
    return {"type": "string"}


def fiscal_data_package(
    columns: list[tuple[Any, ...]], first_year: int | None, last_year: int | None, built_at: str | None
) -> dict[str, Any]:
    """A Fiscal Data Package (v1) descriptor for the flat funding file."""
    fields = []
    for name, duck_type, *_ in columns:
        field = {"name": name, **_field_type(str(duck_type))}
        if name == "budget_year":
            field = {"name": name, "type": "year"}
        fields.append(field)
    return {
        "profile": "fiscal-data-package",
        "name": "jixiao-project-budget-performance",
        "title": "Project expenditure and performance targets (项目支出绩效目标表)",
        "description": "Approved project budgets of government departments, by fund-using unit and project, with "
        "their funding sources, extracted from the published 部门预算 documents by jixiao.",
        "countryCode": "CN",
        "currency": "CNY",
        "fiscalPeriod": {"start": f"{first_year}-01-01", "end": f"{last_year}-12-31"} if first_year else {},
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": [{"title": "Departmental budget documents (部门预算), 附件 项目支出绩效目标表"}],
        "warehouseBuiltAt": built_at,
        "resources": [
            {
                "name": "project-funding",
                "path": FISCAL_CSV,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": fields, "primaryKey": ["funding_id"]},
            }
        ],
        "model": {
            "measures": {
                key: {
                    "source": column,
                    "title": title,
                    "currency": "CNY",
                    "factor": 10000,
                    "direction": "expenditure",
                    "phase": "approved",
                }
                for key, (column, title) in MEASURES.items()
            },
            "dimensions": {
                "date": {
                    "dimensionType": "datetime",
                    "primaryKey": ["year"],
                    "attributes": {"year": {"source": "budget_year"}},
                },
                "department": {
                    "dimensionType": "administrative-classification",
                    "primaryKey": ["department_id"],
                    "attributes": {
                        "department_id": {"source": "department_id"},
                        "department_name": {"source": "department_name", "labelfor": "department_id"},
                    },
                },
                "unit": {
                    "dimensionType": "administrative-classification",
                    "primaryKey": ["unit_id"],
                    "attributes": {
                        "unit_id": {"source": "unit_id"},
                        "unit_name": {"source": "unit_name", "labelfor": "unit_id"},
                        "department_id": {"source": "department_id", "parent": "department"},
                    },
                },
                "project": {
                    "dimensionType": "activity",
                    "primaryKey": ["project_id"],
                    "attributes": {
                        "project_id": {"source": "project_id"},
                        "project_name": {"source": "project_name", "labelfor": "project_id"},
                        "disclosed": {"source": "disclosed"},
                    },
                },
            },
        },
    }


def run_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse
    out = Path(args.out) if args.out else settings.root / "export"
    written = export(warehouse, out, args.format)
    print(f"exported {len(written)} files to {out.resolve()}:")
    for name, n in written.items():
        print(f"  {name:<40} {n:>7} rows")
    print(f"  {'datapackage.json':<40} Fiscal Data Package describing {FISCAL_CSV}")
    return 0
