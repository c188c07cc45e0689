"""Building a warehouse file from the staged documents, and publishing it.

The warehouse is rebuilt, never edited in place: the staged Parquet of every current
document goes into a new DuckDB file under ``build/``, dbt builds the models in it, and
the finished file replaces the published one in a single rename. Readers holding the
old file keep reading it; a crash before the rename leaves the published file as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from .. import __version__
from ..faults import pause_point
from ..parser import PARSER_VERSION
from ..staging.schema import DOCUMENT_TABLES, LOAD_ERRORS
from ..staging.store import StagedVersion, StagingStore

META_TABLE = "_jixiao_load"


class WarehouseError(Exception):
    """The warehouse could not be built; the published file is untouched."""


@dataclass(frozen=True)
class Inputs:
    versions: tuple[StagedVersion, ...]
    errors: tuple[tuple[Any, ...], ...]
    fingerprint: str


def dbt_project_hash(project_dir: Path) -> str:
    h = hashlib.sha256()
    for sub in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests"):
        path = project_dir / sub
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []
        for f in files:
            h.update(str(f.relative_to(project_dir)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def collect_inputs(
    store: StagingStore, keys: Iterable[str], errors: Iterable[tuple[Any, ...]], project_dir: Path
) -> Inputs:
    """The current staged version of each document in ``keys``, and the load errors."""
    versions = tuple(v for k in sorted(set(keys)) if (v := store.current(k)) is not None)
    errs = tuple(sorted(errors, key=lambda r: (str(r[0]), str(r[3]))))
    h = hashlib.sha256()
    h.update(json.dumps([(v.key, v.version) for v in versions]).encode())
    # the time an error happened does not change the warehouse's meaning
    h.update(json.dumps([list(e[:-1]) for e in errs], ensure_ascii=False, default=str).encode())
    h.update(dbt_project_hash(project_dir).encode())
    h.update(f"{__version__}|{PARSER_VERSION}".encode())
    return Inputs(versions, errs, h.hexdigest())


def published_fingerprint(warehouse: Path) -> str | None:
    if not warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(f"SELECT fingerprint FROM {META_TABLE} LIMIT 1").fetchone()
        return str(row[0]) if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def create_staging_database(path: Path, inputs: Inputs) -> dict[str, int]:
    """A new DuckDB file holding the raw staging tables; returns their row counts."""
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    counts: dict[str, int] = {}
    try:
        for table in DOCUMENT_TABLES:
            con.execute(table.ddl())
            files = [str(v.path / f"{table.name}.parquet") for v in inputs.versions]
            if files:
                cols = ", ".join(f'"{c}"' for c in table.column_names)
                con.execute(
                    f"INSERT INTO {table.name} SELECT {cols} FROM read_parquet($files, union_by_name = true)",
                    {"files": files},
                )
            counts[table.name] = _count(con, table.name)
        con.execute(LOAD_ERRORS.ddl())
        if inputs.errors:
            marks = ", ".join("?" for _ in LOAD_ERRORS.columns)
            con.executemany(f"INSERT INTO {LOAD_ERRORS.name} VALUES ({marks})", list(inputs.errors))
        counts[LOAD_ERRORS.name] = _count(con, LOAD_ERRORS.name)
        con.execute(
            f"CREATE TABLE {META_TABLE} (fingerprint VARCHAR, built_at VARCHAR, jixiao_version VARCHAR, "
            "parser_version VARCHAR, documents INTEGER, load_errors INTEGER)"
        )
        con.execute(
            f"INSERT INTO {META_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
            [
                inputs.fingerprint,
                datetime.now(UTC).isoformat(timespec="seconds"),
                __version__,
                PARSER_VERSION,
                len(inputs.versions),
                len(inputs.errors),
            ],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def new_build_path(build_dir: Path) -> Path:
    build_dir.mkdir(parents=True, exist_ok=True)
    return build_dir / f"warehouse-{uuid.uuid4().hex[:12]}.duckdb"


def _checkpoint(build: Path) -> None:
    con = duckdb.connect(str(build))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if build.with_name(build.name + ".wal").exists():
        raise WarehouseError(f"{build} still has a write-ahead log after checkpointing; not published")


def _replace(staged: Path, target: Path) -> None:
    with open(staged, "rb") as fh:
        os.fsync(fh.fileno())
    pause_point("publish")
    os.replace(staged, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def publish(build: Path, target: Path) -> None:
    """Replace ``target`` with ``build`` in one rename (copying first across filesystems)."""
    _checkpoint(build)
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(build.parent).st_dev != os.stat(target.parent).st_dev:
        publish_copy(build, target)
        build.unlink()
        return
    _replace(build, target)


def publish_copy(build: Path, target: Path) -> None:
    """Copy ``build`` beside ``target``, then rename it into place; ``build`` stays."""
    _checkpoint(build)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.incoming")
    try:
        shutil.copyfile(build, staged)
        _replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)


def clean_builds(build_dir: Path, keep: Path | None = None) -> None:
    """Remove build files a crashed run left behind."""
    if not build_dir.exists():
        return
    for f in build_dir.glob("warehouse-*.duckdb*"):
        if keep is None or not f.name.startswith(keep.name):
            f.unlink(missing_ok=True)


@contextlib.contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """One warehouse build at a time per data folder (other builds wait)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
