"""Spoiling a staged document on purpose: what a parser bug would leave behind."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jixiao.staging.store import StagingStore


def null_disclosed(staging: Path, key: str, row_number: int = 2) -> None:
    """Set ``disclosed`` to null in one staged funding row of ``key``'s current version: the
    blocking test ``not_null_stg_funding_rows_disclosed`` then fails on that document."""
    staged = StagingStore(staging).current(key)
    assert staged is not None, f"{key} is not staged"
    rows = staged.path / "raw_funding_rows.parquet"
    con = duckdb.connect()
    try:
        con.execute(f"create table t as select * from read_parquet('{rows}')")
        con.execute("update t set disclosed = null where row_number = ?", [row_number])
        con.execute(f"copy t to '{rows}' (format parquet)")
    finally:
        con.close()
