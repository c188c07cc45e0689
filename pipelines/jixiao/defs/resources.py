"""Resources, in one module: where jixiao keeps its files, dbt, and the published warehouse."""

import contextlib
import os
import sys
from functools import cache
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from dagster_duckdb import DuckDBResource
from pydantic import Field

from ..load.lock import hold
from ..load.pipeline import Workspace, read_manifests
from ..settings import Settings, load_settings
from ..sources.manifest import Entry, ManifestError, Problem


class JixiaoResource(dg.ConfigurableResource):
    """The manifests to load and the folders to load them into.

    Defaults come from the environment (``JIXIAO_MANIFESTS``: manifests separated by
    ``:``; ``JIXIAO_DATA_DIR``, ``JIXIAO_WAREHOUSE``), else the bundled samples and
    ``data/`` under the project.
    """

    manifests: list[str] = Field(default_factory=list)
    data_dir: str | None = None
    warehouse: str | None = None

    def settings(self) -> Settings:
        s = load_settings()
        return s.with_paths(
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

    def workspace(self) -> Workspace:
        return Workspace.open(self.settings())

    def sharing(self, wait: float = 600.0) -> contextlib.AbstractContextManager[None]:
        """The data folder, shared with the other partition runs but not with a ``jixiao
        load`` (which holds it alone; a run waits for it)."""
        return hold(self.settings().data_dir, exclusive=False, wait=wait, what="a Dagster run")

    def read(self) -> tuple[list[Entry], list[Problem], list[ManifestError]]:
        return read_manifests(self.manifest_files(), self.settings())

    def lookup(self, year: int, department: str) -> Entry | Problem | None:
        """The manifest entry for this document, the reason it was refused, or None."""
        entries, problems, _ = self.read()
        for e in entries:
            if e.year == year and e.department == department:
                return e
        for p in problems:
            if p.year == year and p.department == department:
                return p
        return None

    def dagster_build_path(self) -> Path:
        """The warehouse file the Dagster assets build (published by copying)."""
        return self.settings().build_dir / "dagster" / "warehouse.duckdb"


def dbt_executable() -> str:
    """The dbt installed beside this Python (a virtualenv need not be activated)."""
    local = Path(sys.executable).parent / "dbt"
    if local.exists():
        bindir = str(local.parent)
        if bindir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
        return str(local)
    return "dbt"


@cache
def dbt_project() -> DbtProject:
    settings = load_settings()
    dbt_executable()
    return DbtProject(project_dir=settings.dbt_project_dir, profiles_dir=settings.dbt_project_dir)


def resources() -> dict[str, object]:
    settings = load_settings()
    return {
        "jixiao": JixiaoResource(),
        "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable()),
        "warehouse_db": DuckDBResource(
            database=str(settings.warehouse), connection_config={"access_mode": "READ_ONLY"}
        ),
    }
