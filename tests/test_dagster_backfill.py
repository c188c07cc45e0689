"""Dagster as a data engineer runs it: a fresh instance, the daemon and the webserver as
separate processes, the code location from ``workspace.yaml``.

On the fresh instance the manifest sensor (on by default) registers one partition per
sample document; one backfill of everything — what "Materialize all" launches, sent to the
webserver's GraphQL API — materializes every document and then the warehouse, and the
warehouse it publishes holds the same rows as ``jixiao load``'s on the same manifest."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import pytest

from jixiao.load.pipeline import run
from jixiao.settings import load_settings
from jixiao.sources.manifest import load_manifest
from tests.conftest import ROOT
from tests.support.dagster_api import answers, backfill_status, materialize_everything, wait
from tests.support.digest import table_checksums

SAMPLES = ROOT / "sources" / "samples.yaml"
INSTANCE = """telemetry:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 4
    dequeue_interval_seconds: 1
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[tuple[str, dg.DagsterInstance, Path]]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE, encoding="utf-8")
    env = {**os.environ, "DAGSTER_HOME": str(home), "JIXIAO_DATA_DIR": str(tmp_path / "data"),
           "JIXIAO_MANIFESTS": str(SAMPLES), "DO_NOT_TRACK": "1"}
    saved = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    instance = dg.DagsterInstance.get()  # creates the storage before the daemon and the webserver open it
    bindir = Path(sys.executable).parent
    workspace = str(ROOT / "workspace.yaml")
    subprocess.run([str(bindir / "dagster"), "sensor", "stop", "manifest_sensor", "-w", workspace], cwd=ROOT,
                   env=env, check=True, capture_output=True, timeout=120)
    instance.add_dynamic_partitions("documents", sorted(e.key for e in load_manifest(SAMPLES).entries))
    port = _free_port()
    procs = [
        subprocess.Popen([str(bindir / "dagster-daemon"), "run", "-w", workspace], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True),
        subprocess.Popen([str(bindir / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True),
    ]
    try:
        yield f"http://127.0.0.1:{port}/graphql", instance, tmp_path
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        instance.dispose()
        if saved is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = saved


def test_one_backfill_of_everything_on_a_fresh_instance(deployment) -> None:  # type: ignore[no-untyped-def]
    url, instance, folder = deployment
    keys = sorted(e.key for e in load_manifest(SAMPLES).entries)
    wait("the webserver", lambda: answers(url), 120)
    backfill_id = materialize_everything(url, "materialize all")
    # meanwhile, jixiao load on the same manifest into another data folder
    cli = load_settings().with_paths(data_dir=folder / "cli")
    with ThreadPoolExecutor(1) as pool:
        cli_load = pool.submit(run, [SAMPLES], cli)
        assert wait("the backfill", lambda: backfill_status(instance, backfill_id), 600, every=2) == "COMPLETED_SUCCESS"
        result = cli_load.result()
    runs = instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert all(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in runs)
    # one run per document, then the warehouse side in one run
    partitions = sorted(r.dagster_run.tags["dagster/partition"] for r in runs if "dagster/partition" in r.dagster_run.tags)
    assert partitions == keys and len(runs) == len(keys) + 1
    assert len(instance.get_run_records()) == len(runs)  # nothing else ran
    for key in (dg.AssetKey("parsed_document"),):
        assert sorted(instance.get_materialized_partitions(key)) == keys
    assert instance.get_latest_materialization_event(dg.AssetKey("warehouse")) is not None

    # the same rows as jixiao load's, on the same manifest (when things were fetched and
    # parsed aside: the two data folders did that at different times)
    assert result.warehouse is not None and result.warehouse.status == "built"
    published = folder / "data" / "warehouse.duckdb"
    assert table_checksums(published, ignore_times=True) == table_checksums(cli.warehouse, ignore_times=True)
