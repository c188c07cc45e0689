"""Run inside the BI environment (.venv-bi): open the warehouse as a BI tool does and print
what it sees as JSON. Usage: probe.py WAREHOUSE QUERIES.json"""

from __future__ import annotations

import json
import sys
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import sqlalchemy as sa


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def with_duckdb(path: str, queries: list[str]) -> dict[str, Any]:
    con = duckdb.connect(path, read_only=True)
    try:
        answers = [[[_plain(v) for v in row] for row in con.sql(q).fetchall()] for q in queries]
        frame = con.sql("select * from mart_department_funding_yoy order by department_id, budget_year").pl()
        return {
            "version": duckdb.__version__,
            "answers": answers,
            "polars": {"rows": frame.height, "columns": frame.columns, "types": [str(t) for t in frame.dtypes]},
        }
    finally:
        con.close()


def with_ibis(path: str) -> list[list[Any]]:
    import ibis

    con = ibis.duckdb.connect(path, read_only=True)
    try:
        t = con.table("mart_project_funding_yoy")
        expr = t.group_by("budget_year").aggregate(amount_wan=t.amount_wan.sum()).order_by("budget_year")
        return [[int(r.budget_year), _plain(Decimal(str(r.amount_wan)).quantize(Decimal("0.000001")))]
                for r in expr.execute().itertuples()]
    finally:
        con.disconnect()


def with_sqlalchemy(path: str, queries: list[str]) -> dict[str, Any]:
    warnings.simplefilter("error", sa.exc.SAWarning)
    engine = sa.create_engine(f"duckdb+jixiao:///{path}", connect_args={"read_only": True})
    try:
        inspector = sa.inspect(engine)
        tables = inspector.get_table_names()
        meta = sa.MetaData()
        meta.reflect(engine)
        out: dict[str, Any] = {"tables": tables, "schemas": inspector.get_schema_names(), "detail": {}}
        for name, table in meta.tables.items():
            out["detail"][name] = {
                "comment": table.comment,
                "columns": {c.name: {"type": str(c.type), "comment": c.comment} for c in table.columns},
                "primary_key": [c.name for c in table.primary_key.columns],
                "foreign_keys": sorted(f"{fk.parent.name}->{fk.target_fullname}" for fk in table.foreign_keys),
            }
        with engine.connect() as conn:
            out["answers"] = [
                [[_plain(v) for v in row] for row in conn.execute(sa.text(q.rstrip().rstrip(";"))).all()]
                for q in queries
            ]
            frame = pl.read_database("select budget_year, sum(amount_wan) as amount_wan from mart_project_funding_yoy "
                                     "group by 1 order by 1", conn)
            out["polars_sqlalchemy"] = [[_plain(v) for v in row] for row in frame.rows()]
        return out
    finally:
        engine.dispose()


if __name__ == "__main__":
    warehouse, queries_file = sys.argv[1], sys.argv[2]
    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    seen = {"duckdb": with_duckdb(warehouse, queries), "ibis": with_ibis(warehouse)}
    seen["sqlalchemy"] = with_sqlalchemy(warehouse, queries)
    print(json.dumps(seen, ensure_ascii=False))
