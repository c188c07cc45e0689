"""Resources, in one module: where jixiao keeps its files (one set of paths for every
asset, from the same settings as ``jixiao load``), and dbt."""

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, DbtProject
from dagster_duckdb import DuckDBResource
from pydantic import Field

from ..load.lock import hold
from ..load.pipeline import Workspace, read_manifests
from ..load.worker import ParserPool
from ..settings import Settings, load_settings
from ..sources.manifest import Entry, ManifestError, Problem
from ..warehouse.build import build_file


class JixiaoResource(dg.ConfigurableResource):
    """The manifests to load and the folders to load them into.

    Defaults come from the environment, as for ``jixiao load`` (``JIXIAO_MANIFESTS``:
    manifests separated by ``:``; ``JIXIAO_DATA_DIR``, ``JIXIAO_WAREHOUSE``), else the
    bundled manifests and ``data/`` under the project. Every path an asset uses comes from
    here, the published warehouse included.
    """

    manifests: list[str] = Field(default_factory=list, description="manifest files (default: the bundled ones)")
    data_dir: str | None = Field(default=None, description="the data folder (default: JIXIAO_DATA_DIR or data/)")
    warehouse: str | None = Field(default=None, description="the published DuckDB file (default: JIXIAO_WAREHOUSE)")

    def settings(self) -> Settings:
        return load_settings().with_paths(
            data_dir=Path(self.data_dir) if self.data_dir else None,
            warehouse=Path(self.warehouse) if self.warehouse else None,
        )

    def manifest_files(self) -> list[Path]:
        if self.manifests:
            return [Path(m) for m in self.manifests]
        env = os.environ.get("JIXIAO_MANIFESTS")
        if env:
            return [Path(m) for m in env.split(os.pathsep) if m]
        return self.settings().default_manifests

    def workspace(self, parsers: ParserPool | None = None) -> Workspace:
        """The folders to work in; with ``parsers``, documents are parsed in that pool's
        processes (each under the document's limits) rather than a new process each."""
        return Workspace.open(self.settings(), parsers)

    def sharing(self, wait: float = 600.0) -> contextlib.AbstractContextManager[None]:
        """The data folder, shared with the other partition runs but not with a ``jixiao
        load`` (which holds it alone; a run waits for it)."""
        return hold(self.settings().data_dir, exclusive=False, wait=wait, what="a Dagster run")

    def read(self) -> tuple[list[Entry], list[Problem], list[ManifestError]]:
        return read_manifests(self.manifest_files(), self.settings())

    def listing(self) -> dict[str, Entry | Problem]:
        """Every listed document's manifest entry, or the reason it was refused (read once
        for a whole batch: a country's manifests take a while to read)."""
        entries, problems, _ = self.read()
        found: dict[str, Entry | Problem] = {p.key: p for p in problems if p.key}
        found.update((e.key, e) for e in entries)
        return found

    def build_path(self) -> Path:
        """The warehouse file the Dagster assets keep up to date (published by copying it)."""
        return build_file(self.settings().build_dir, "dagster")

    def dbt_target(self) -> Path:
        """dbt's target folder for the Dagster builds (kept, so dbt parses only what changed)."""
        return self.settings().build_dir / "dagster" / "target"

    @contextlib.contextmanager
    def published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the published warehouse."""
        with DuckDBResource(
            database=str(self.settings().warehouse), connection_config={"access_mode": "READ_ONLY"}
        ).get_connection() as con:
            yield con


def dbt_executable() -> str:
    """The dbt installed beside this Python (a virtualenv need not be activated)."""
    for folder in (Path(sys.prefix) / "bin", Path(sys.executable).parent):
        if (folder / "dbt").exists():
            return str(folder / "dbt")
    return shutil.which("dbt") or "dbt"


@cache
def dbt_project() -> DbtProject:
    project_dir = load_settings().dbt_project_dir
    return DbtProject(project_dir=project_dir, profiles_dir=project_dir)


def resources() -> dict[str, object]:
    return {
        "jixiao": JixiaoResource(),
        "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable()),
    }
