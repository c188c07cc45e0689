"""The Dagster code location, in process: definitions load; the manifest sensor keeps one
partition per listed document; a partition materializes into a throwaway data folder and,
unchanged, is not materialized again; the warehouse assets build, check and publish; a
partial materialization never publishes; a document failing a blocking test is
quarantined; the schedule keys its runs to its scheduled time."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from jixiao.staging.store import StagingStore
from tests.conftest import BAD, CORPUS
from tests.support.digest import lineage, table_checksums
from tests.support.staged import null_disclosed

DEPT = "中共广州市委外事工作委员会办公室"
KEYS = [f"2024-{DEPT}", f"2025-{DEPT}", "2025-广州市文化广电旅游局"]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("dagster")
    docs = folder / "docs"
    docs.mkdir()
    for name in ("waiban_2024", "waiban_2025"):
        shutil.copy(CORPUS / f"{name}.pdf", docs / f"{name}.pdf")
    shutil.copy(BAD / "scanned.pdf", docs / "scanned.pdf")
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        "documents:\n"
        f"  - {{department: {DEPT}, year: 2024, path: docs/waiban_2024.pdf}}\n"
        f"  - {{department: {DEPT}, year: 2025, path: docs/waiban_2025.pdf}}\n"
        "  - {department: 广州市文化广电旅游局, year: 2025, path: docs/scanned.pdf}\n",
        encoding="utf-8",
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DATA_DIR", str(folder / "data"))
    mp.setenv("JIXIAO_MANIFESTS", str(manifest))
    from jixiao.defs.definitions import defs

    definitions = defs()
    with dg.instance_for_test() as instance:
        yield definitions, instance, folder
    mp.undo()


def _sensor(definitions: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None = None):  # type: ignore[no-untyped-def]
    sensor = definitions.resolve_sensor_def("manifest_sensor")
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"jixiao": definitions.resources["jixiao"]}
    ) as ctx:
        result = sensor(ctx)
    assert isinstance(result, dg.SensorResult)
    return result


def _materializations(result: dg.ExecuteInProcessResult, asset: str) -> list[dg.AssetMaterialization]:
    """The run's materializations of one asset (a document's two assets are one step)."""
    return [m for m in result.asset_materializations_for_node("documents") if m.asset_key == dg.AssetKey(asset)]


def test_definitions_load(env) -> None:  # type: ignore[no-untyped-def]
    definitions, _, _ = env
    graph = definitions.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"source_document", "parsed_document", "jixiao_raw/raw_funding_rows", "dim_project",
            "fct_project_funding", "mart_project_funding_yoy", "warehouse"} <= keys
    assert {j.name for j in definitions.resolve_all_job_defs()} >= {"ingest_documents", "build_warehouse"}
    # the warehouse waits for every model, not a few
    models = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable} - {
        dg.AssetKey("source_document"), dg.AssetKey("parsed_document"), dg.AssetKey("warehouse")}
    assert models <= set(graph.get(dg.AssetKey("warehouse")).parent_keys)
    # dbt tests are asset checks, named in words a reader can search for
    checks = graph.asset_check_keys
    assert any(c.asset_key.to_user_string() == "fct_unit_funding" for c in checks)
    assert not [c.name for c in checks if re.search(r"_{3,}", c.name)]
    # rebuilt by what upstream materialized, not by job names
    for key in ("jixiao_raw/raw_funding_rows", "dim_project", "warehouse"):
        condition = graph.get(dg.AssetKey(key.split("/"))).automation_condition
        assert condition is not None and condition.get_label() == "after upstream settles"
    assert definitions.resolve_sensor_def("warehouse_automation").default_status == dg.DefaultSensorStatus.RUNNING


def test_the_sensor_keeps_one_partition_per_listed_document(env) -> None:  # type: ignore[no-untyped-def]
    definitions, instance, folder = env
    first = _sensor(definitions, instance)
    (add,) = first.dynamic_partitions_requests
    assert sorted(add.partition_keys) == sorted(KEYS)
    assert sorted(r.partition_key for r in first.run_requests) == sorted(KEYS)
    instance.add_dynamic_partitions("documents", list(add.partition_keys))
    again = _sensor(definitions, instance, first.cursor)
    assert again.run_requests == [] and again.dynamic_partitions_requests == []  # nothing changed
    # an entry dropped from the manifest: its partition goes; nothing else runs
    manifest = folder / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text("\n".join(line for line in text.splitlines() if "2024" not in line) + "\n", encoding="utf-8")
    try:
        dropped = _sensor(definitions, instance, first.cursor)
        (delete,) = dropped.dynamic_partitions_requests
        assert isinstance(delete, dg.DeleteDynamicPartitionsRequest) and delete.partition_keys == [KEYS[0]]
        assert dropped.run_requests == []
    finally:
        manifest.write_text(text, encoding="utf-8")


def test_documents_then_warehouse(env) -> None:  # type: ignore[no-untyped-def]
    definitions, instance, folder = env
    instance.add_dynamic_partitions("documents", KEYS)
    ingest = definitions.resolve_job_def("ingest_documents")
    versions = {}
    for key in KEYS[:2]:
        r = ingest.execute_in_process(partition_key=key, instance=instance)
        assert r.success
        (mat,) = _materializations(r, "parsed_document")
        versions[key] = mat.tags["dagster/data_version"]
        assert mat.metadata["dagster/row_count"].value == 18
        assert "| page | type |" in mat.metadata["preview"].value
        (check,) = r.get_asset_check_evaluations()
        assert check.check_name == "reconciles" and check.passed
    # the same document again, as the sensor or the schedule asks: fetched, found unchanged, not
    # materialized (nothing downstream runs); asked by hand, it is materialized, its data version unchanged
    auto = {"jixiao/skip_unchanged": "true"}
    same = ingest.execute_in_process(partition_key=KEYS[0], instance=instance, tags=auto)
    assert same.success and not _materializations(same, "source_document")
    assert not _materializations(same, "parsed_document")
    by_hand = ingest.execute_in_process(partition_key=KEYS[0], instance=instance)
    (again,) = _materializations(by_hand, "parsed_document")
    assert again.tags["dagster/data_version"] == versions[KEYS[0]] != versions[KEYS[1]]

    bad = ingest.execute_in_process(partition_key=KEYS[2], instance=instance, raise_on_error=False)
    assert not bad.success
    failure = next(e for e in bad.all_events if e.event_type_value == "STEP_FAILURE")
    assert "parse failed (no_text_layer)" in str(failure.event_specific_data.error)

    build = definitions.resolve_job_def("build_warehouse").execute_in_process(instance=instance)
    assert build.success
    evaluations = build.get_asset_check_evaluations()
    assert len(evaluations) > 50
    assert {e.check_name for e in evaluations if not e.passed} == {"no_load_errors"}  # the scanned document
    published = folder / "data" / "warehouse.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute("select count(*) from dim_document").fetchone() == (2,)
        assert con.execute("select error_kind from mart_load_errors").fetchall() == [("no_text_layer",)]
    finally:
        con.close()

    # a partial materialization (the raw tables, then the warehouse) never publishes
    before = table_checksums(published)
    from jixiao.defs.assets.warehouse import raw_tables, warehouse

    partial = dg.materialize(
        [raw_tables, warehouse()], instance=instance, resources=definitions.resources, raise_on_error=False
    )
    assert not partial.success
    failure = next(e for e in partial.all_events if e.event_type_value == "STEP_FAILURE")
    assert "not published: dbt has not built and tested every model" in str(failure.event_specific_data.error)
    assert table_checksums(published) == before

    # built again from nothing when the run says so (jixiao load --rebuild's twin): the same tables
    descent = lineage(published)
    rebuilt = definitions.resolve_job_def("build_warehouse").execute_in_process(
        instance=instance, run_config={"ops": {"raw_tables": {"config": {"from_nothing": True}}}}
    )
    assert rebuilt.success
    raw = [m for m in rebuilt.get_asset_materialization_events() if m.asset_key.path[0] == "jixiao_raw"]
    assert raw and all(m.materialization.metadata["full_build"].value is True for m in raw)
    assert table_checksums(published) == before and lineage(published) != descent


def test_a_batch_reports_each_document_as_its_own_partition(env) -> None:  # type: ignore[no-untyped-def]
    """A backfill's run of several documents (JIXIAO_PARTITIONS_PER_RUN): each document on its
    own; those that succeed are materialized as their partitions, the one that fails is named
    and its partition alone is not materialized."""
    definitions, _, folder = env

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("documents", KEYS)
        ingest = definitions.resolve_job_def("ingest_documents")
        batch = ingest.execute_in_process(
            instance=instance, raise_on_error=False,
            tags={"dagster/asset_partition_range_start": KEYS[0], "dagster/asset_partition_range_end": KEYS[2]},
        )
        assert not batch.success
        failure = next(e for e in batch.all_events if e.event_type_value == "STEP_FAILURE")
        message = str(failure.event_specific_data.error)
        assert "1 of 3 documents failed" in message and f"{KEYS[2]}: parse failed (no_text_layer)" in message
        assert sorted(instance.get_materialized_partitions(dg.AssetKey("parsed_document"))) == sorted(KEYS[:2])
        assert sorted(instance.get_materialized_partitions(dg.AssetKey("source_document"))) == sorted(KEYS)
        parsed = {m.partition: m for m in _materializations(batch, "parsed_document")}
        # each document's own data version: its staged version, as a run of that document alone records it
        store = StagingStore(folder / "data" / "staging")
        assert {k: m.tags["dagster/data_version"] for k, m in parsed.items()} == {
            k: store.current(k).version for k in KEYS[:2]}  # type: ignore[union-attr]


def test_a_document_failing_a_blocking_test_is_quarantined_in_dagster_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One PDF under a department and its alias (a primary key the model refuses) and a
    document whose staged rows turn bad (a blocking test fails): both are left out, the
    others published, and each model and check is reported once, with its last result."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("waiban_2025", "keji_2023", "jiaoyu_2024"):
        shutil.copy(CORPUS / f"{name}.pdf", docs / f"{name}.pdf")
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "documents:\n"
        f"  - {{department: {DEPT}, year: 2025, path: docs/waiban_2025.pdf}}\n"
        "  - {department: 广州市人民政府外事办公室, year: 2025, path: docs/waiban_2025.pdf}\n"
        "  - {department: 广州市科学技术局, year: 2023, path: docs/keji_2023.pdf}\n"
        "  - {department: 广州市教育局, year: 2024, path: docs/jiaoyu_2024.pdf}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIXIAO_MANIFESTS", str(manifest))
    from jixiao.defs.definitions import defs

    definitions = defs()
    keys = [f"2025-{DEPT}", "2025-广州市人民政府外事办公室", "2023-广州市科学技术局", "2024-广州市教育局"]
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("documents", keys)
        ingest = definitions.resolve_job_def("ingest_documents")
        for key in keys:
            assert ingest.execute_in_process(partition_key=key, instance=instance).success
        # one staged row turns bad (what a parser bug would leave): not_null_stg_funding_rows_disclosed fails
        null_disclosed(tmp_path / "data" / "staging", "2024-广州市教育局")
        build = definitions.resolve_job_def("build_warehouse").execute_in_process(instance=instance)
        assert build.success
        # dbt built twice (before and after the quarantine): each check is reported once, with
        # its last result (the failing test passes once the document is out), each model once
        checks = build.get_asset_check_evaluations()
        assert len({(c.asset_key, c.check_name) for c in checks}) == len(checks) > 100
        assert [c.passed for c in checks if c.check_name == "not_null_stg_funding_rows_disclosed"] == [True]
        assert [c.check_name for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR] == []
        built = [m.asset_key for m in build.get_asset_materialization_events()]
        assert len(set(built)) == len(built)
    con = duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True)
    try:
        docs_in = [r[0] for r in con.execute("select document_key from dim_document order by 1").fetchall()]
        errors = con.execute("select document_key, stage, error_kind from mart_load_errors order by 1").fetchall()
    finally:
        con.close()
    assert docs_in == ["2023-广州市科学技术局", f"2025-{DEPT}"]
    assert errors == [
        ("2024-广州市教育局", "quarantine", "data_test_failed"),
        ("2025-广州市人民政府外事办公室", "quarantine", "data_test_failed"),
    ]


def test_the_schedule_keys_runs_to_its_scheduled_year(env) -> None:  # type: ignore[no-untyped-def]
    definitions, instance, _ = env
    instance.add_dynamic_partitions("documents", KEYS)
    schedule = definitions.resolve_schedule_def("yearly_load")
    when = datetime(2031, 4, 1, 6, 0, tzinfo=UTC)
    with dg.build_schedule_context(instance=instance, resources={"jixiao": definitions.resources["jixiao"]},
                                   scheduled_execution_time=when,
                                   repository_def=definitions.get_repository_def()) as ctx:
        result = schedule.evaluate_tick(ctx)
    runs = result.run_requests or []
    assert sorted(r.partition_key for r in runs) == sorted(KEYS)
    assert all(r.run_key and r.run_key.endswith(":2031") for r in runs)


def test_the_dbt_resource_skips_only_what_the_project_does_not_use() -> None:
    """``DbtCli`` answers dagster-dbt's version question without running ``dbt --version``
    (which also asks PyPI for the latest release) and builds no adapter in the run's
    process; its answer is the version of the dbt the executable runs (asked of the
    executable's own Python), and the methods it overrides are still dagster-dbt's."""
    import subprocess

    from dagster_dbt import DbtCliResource

    from jixiao.defs.resources import DbtCli, resources

    dbt = resources()["dbt"]
    assert isinstance(dbt, DbtCli)
    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource), f"dagster-dbt no longer has {name}: DbtCli overrides nothing"
    interpreter = Path(dbt.dbt_executable).read_text(encoding="utf-8").splitlines()[0].removeprefix("#!")
    asked = [interpreter, "-c", "from dbt.version import __version__; print(__version__)"]
    assert subprocess.run(asked, capture_output=True, text=True, check=True).stdout.strip() == str(dbt._cli_version)
    assert dbt._initialize_dbt_core_adapter(["build"]) is None
