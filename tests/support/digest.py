"""What a warehouse holds, as numbers to compare: row count and checksum of every table."""

from __future__ import annotations

from pathlib import Path

import duckdb

#: jixiao's own bookkeeping tables (when and from what a build was made, and which
#: departments its dbt build recomputed): (schema, table)
BOOKKEEPING = (("jixiao", "load_info"), ("jixiao", "build_check"), ("jixiao", "lineage"), ("intermediate", "int_changed_departments"))
#: columns that say when something happened, not what was loaded
TIMES = ("fetched_at", "parsed_at", "occurred_at", "built_at", "checked_at")


def table_checksums(warehouse: Path, ignore_times: bool = False) -> dict[str, tuple[int, str]]:
    """(row count, checksum of the sorted rows) of every table and view of the warehouse;
    with ``ignore_times``, the columns saying when a document was fetched or parsed and
    when an error happened are left out (two data folders loading the same documents)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [
            (schema, name)
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables order by 1, 2"
            ).fetchall()
            if (schema, name) not in BOOKKEEPING
        ]
        out = {}
        for schema, name in names:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, name],
                ).fetchall()
                if not (ignore_times and c in TIMES)
            ]
            cols = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
            row = con.execute(
                f"select count(*), md5(coalesce(string_agg(x, chr(10) order by x), '')) "
                f'from (select cast(row({cols}) as varchar) as x from "{schema}"."{name}") as t'
            ).fetchone()
            assert row is not None
            out[f"{schema}.{name}"] = (int(row[0]), str(row[1]))
        return out
    finally:
        con.close()


def lineage(build: Path) -> str:
    """Which build from nothing a warehouse or build file descends from (``jixiao.lineage``)."""
    con = duckdb.connect(str(build), read_only=True)
    try:
        row = con.execute("select id from jixiao.lineage").fetchone()
        assert row is not None, f"{build} has no lineage"
        return str(row[0])
    finally:
        con.close()
