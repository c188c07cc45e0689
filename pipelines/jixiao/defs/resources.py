"""Resources, in one module: where jixiao keeps its files (one set of paths for every
asset, from the same settings as ``jixiao load``), and dbt."""

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

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
from ..warehouse.build import build_file, dbt_folder


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
        """The build file the Dagster assets bring up to date: of their two, the one the
        published warehouse is not (each step of a run finds the same one; published by a link)."""
        settings = self.settings()
        return build_file(settings.build_dir, "dagster", published=settings.warehouse)

    def dbt_target(self) -> Path:
        """dbt's target folder for the build file (kept, so dbt parses only what changed)."""
        return dbt_folder(self.build_path()) / "target"

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


def _beside_this_python(executable: str) -> bool:
    folder = Path(executable).parent
    return folder in (Path(sys.prefix) / "bin", Path(sys.executable).parent)


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource, without two steps that cost every warehouse run about
    5 seconds and give this project nothing.

    Before each invocation ``DbtCliResource.cli`` asks the dbt executable its version (a
    ``dbt --version`` process: 2.5 s) and builds a dbt adapter in the run's own process (3 s),
    which it uses only to fetch row counts and column metadata (``fetch_row_counts``,
    ``fetch_column_metadata``: not used here; the warehouse asset reports the row counts). The
    dbt executable is the one installed beside this Python (:func:`dbt_executable`), so its
    version is the installed dbt-core's; any other executable is still asked. Both are
    dagster-dbt's private methods: if a later dagster-dbt renames them, these overrides do
    nothing and runs are only slower (``tests/test_dagster_assets.py`` notices)."""

    @cached_property
    def _cli_version(self) -> Any:
        if _beside_this_python(self.dbt_executable):
            from packaging.version import Version

            return Version(installed_version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None  # no adapter: dagster-dbt then neither fetches metadata nor waits to


@cache
def dbt_project() -> DbtProject:
    project_dir = load_settings().dbt_project_dir
    return DbtProject(project_dir=project_dir, profiles_dir=project_dir)


def resources() -> dict[str, object]:
    project = dbt_project()
    return {
        "jixiao": JixiaoResource(),
        "dbt": DbtCli(
            project_dir=os.fspath(project.project_dir),
            profiles_dir=os.fspath(project.profiles_dir or project.project_dir),
            dbt_executable=dbt_executable(),
        ),
    }
