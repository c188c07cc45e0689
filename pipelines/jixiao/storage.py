"""Where the landing and staging folders live: a local folder (the default, under the data
folder) or any fsspec URL (``JIXIAO_STORE``: ``s3://bucket/jixiao`` with ``s3fs`` installed,
``gs://…`` with ``gcsfs``, …), so that a worker on any machine writes where the warehouse build
reads. A shared volume mounted at the same path everywhere needs no URL: point
``JIXIAO_DATA_DIR`` (or ``JIXIAO_STORE``) at it.

A local folder is used as it always was (files written under a temporary name and renamed:
atomic). An object store has no rename: a document's staged version is written in full before
the one small object that points at it (``current.json``) is written, and readers follow
only that pointer.
"""

from __future__ import annotations

import json
import os
import posixpath
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (imported by the settings: nothing heavy at import time)
    import duckdb

Location = Path | str


def is_local(location: Location) -> bool:
    """A path, or a ``file://`` URL."""
    if isinstance(location, Path):
        return True
    return "://" not in location or location.startswith("file://")


def local_path(location: Location) -> Path:
    if isinstance(location, Path):
        return location
    return Path(location.removeprefix("file://"))


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` and the path within it (``fsspec.core.url_to_fs``)."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    return fs, str(path)


def join(url: str, *parts: str) -> str:
    return posixpath.join(url.rstrip("/"), *parts)


def write_json(path: Path, data: Any) -> None:
    """Replace a local JSON file whole: written under a temporary name, then renamed."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def register(con: duckdb.DuckDBPyConnection, locations: Iterable[str]) -> None:
    """Let DuckDB read the remote ``locations`` through fsspec (no DuckDB extension to download)."""
    seen: set[str] = set()
    for location in locations:
        if is_local(location):
            continue
        protocol = location.split("://", 1)[0]
        if protocol in seen:
            continue
        seen.add(protocol)
        fs, _ = filesystem(location)
        con.register_filesystem(fs)
