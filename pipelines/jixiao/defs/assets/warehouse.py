"""Warehouse assets: the raw staging tables (one writer), the dbt models, and the
published warehouse file."""

import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from ...load.pipeline import load_errors
from ...staging.schema import ALL_TABLES
from ...warehouse.build import collect_inputs, create_staging_database, publish_copy
from ...warehouse.dbt import DATABASE_ENV
from ..resources import JixiaoResource, dbt_project

RAW_SOURCE = "jixiao_raw"
WAREHOUSE_TAG = {"jixiao/warehouse": "build"}


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW_SOURCE, table])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            raw_key(t.name),
            deps=["parsed_document"],
            group_name="staging",
            kinds={"duckdb"},
            description=f"Raw staging table {t.name}: the current version of every document's rows.",
        )
        for t in ALL_TABLES
    ],
    name="raw_tables",
)
def raw_tables(context: dg.AssetExecutionContext, jixiao: JixiaoResource) -> Iterator[dg.MaterializeResult]:
    """A new warehouse file holding the staged rows of every listed document (the one
    writer to DuckDB: documents themselves only write Parquet)."""
    entries, problems, broken = jixiao.read()
    ws = jixiao.workspace()
    errors = load_errors(entries, problems, broken, ws.store)
    inputs = collect_inputs(ws.store, [e.key for e in entries], errors, ws.settings.dbt_project_dir)
    path = jixiao.dagster_build_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = create_staging_database(path, inputs)
    context.log.info(f"staged {len(inputs.versions)} documents into {path}")
    for table in ALL_TABLES:
        yield dg.MaterializeResult(
            asset_key=raw_key(table.name),
            metadata={"dagster/row_count": counts.get(table.name, 0), "documents": len(inputs.versions)},
        )


class JixiaoDbtTranslator(DagsterDbtTranslator):
    """dbt sources are the raw tables above; models are grouped by their layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return raw_key(dbt_resource_props["name"])
        return dg.AssetKey([dbt_resource_props["name"]])  # models and seeds by name: dim_project, …

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        path = str(dbt_resource_props.get("path", ""))
        layer = path.split("/")[0] if "/" in path else ""
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        return {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}.get(layer, "warehouse")


def _manifest_is_stale(manifest: Path, project_dir: Path) -> bool:
    """No manifest yet, or a model, macro, seed or the project file changed since it was parsed."""
    if not manifest.exists():
        return True
    parsed = manifest.stat().st_mtime
    sources = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources += [p for p in (project_dir / folder).rglob("*") if p.is_file()]
    return any(p.exists() and p.stat().st_mtime > parsed for p in sources)


@cache
def dbt_models() -> dg.AssetsDefinition:
    """The dbt assets, built on first use (not at import): ``prepare_if_dev`` parses the
    project under ``dagster dev``; elsewhere a missing manifest is prepared once."""
    project = dbt_project()
    project.prepare_if_dev()
    if _manifest_is_stale(project.manifest_path, project.project_dir):
        project.preparer.prepare(project)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=JixiaoDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
    )
    def jixiao_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, jixiao: JixiaoResource) -> Any:
        os.environ[DATABASE_ENV] = str(jixiao.dagster_build_path())
        yield from dbt.cli(["build"], context=context).stream()

    return jixiao_dbt


@dg.asset(
    deps=[
        dg.AssetKey(["mart_funding_yoy"]),
        dg.AssetKey(["mart_indicator_yoy"]),
        dg.AssetKey(["mart_load_errors"]),
        dg.AssetKey(["fct_project_funding"]),
        dg.AssetKey(["fct_indicator_target"]),
    ],
    group_name="warehouse",
    kinds={"duckdb"},
    description="The published warehouse: the built file copied into place in one rename (readers see whole loads).",
)
def warehouse(context: dg.AssetExecutionContext, jixiao: JixiaoResource, warehouse_db: DuckDBResource) -> Any:
    settings = jixiao.settings()
    publish_copy(jixiao.dagster_build_path(), settings.warehouse)
    with warehouse_db.get_connection() as con:
        counts = {
            name: con.execute(f'select count(*) from "{name}"').fetchone()[0]
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' "
                "and (table_name like 'dim_%' or table_name like 'fct_%' or table_name like 'mart_%') order by 1"
            ).fetchall()
        }
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.warehouse)),
            "bytes": settings.warehouse.stat().st_size,
            "tables": dg.MetadataValue.json(counts),
        }
    )


@dg.asset_check(asset=warehouse, description="Every listed document loaded (failures are in mart_load_errors).")
def no_load_errors(warehouse_db: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse_db.get_connection() as con:
        rows = con.execute(
            "select document_key, stage, error_kind, message from mart_load_errors order by 1"
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"errors": len(rows), "first": dg.MetadataValue.json([list(r) for r in rows[:10]])},
    )
