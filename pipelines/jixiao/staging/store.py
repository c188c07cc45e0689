"""The staging area: each document's rows as Parquet files, one folder per version.

::

    staging/<document key>/
        current.json                  the version in use (sha256 of the PDF + parser version
                                      + staging schema)
        <sha256>-<parser>-<schema>/*.parquet   one file per staging table
        error.json                    the last failure, if the last attempt failed

A version folder is written under a temporary name and renamed when complete; the
``current.json`` pointer is replaced atomically. A crash at any point leaves the
previous version in use, and a document that fails keeps its previous good version.
Many documents can be staged at once: each writes only its own folder.

The staging folder may be an fsspec URL (``JIXIAO_STORE``, see ``jixiao.storage``):
:class:`RemoteStagingStore` writes a version's files in full, then the pointer.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .. import storage
from ..faults import pause_point
from .records import Rows
from .schema import DOCUMENT_TABLES, LOAD_ERRORS, SCHEMA_FINGERPRINT

CURRENT = "current.json"
#: Leftovers older than this are from a crashed load (no document takes an hour to stage).
STALE_SECONDS = 3600.0
ERROR = "error.json"


@dataclass(frozen=True)
class StagedVersion:
    key: str
    version: str
    path: Path
    sha256: str
    parser_version: str
    staged_at: str | None = None
    #: the version's folder as a URL, when the staging folder is remote (else ``path``)
    url: str | None = None

    def reads(self, sha256: str, parser_version: str) -> bool:
        """Whether this version is ``parser_version``'s reading of the bytes ``sha256`` (with
        today's staging schema): then there is nothing to parse again."""
        return self.version == version_name(sha256, parser_version)

    def file(self, table: str) -> str:
        """Where the version's Parquet file of ``table`` is (a path or a URL DuckDB can read)."""
        return storage.join(self.url, f"{table}.parquet") if self.url else str(self.path / f"{table}.parquet")


def version_name(sha256: str, parser_version: str) -> str:
    """The staged version of a document: its bytes, the parser that read them and the
    staging tables' definitions (:data:`~.schema.SCHEMA_FINGERPRINT`), so that changing the
    staged columns puts every staged document out of date: the next load stages it again."""
    return f"{sha256}-{parser_version}-{SCHEMA_FINGERPRINT}"


def _current_record(version: str, sha256: str, parser_version: str, meta: dict[str, Any]) -> dict[str, Any]:
    """What ``current.json`` says: the document's current version, and how it was staged."""
    return {"version": version, "sha256": sha256, "parser_version": parser_version, **meta}


class StagingStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def key_dir(self, key: str) -> Path:
        """The folder of a document's staged versions: always one folder right under the
        staging root, whatever the key says (defence in depth behind the manifest's checks)."""
        path = self.root / key
        if not key or key in (".", "..") or path.parent != self.root or "/" in key or "\\" in key or "\x00" in key:
            raise ValueError(f"{key!r} is not a document key (it would leave the staging folder)")
        return path

    def current(self, key: str) -> StagedVersion | None:
        data = self._get_json(key, CURRENT)
        if not data:
            return None
        path = self.key_dir(key) / data["version"]
        folder = str(path)  # (os.path, not pathlib: read for every listed document at every load)
        if not all(os.path.isfile(os.path.join(folder, f"{t.name}.parquet")) for t in DOCUMENT_TABLES):
            return None
        return StagedVersion(key, data["version"], path, data["sha256"], data["parser_version"], data.get("staged_at"))

    def is_current(self, key: str, sha256: str, parser_version: str) -> bool:
        cur = self.current(key)
        return cur is not None and cur.reads(sha256, parser_version)

    def stage(self, key: str, sha256: str, parser_version: str, rows: Rows, meta: dict[str, Any]) -> StagedVersion:
        """Write one document's rows as a new version and make it current."""
        kdir = self.key_dir(key)
        kdir.mkdir(parents=True, exist_ok=True)
        version = version_name(sha256, parser_version)
        final = kdir / version
        tmp = kdir / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            write_parquet(tmp, rows)
            pause_point("staging")
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._put_json(key, CURRENT, _current_record(version, sha256, parser_version, meta))
        return StagedVersion(key, version, final, sha256, parser_version, meta.get("staged_at"))

    def record_error(self, key: str, row: tuple[Any, ...]) -> None:
        """Record the document's latest failure; the same failure again keeps the time it
        was first seen (so that reloading changes nothing)."""
        new = dict(zip(LOAD_ERRORS.column_names, row, strict=True))
        old = self.error(key)
        same = ("stage", "error_kind", "message", "source_location")
        if old and all(old.get(k) == new.get(k) for k in same):
            new["occurred_at"] = old.get("occurred_at", new["occurred_at"])
        self._put_json(key, ERROR, new)

    def clear_error(self, key: str) -> None:
        (self.key_dir(key) / ERROR).unlink(missing_ok=True)

    def error(self, key: str) -> dict[str, Any] | None:
        found = self._get_json(key, ERROR)
        return found if isinstance(found, dict) else None

    def _put_json(self, key: str, name: str, data: Any) -> None:
        """One small JSON file of the document's (its pointer, its error), replaced whole."""
        kdir = self.key_dir(key)
        kdir.mkdir(parents=True, exist_ok=True)
        storage.write_json(kdir / name, data)

    def _get_json(self, key: str, name: str) -> Any:
        try:
            return json.loads((self.key_dir(key) / name).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def clean_temporary(self, older_than: float = STALE_SECONDS) -> None:
        """Remove what a crashed load left half-written. Only old leftovers: another
        process may be staging a document right now (its folder is young)."""
        if not self.root.exists():
            return
        cutoff = time.time() - older_than
        for kdir in self.root.iterdir():
            if kdir.is_dir():
                names = [e.name for e in os.scandir(kdir) if e.name.startswith(".")]
                for tmp in [kdir / n for n in names if n.startswith(".tmp-") or n.endswith(".tmp")]:
                    with contextlib.suppress(FileNotFoundError):
                        if tmp.stat().st_mtime >= cutoff:
                            continue
                        if tmp.is_dir():
                            shutil.rmtree(tmp, ignore_errors=True)
                        else:
                            tmp.unlink(missing_ok=True)


class RemoteStagingStore(StagingStore):
    """The staging folder in an object store (an fsspec URL): the same layout. A version's
    files are written first, then the ``current.json`` pointer (one object, replaced whole):
    readers follow the pointer only, so they never see half a version."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.fs, self._base = storage.filesystem(self.url)
        super().__init__(Path(self._base))

    def _url(self, key: str, *parts: str) -> str:
        self.key_dir(key)  # the same check of the key
        return storage.join(self.url, key, *parts)

    def _put_json(self, key: str, name: str, data: Any) -> None:
        self.fs.pipe_file(self._url(key, name), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    def _get_json(self, key: str, name: str) -> Any:
        try:
            return json.loads(self.fs.cat_file(self._url(key, name)).decode("utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def current(self, key: str) -> StagedVersion | None:
        data = self._get_json(key, CURRENT)
        if not data:
            return None
        folder = self._url(key, data["version"])
        return StagedVersion(key, data["version"], self.key_dir(key) / data["version"], data["sha256"],
                             data["parser_version"], data.get("staged_at"), url=folder)

    def stage(self, key: str, sha256: str, parser_version: str, rows: Rows, meta: dict[str, Any]) -> StagedVersion:
        import tempfile

        version = version_name(sha256, parser_version)
        folder = self._url(key, version)
        with tempfile.TemporaryDirectory(prefix="jixiao-stage-") as tmp:
            write_parquet(Path(tmp), rows)
            pause_point("staging")
            for table in DOCUMENT_TABLES:
                name = f"{table.name}.parquet"
                self.fs.put_file(str(Path(tmp) / name), storage.join(folder, name))
        self._put_json(key, CURRENT, _current_record(version, sha256, parser_version, meta))
        return StagedVersion(key, version, self.key_dir(key) / version, sha256, parser_version,
                             meta.get("staged_at"), url=folder)

    def clear_error(self, key: str) -> None:
        url = self._url(key, ERROR)
        with contextlib.suppress(FileNotFoundError):
            if self.fs.exists(url):
                self.fs.rm_file(url)

    def clean_temporary(self, older_than: float = STALE_SECONDS) -> None:
        """Nothing to clean: versions are written in place, before their pointer."""


def open_store(location: storage.Location) -> StagingStore:
    """The staging store at a local folder or an fsspec URL."""
    if storage.is_local(location):
        return StagingStore(storage.local_path(location))
    return RemoteStagingStore(str(location))


def write_parquet(folder: Path, rows: Rows) -> None:
    """One Parquet file per staging table, written with DuckDB (no pandas needed)."""
    con = duckdb.connect(":memory:")
    try:
        for table in DOCUMENT_TABLES:
            con.execute(table.ddl())
            data = rows.get(table.name, [])
            if data:
                marks = ", ".join("?" for _ in table.columns)
                con.executemany(f"INSERT INTO {table.name} VALUES ({marks})", data)
            target = folder / f"{table.name}.parquet"
            con.execute(f"COPY {table.name} TO '{_sql_path(target)}' (FORMAT PARQUET)")
    finally:
        con.close()


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal body (COPY takes no parameters)."""
    return str(path).replace("'", "''")
