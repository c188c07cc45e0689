"""Warehouse assets: the raw staging tables (one writer), the dbt models, and the
published warehouse file. They do what ``jixiao load`` does after staging, with the same
library functions, so that both publish the same warehouse:

* ``raw_tables`` brings the raw tables of the build file up to date with every listed
  document's current rows (only the documents that changed are read again);
* the dbt models are built and tested in it; a document whose rows fail a blocking test
  is quarantined (left out, with a load-error row) and dbt builds again; when every
  model was built and every blocking test passed, the build is marked checked;
* ``warehouse`` publishes the build, only if it is marked checked for the raw tables it
  holds now (a partial materialization never publishes).
"""

import fcntl
import json
from collections.abc import Generator, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject
from dagster_dbt.asset_utils import DAGSTER_DBT_SELECT_METADATA_KEY, build_dbt_specs

from ...load.pipeline import QUARANTINE_MESSAGE, load_errors, quarantine_row
from ...staging.schema import ALL_TABLES
from ...warehouse.build import (
    build_lock,
    build_problems,
    checking,
    clean_builds,
    collect_inputs,
    mark_checked,
    prepare_build,
    publish_build,
    stage_raw,
    unchecked_reason,
)
from ...warehouse.dbt import DbtSummary, database_vars, generate_docs, publish_docs, summary_from_artifacts
from ..automation import after_upstream
from ..executors import QUEUE_TAG, WAREHOUSE_QUEUE
from ..resources import JixiaoResource, dbt_project

RAW_SOURCE = "jixiao_raw"
#: tables of the BI schema whose row counts the warehouse asset reports
BI_TABLES = "table_schema = 'main' and regexp_matches(table_name, '^(dim|fct|mart)_')"
#: under the Celery executor, the warehouse steps go to the one worker beside the warehouse file
ON_THE_WAREHOUSE_WORKER = {QUEUE_TAG: WAREHOUSE_QUEUE}


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW_SOURCE, table])


class RawTablesConfig(dg.Config):
    """Set ``from_nothing`` in a run's config (Launchpad: ``ops: {raw_tables: {config:
    {from_nothing: true}}}``) to build the warehouse from nothing from the staged documents,
    as ``jixiao load --rebuild`` does (after a build you doubt, or for a compact file)."""

    from_nothing: bool = False


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            raw_key(t.name),
            deps=["parsed_document"],
            group_name="staging",
            kinds={"duckdb"},
            automation_condition=after_upstream(),
            description=f"Raw staging table {t.name}: the current version of every listed document's rows.",
        )
        for t in ALL_TABLES
    ],
    name="raw_tables",
    op_tags=ON_THE_WAREHOUSE_WORKER,
)
def raw_tables(
    context: dg.AssetExecutionContext, config: RawTablesConfig, jixiao: JixiaoResource
) -> Iterator[dg.MaterializeResult]:
    """The build file's raw tables brought up to date with the staged rows of every listed
    document and the load errors (the one writer to DuckDB: documents themselves only write
    Parquet). The documents that changed are listed for dbt's incremental models."""
    entries, problems, broken = jixiao.read()
    ws = jixiao.workspace()
    settings = ws.settings
    errors = load_errors(entries, problems, broken, ws.store)
    sources = [(e.key, str(e.manifest), e.line, e.location) for e in entries]
    with jixiao.sharing(), build_lock(settings.build_dir):
        inputs = collect_inputs(
            ws.store,
            [e.key for e in entries],
            errors,
            settings.dbt_project_dir,
            sources,
            settings.path_bases,
            storage_version=settings.storage_version,
        )
        clean_builds(settings.build_dir)
        path = jixiao.build_path()
        prepared = prepare_build(path, from_nothing=config.from_nothing)
        staged = stage_raw(path, inputs, full=config.from_nothing)
    how = "from nothing" if staged.full else f"{len(staged.changed)} changed"
    context.log.info(
        f"staged {len(inputs.versions)} documents ({how}) and {len(inputs.errors)} load errors into {path} "
        f"({prepared})"
    )
    for table in ALL_TABLES:
        yield dg.MaterializeResult(
            asset_key=raw_key(table.name),
            metadata={
                "dagster/row_count": staged.counts.get(table.name, 0),
                "documents": len(inputs.versions),
                "changed_documents": len(staged.changed),
                "full_build": staged.full,
            },
        )


class JixiaoDbtTranslator(DagsterDbtTranslator):
    """dbt sources are the raw tables above; models are grouped by their layer and rebuilt
    when what they read has settled."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return raw_key(dbt_resource_props["name"])
        return dg.AssetKey([dbt_resource_props["name"]])  # models and seeds by name: dim_project, …

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        path = str(dbt_resource_props.get("path", ""))
        layer = path.split("/")[0] if "/" in path else ""
        return {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}.get(layer, "warehouse")

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        return after_upstream()


def _manifest_is_stale(manifest: Path, project_dir: Path) -> bool:
    """No manifest yet, or a model, macro, seed or the project file changed since it was parsed."""
    if not manifest.exists():
        return True
    parsed = manifest.stat().st_mtime
    sources = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources += [p for p in (project_dir / folder).rglob("*") if p.is_file()]
    return any(p.exists() and p.stat().st_mtime > parsed for p in sources)


def prepare_manifest(project: DbtProject) -> None:
    """``dbt parse`` in this process, when the manifest is missing or older than the
    project (under ``dagster dev`` as in a deployment; one process at a time)."""
    from dbt.cli.main import dbtRunner

    target = project.project_dir / project.target_path
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _manifest_is_stale(project.manifest_path, project.project_dir):
            return  # another process parsed it meanwhile
        res = dbtRunner().invoke(
            ["parse", "--project-dir", str(project.project_dir), "--profiles-dir", str(project.profiles_dir),
             "--target-path", str(target), "--log-level", "none"]
        )
        if not res.success:
            raise RuntimeError(f"dbt parse failed for {project.project_dir}: {res.exception}")


@cache
def dbt_models() -> dg.AssetsDefinition:
    """The dbt project as one asset that always runs whole: every seed, model and test.

    A build is checked as a whole on the raw tables it holds (and the incremental models
    recompute the changed departments once, then the changes are done), so a subset of the
    models (or of their tests) would leave the build unchecked or a change half-applied: the
    dbt assets cannot be subset, and automation requesting one of them requests all.
    (``@dbt_assets`` always allows subsets; this is the same multi-asset, built from the
    same specs, without.) The manifest is parsed again whenever the
    project changed, so ``dagster dev`` picks up edits on reload."""
    project = dbt_project()
    if _manifest_is_stale(project.manifest_path, project.project_dir):
        prepare_manifest(project)
    translator = JixiaoDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
    manifest = json.loads(project.manifest_path.read_text(encoding="utf-8"))
    specs, check_specs = build_dbt_specs(
        translator=translator,
        manifest=manifest,
        select="fqn:*",
        exclude="",
        selector="",
        io_manager_key=None,
        project=project,
    )

    @dg.multi_asset(
        name="jixiao_dbt",
        specs=specs,
        check_specs=check_specs,
        can_subset=False,
        op_tags={DAGSTER_DBT_SELECT_METADATA_KEY: "fqn:*", **ON_THE_WAREHOUSE_WORKER},
        allow_arbitrary_check_specs=True,
    )
    def jixiao_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, jixiao: JixiaoResource) -> Any:
        yield from build_and_check(context, dbt, jixiao, manifest, translator)

    return jixiao_dbt


def build_and_check(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    jixiao: JixiaoResource,
    manifest: Mapping[str, Any],
    translator: DagsterDbtTranslator,
) -> Iterator[Any]:
    """``dbt build`` on the build file, with quarantine (``checking``). Each model's
    materialization and each test's check result is reported as dbt finishes it (the run's
    event log is written while dbt works, not after); a failing check is held back until the
    end, since a round after a quarantine may pass it: each is reported once, with its last
    result. The build is marked checked only when every model and test ran and passed."""
    build, target = jixiao.build_path(), jixiao.dbt_target()
    if not build.exists():
        raise dg.Failure(f"there is no build at {build}: materialize the raw tables first", allow_retries=False)
    reported: set[Any] = set()
    failing: dict[Any, Any] = {}

    def run(path: Path) -> Generator[Any, None, DbtSummary]:
        invocation = dbt.cli(
            # dbt's own log file only for warnings: dagster-dbt reads the events from dbt's
            # output, and a debug-level file (every statement, 14 MB a build) costs a second
            ["build", "--vars", database_vars(path), "--log-level-file", "warn"],
            context=context,
            manifest=manifest,
            dagster_dbt_translator=translator,
            raise_on_error=False,
            target_path=target,
        )
        for event in invocation.stream():
            key = _reported_as(event)
            if isinstance(event, dg.AssetCheckResult) and not event.passed:
                failing[key] = event  # reported at the end, unless a later round passes it
            elif key is None or key not in reported:
                failing.pop(key, None)
                reported.add(key)
                yield event
        return summary_from_artifacts(target)

    entries: dict[str, Any] = {}

    def error_row(key: str, test: str) -> tuple[Any, ...]:
        if not entries:  # the manifests are read only to name a quarantined document (10,000 entries: seconds)
            entries.update({e.key: e for e in jixiao.read()[0]})
        return quarantine_row(key, test, entries.get(key))

    with jixiao.sharing(), build_lock(jixiao.settings().build_dir):
        rounds = checking(build, error_row)
        path = next(rounds)
        while True:
            summary = yield from run(path)
            try:
                path = rounds.send(summary)
            except StopIteration as done:
                summary, quarantined = done.value
                break
        yield from failing.values()
        problems = build_problems(summary)
        if problems:
            raise dg.Failure(
                "dbt build failed; nothing will be published: " + "; ".join(problems[:5]),
                metadata={"problems": dg.MetadataValue.json(problems[:50])},
                allow_retries=False,
            )
        for key, test in quarantined.items():
            context.log.warning(f"{key}: {QUARANTINE_MESSAGE}{test}")
        mark_checked(build, quarantined)  # the whole project ran (the asset cannot be subset)


def _reported_as(event: Any) -> tuple[Any, ...] | None:
    """What an event of dbt's reports, so that a round after a quarantine does not report it
    twice (None: an observation, reported each time)."""
    if isinstance(event, dg.Output):
        return ("output", event.output_name)
    if isinstance(event, dg.AssetCheckResult):
        return ("check", event.asset_key, event.check_name)
    if isinstance(event, dg.AssetMaterialization):
        return ("materialization", event.asset_key)
    return None


@cache
def warehouse() -> dg.AssetsDefinition:
    @dg.asset(
        name="warehouse",
        deps=[*dbt_models().keys, *(raw_key(t.name) for t in ALL_TABLES)],
        group_name="warehouse",
        kinds={"duckdb"},
        automation_condition=after_upstream(),
        op_tags=ON_THE_WAREHOUSE_WORKER,
        check_specs=[
            dg.AssetCheckSpec(
                "no_load_errors",
                asset="warehouse",
                description="Every listed document loaded (failures are rows of mart_load_errors).",
            )
        ],
        description=(
            "The published warehouse: the checked build linked into place in one rename (readers see whole "
            "loads). Refuses a build dbt has not built and tested as a whole since its raw tables were staged."
        ),
    )
    def _warehouse(context: dg.AssetExecutionContext, jixiao: JixiaoResource) -> dg.MaterializeResult:
        settings = jixiao.settings()
        build = jixiao.build_path()
        with jixiao.sharing(), build_lock(settings.build_dir):
            reason = unchecked_reason(build)
            if reason:
                raise dg.Failure(f"not published: {reason}", allow_retries=False)
            docs: Path | None = None
            try:  # the documentation site of this build (dbt's target of the dbt asset's run)
                docs = generate_docs(settings.dbt_project_dir, build, jixiao.dbt_target().parent)
            except Exception as exc:  # the data is good: published without docs, and said so
                context.log.warning(f"the documentation site was not generated: {exc}")
            published = publish_build(build, settings.warehouse)
            if docs is not None:
                docs = publish_docs(docs, settings.warehouse)
        with jixiao.published() as con:
            counts = {
                name: con.execute(f'select count(*) from "{name}"').fetchone()[0]  # type: ignore[index]
                for (name,) in con.execute(
                    f"select table_name from information_schema.tables where {BI_TABLES} order by 1"
                ).fetchall()
            }
            errors = con.execute(
                "select document_key, stage, error_kind, message from mart_load_errors order by 1"
            ).fetchall()
            documents = con.execute("select count(*) from dim_document").fetchone()[0]  # type: ignore[index]
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(settings.warehouse)),
                "published_by": published,  # linked (the build file itself) or copied (another filesystem)
                "docs": dg.MetadataValue.path(str(docs)) if docs else "not generated",
                "bytes": settings.warehouse.stat().st_size,
                "documents": documents,
                "load_errors": len(errors),
                "tables": dg.MetadataValue.json(counts),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="no_load_errors",
                    passed=not errors,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={"errors": len(errors), "first": dg.MetadataValue.json([list(r) for r in errors[:10]])},
                )
            ],
        )

    return _warehouse
