"""The Dagster code location: definitions load; partitions materialize into a throwaway
data folder; the warehouse job builds and publishes; dbt tests are asset checks; the
sensors and the schedule ask for the right runs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import BAD, CORPUS

DEPT = "中共广州市委外事工作委员会办公室"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("dagster")
    docs = folder / "docs"
    docs.mkdir()
    for name in ("waiban_2024", "waiban_2025"):
        (docs / f"{name}.pdf").write_bytes((CORPUS / f"{name}.pdf").read_bytes())
    (docs / "scanned.pdf").write_bytes((BAD / "scanned.pdf").read_bytes())
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


def test_definitions_load(env) -> None:  # type: ignore[no-untyped-def]
    definitions, _, _ = env
    keys = {k.to_user_string() for k in definitions.resolve_asset_graph().get_all_asset_keys()}
    assert {"source_document", "parsed_document", "jixiao_raw/raw_funding_rows", "dim_project",
            "fct_project_funding", "mart_funding_yoy", "warehouse"} <= keys
    assert {j.name for j in definitions.resolve_all_job_defs()} >= {"ingest_documents", "build_warehouse"}
    checks = definitions.resolve_asset_graph().asset_check_keys
    assert any(c.asset_key.to_user_string() == "fct_unit_funding" for c in checks)  # dbt tests as checks


def test_sensor_adds_departments_and_requests_changed_entries(env) -> None:  # type: ignore[no-untyped-def]
    definitions, instance, _ = env
    sensor = definitions.resolve_sensor_def("manifest_sensor")
    with dg.build_sensor_context(instance=instance, resources={"jixiao": definitions.resources["jixiao"]}) as ctx:
        result = sensor(ctx)
    assert isinstance(result, dg.SensorResult)
    (add,) = result.dynamic_partitions_requests
    assert sorted(add.partition_keys) == sorted([DEPT, "广州市文化广电旅游局"])
    assert len(result.run_requests) == 3
    with dg.build_sensor_context(instance=instance, cursor=result.cursor,
                                 resources={"jixiao": definitions.resources["jixiao"]}) as ctx:
        again = sensor(ctx)
    assert again.run_requests == []  # nothing changed
    instance.add_dynamic_partitions("departments", list(add.partition_keys))


def test_partitions_and_warehouse(env) -> None:  # type: ignore[no-untyped-def]
    definitions, instance, folder = env
    from jixiao.defs.partitions import document_partition

    instance.add_dynamic_partitions("departments", [DEPT, "广州市文化广电旅游局"])
    ingest = definitions.resolve_job_def("ingest_documents")
    for year in (2024, 2025):
        r = ingest.execute_in_process(partition_key=document_partition(year, DEPT), instance=instance)
        assert r.success
        mats = r.asset_materializations_for_node("parsed_document")
        assert mats and mats[0].metadata["rows"].value == 18
        assert "| page | type |" in mats[0].metadata["preview"].value
        (check,) = r.get_asset_check_evaluations()
        assert check.check_name == "reconciles" and check.passed

    bad = ingest.execute_in_process(partition_key=document_partition(2025, "广州市文化广电旅游局"),
                                    instance=instance, raise_on_error=False)
    assert not bad.success
    failure = next(e for e in bad.all_events if e.event_type_value == "STEP_FAILURE")
    assert "no_text_layer" in str(failure.event_specific_data.error)

    nothing = ingest.execute_in_process(partition_key=document_partition(2031, DEPT), instance=instance)
    assert nothing.success and not nothing.asset_materializations_for_node("source_document")

    build = definitions.resolve_job_def("build_warehouse").execute_in_process(instance=instance)
    assert build.success
    evaluations = build.get_asset_check_evaluations()
    assert len(evaluations) > 50
    failed = {e.check_name for e in evaluations if not e.passed}
    assert failed == {"no_load_errors"}  # the scanned document
    con = duckdb.connect(str(Path(folder) / "data" / "warehouse.duckdb"), read_only=True)
    assert con.execute("select count(*) from dim_document").fetchone() == (2,)
    assert con.execute("select error_kind from mart_load_errors").fetchall() == [("no_text_layer",)]


def test_schedule_requests_every_entry(env) -> None:  # type: ignore[no-untyped-def]
    definitions, instance, _ = env
    schedule = definitions.resolve_schedule_def("yearly_load")
    with dg.build_schedule_context(instance=instance, resources={"jixiao": definitions.resources["jixiao"]},
                                   repository_def=definitions.get_repository_def()) as ctx:
        result = schedule.evaluate_tick(ctx)
    assert len(result.run_requests or []) == 3
