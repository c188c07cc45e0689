"""Where things live: the project's folders and the load's limits, from the environment.

Every path has an embedded default under the project folder (``data/``), so that a
fresh clone needs no configuration; ``JIXIAO_*`` variables move them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


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


@dataclass(frozen=True)
class Settings:
    root: Path
    data_dir: Path
    warehouse: Path
    dbt_project_dir: Path
    sources_dir: Path
    limits: Limits = field(default_factory=Limits)
    workers: int = 2

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging"

    @property
    def build_dir(self) -> Path:
        return self.data_dir / "build"

    @property
    def default_manifests(self) -> list[Path]:
        """The bundled sources: generated samples, and real documents where bundled."""
        return [m for m in (self.sources_dir / "samples.yaml", self.sources_dir / "real.yaml") if m.is_file()]

    def with_paths(self, *, data_dir: Path | None = None, warehouse: Path | None = None) -> Settings:
        data = Path(data_dir).resolve() if data_dir else self.data_dir
        wh = Path(warehouse).resolve() if warehouse else (data / "warehouse.duckdb" if data_dir else self.warehouse)
        return replace(self, data_dir=data, warehouse=wh)


def load_settings() -> Settings:
    root = project_root()
    data = Path(os.environ.get("JIXIAO_DATA_DIR", root / "data")).resolve()
    warehouse = Path(os.environ.get("JIXIAO_WAREHOUSE", data / "warehouse.duckdb")).resolve()
    limits = Limits(
        max_bytes=int(os.environ.get("JIXIAO_MAX_BYTES", Limits.max_bytes)),
        max_pages=int(os.environ.get("JIXIAO_MAX_PAGES", Limits.max_pages)),
        parse_seconds=float(os.environ.get("JIXIAO_PARSE_SECONDS", Limits.parse_seconds)),
        http_timeout=float(os.environ.get("JIXIAO_HTTP_TIMEOUT", Limits.http_timeout)),
        http_retries=int(os.environ.get("JIXIAO_HTTP_RETRIES", Limits.http_retries)),
        http_backoff=float(os.environ.get("JIXIAO_HTTP_BACKOFF", Limits.http_backoff)),
    )
    return Settings(
        root=root,
        data_dir=data,
        warehouse=warehouse,
        dbt_project_dir=Path(os.environ.get("JIXIAO_DBT_PROJECT", root / "dbt_project")).resolve(),
        sources_dir=Path(os.environ.get("JIXIAO_SOURCES", root / "sources")).resolve(),
        limits=limits,
        workers=int(os.environ.get("JIXIAO_WORKERS", max(1, min(4, os.cpu_count() or 1)))),
    )
