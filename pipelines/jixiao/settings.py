"""Where things live: the project's folders and the load's limits, from the environment.

Every path has an embedded default under the project folder (``data/``), so that a
fresh clone needs no configuration; ``JIXIAO_*`` variables move them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import storage

PACKAGE_ROOT = Path(__file__).resolve().parent

#: The on-disk format warehouse files are written in, unless ``JIXIAO_STORAGE_VERSION`` says
#: otherwise: DuckDB 1.1.0's, so that DuckDB 1.1 and later (the engine inside most BI
#: drivers) open the warehouse, not only the DuckDB that wrote it. A file keeps the version it
#: was created with when later connections write to it. A later version (``v1.4.0``: DuckDB
#: 1.4 and later) writes files a build brings up to date faster whatever their size (its key
#: indexes are not written again whole at each checkpoint): see docs/deployment.md.
DEFAULT_STORAGE_VERSION = "v1.1.0"


def project_root() -> Path:
    """The repository root (holding ``dbt_project/`` and ``sources/``), else the cwd."""
    env = os.environ.get("JIXIAO_HOME")
    if env:
        return Path(env).resolve()
    candidate = PACKAGE_ROOT.parents[1]
    if (candidate / "dbt_project" / "dbt_project.yml").exists():
        return candidate
    return Path.cwd()


@dataclass(frozen=True)
class Limits:
    """What one document may cost before it is refused."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 1000
    parse_seconds: float = 120.0
    http_timeout: float = 30.0
    http_retries: int = 3
    http_backoff: float = 1.0  # seconds before the first retry; doubles each time
    schemes: tuple[str, ...] = ("http", "https")
    #: a download (headers, redirects and body together) must end within this many seconds
    http_deadline: float = 120.0
    max_redirects: int = 5
    #: hosts a download may touch, at every hop (empty: any public host)
    allowed_hosts: tuple[str, ...] = ()
    #: a parser worker's address space and CPU time (enforced by the OS)
    parse_memory_bytes: int = 768 * 1024 * 1024
    parse_cpu_seconds: int = 300
    #: Dagster only: a document's run that failed in a way that can succeed later (a timeout,
    #: a broken connection, HTTP 5xx) tries again this many times, after this many seconds
    #: (doubling); every other failure is final at once
    step_retries: int = 2
    step_retry_delay: float = 60.0


@dataclass(frozen=True)
class Settings:
    root: Path
    data_dir: Path
    warehouse: Path
    dbt_project_dir: Path
    sources_dir: Path
    limits: Limits = field(default_factory=Limits)
    workers: int = 2
    #: the page reader of the parser processes (one of ``jixiao.parser.READERS``)
    reader: str = "pdfium"
    #: where landing and staging live when not under the data folder: a shared folder or an
    #: fsspec URL (``JIXIAO_STORE``; see ``jixiao.storage``)
    store: str | None = None
    #: the DuckDB storage version of the warehouse files (``JIXIAO_STORAGE_VERSION``)
    storage_version: str = DEFAULT_STORAGE_VERSION

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging"

    @property
    def landing_location(self) -> Path | str:
        """The landing folder: under the data folder, else under ``store``."""
        return self.landing_dir if not self.store else _under(self.store, "landing")

    @property
    def staging_location(self) -> Path | str:
        return self.staging_dir if not self.store else _under(self.store, "staging")

    @property
    def cache_dir(self) -> Path:
        """Local copies of what a remote landing folder holds (what the parser reads)."""
        return self.data_dir / "cache"

    @property
    def build_dir(self) -> Path:
        return self.data_dir / "build"

    @property
    def path_bases(self) -> tuple[Path, ...]:
        """What the warehouse records local paths relative to: the project, else the folder
        holding the data folder (``jixiao.warehouse.build.portable_path``)."""
        return (self.root, self.data_dir.parent)

    @property
    def default_manifests(self) -> list[Path]:
        """The bundled sources: generated samples, and real documents where bundled."""
        return [m for m in (self.sources_dir / "samples.yaml", self.sources_dir / "real.yaml") if m.is_file()]

    def with_paths(self, *, data_dir: Path | None = None, warehouse: Path | None = None) -> Settings:
        data = Path(data_dir).resolve() if data_dir else self.data_dir
        wh = Path(warehouse).resolve() if warehouse else (data / "warehouse.duckdb" if data_dir else self.warehouse)
        return replace(self, data_dir=data, warehouse=wh)


def _under(store: str, name: str) -> Path | str:
    if "://" not in store:
        return Path(store).resolve() / name
    return storage.join(store, name)


class SettingsError(ValueError):
    """A ``JIXIAO_*`` variable holds something that is not a valid value."""


def _number(name: str, default: float, kind: type[int] | type[float] = int) -> Any:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return kind(default)
    try:
        value = kind(text.strip())
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name}={text!r} is not {what}") from None
    if value < 0:
        raise SettingsError(f"{name}={text!r} must not be negative")
    return value


def load_settings() -> Settings:
    root = project_root()
    data = Path(os.environ.get("JIXIAO_DATA_DIR", root / "data")).resolve()
    warehouse = Path(os.environ.get("JIXIAO_WAREHOUSE", data / "warehouse.duckdb")).resolve()
    limits = Limits(
        max_bytes=_number("JIXIAO_MAX_BYTES", Limits.max_bytes),
        max_pages=_number("JIXIAO_MAX_PAGES", Limits.max_pages),
        parse_seconds=_number("JIXIAO_PARSE_SECONDS", Limits.parse_seconds, float),
        http_timeout=_number("JIXIAO_HTTP_TIMEOUT", Limits.http_timeout, float),
        http_retries=_number("JIXIAO_HTTP_RETRIES", Limits.http_retries),
        http_backoff=_number("JIXIAO_HTTP_BACKOFF", Limits.http_backoff, float),
        http_deadline=_number("JIXIAO_HTTP_DEADLINE", Limits.http_deadline, float),
        max_redirects=_number("JIXIAO_MAX_REDIRECTS", Limits.max_redirects),
        allowed_hosts=tuple(h.strip() for h in os.environ.get("JIXIAO_ALLOWED_HOSTS", "").split(",") if h.strip()),
        parse_memory_bytes=_number("JIXIAO_PARSE_MEMORY_BYTES", Limits.parse_memory_bytes),
        parse_cpu_seconds=_number("JIXIAO_PARSE_CPU_SECONDS", Limits.parse_cpu_seconds),
        step_retries=_number("JIXIAO_STEP_RETRIES", Limits.step_retries),
        step_retry_delay=_number("JIXIAO_STEP_RETRY_DELAY", Limits.step_retry_delay, float),
    )
    return Settings(
        root=root,
        data_dir=data,
        warehouse=warehouse,
        dbt_project_dir=Path(os.environ.get("JIXIAO_DBT_PROJECT", root / "dbt_project")).resolve(),
        sources_dir=Path(os.environ.get("JIXIAO_SOURCES", root / "sources")).resolve(),
        limits=limits,
        workers=_number("JIXIAO_WORKERS", max(1, min(4, os.cpu_count() or 1))),
        reader=_reader(),
        store=os.environ.get("JIXIAO_STORE", "").strip() or None,
        storage_version=_storage_version(),
    )


def _storage_version() -> str:
    """``JIXIAO_STORAGE_VERSION``, if DuckDB knows it (``v1.4.0``; ``latest`` is DuckDB's own,
    which no older DuckDB opens)."""
    name = os.environ.get("JIXIAO_STORAGE_VERSION", "").strip()
    if not name or name == DEFAULT_STORAGE_VERSION:
        return DEFAULT_STORAGE_VERSION
    refused = SettingsError(
        f"JIXIAO_STORAGE_VERSION={name!r} is not a DuckDB storage version (such as {DEFAULT_STORAGE_VERSION} or v1.4.0)"
    )
    if not re.fullmatch(r"[\w.]+", name):  # (it is written into SQL as it is)
        raise refused
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH ':memory:' AS probe (STORAGE_VERSION '{name}')")
    except duckdb.Error:
        raise refused from None
    finally:
        con.close()
    return name


def _reader() -> str:
    from .parser.reader import DEFAULT_READER, READERS

    name = os.environ.get("JIXIAO_READER", "").strip() or DEFAULT_READER
    if name not in READERS:
        raise SettingsError(f"JIXIAO_READER={name!r} is not a page reader (one of: {', '.join(READERS)})")
    return name
