"""The deployment of ``deploy/``, on this machine: Dagster's instance in PostgreSQL
(``deploy/dagster.yaml`` as shipped), the Celery executor with a Redis broker, two document
workers and the warehouse worker as separate processes, the daemon and the webserver.

One backfill of everything (what "Materialize all" launches) loads the sample sources; one
document worker is killed with SIGKILL while it is in the middle of a document (held at the
``staging`` pause point, so that the kill lands mid-task every time). No document is lost:
its task goes to the other worker, the backfill succeeds, and the warehouse it publishes is
identical, table by table, to ``jixiao load``'s on the same sources. Then a decompression
bomb (a few KB inflating to 1.2 GB) is ingested on the Celery worker: its parser process hits
its memory limit, the document fails as ``limit_exceeded``, and the worker lives on.

PostgreSQL and Redis are the system's packages (installed with apt-get when missing and
running as root; else the test is skipped, saying what is missing). ``pytest -m distributed``
runs this test alone.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
import yaml

from jixiao.load.pipeline import run
from jixiao.settings import load_settings
from jixiao.sources.manifest import load_manifest
from tests.conftest import ROOT
from tests.support import services
from tests.support.dagster_api import answers, backfill_status, launch_run, materialize_everything, wait
from tests.support.digest import table_checksums
from tests.support.pdfs import deflate_bomb

pytestmark = [pytest.mark.distributed, pytest.mark.slow]

SAMPLES = ROOT / "sources" / "samples.yaml"
#: seconds before a task of a lost worker goes to another one (production: 1800); longer than
#: any one document's step here, so that no task is handed over while it still runs
VISIBILITY = 30


@dataclass
class Services:
    pg: services.Postgres
    redis: services.Redis


@pytest.fixture(scope="module")
def backing() -> Iterator[Services]:
    try:
        pg_bin, redis_bin = services.ensure_binaries()
    except services.Unavailable as exc:
        pytest.skip(f"the distributed test needs PostgreSQL and Redis: {exc}")
    with services.postgres(pg_bin) as pg, services.redis(redis_bin) as rd:
        yield Services(pg, rd)


def _worker_yaml(path: Path, env: dict[str, str], *, warehouse: bool) -> Path:
    """The workers' config file, from the same function as the code location's executor."""
    from jixiao.defs.executors import celery_config

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        path.write_text(yaml.safe_dump({"execution": {"config": celery_config(warehouse=warehouse)}}),
                        encoding="utf-8")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return path


def _step_workers(instance: dg.DagsterInstance, run_ids: list[str]) -> dict[tuple[str, str], list[str]]:
    """(run, step) -> the Celery workers that took it, in order (dagster-celery's engine events)."""
    taken: dict[tuple[str, str], list[str]] = {}
    for run_id in run_ids:
        for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
            event = record.dagster_event
            if event is None or not event.step_key:
                continue
            data = event.event_specific_data
            metadata = getattr(data, "metadata", None) or {}
            worker = metadata.get("Celery worker")
            if worker is not None:
                taken.setdefault((run_id, event.step_key), []).append(str(worker.value))
    return taken


def test_a_backfill_on_celery_workers_survives_a_lost_worker(backing: Services, tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")  # the deployment's own instance
    env = {
        **os.environ,
        **backing.pg.env,
        "DAGSTER_HOME": str(home),
        "DAGSTER_MAX_CONCURRENT_RUNS": "4",
        "DO_NOT_TRACK": "1",
        "JIXIAO_EXECUTOR": "celery",
        "JIXIAO_CELERY_BROKER": backing.redis.url(0),
        "JIXIAO_CELERY_BACKEND": backing.redis.url(1),
        "JIXIAO_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "JIXIAO_DATA_DIR": str(tmp_path / "data"),
        "JIXIAO_MANIFESTS": str(SAMPLES),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "pipelines"), os.environ.get("PYTHONPATH")) if p),
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    documents_yaml = _worker_yaml(tmp_path / "celery.yaml", env, warehouse=False)
    warehouse_yaml = _worker_yaml(tmp_path / "celery-warehouse.yaml", env, warehouse=True)
    # listed from the start, but not a partition until the backfill is done (the warehouse then
    # holds only the samples: a listed document never attempted has no rows and no error)
    (tmp_path / "bomb_2025.pdf").write_bytes(deflate_bomb(1200))
    bomb_key = "2025-广州市炸弹局"
    extra = tmp_path / "extra.yaml"
    extra.write_text("documents:\n  - {department: 广州市炸弹局, year: 2025, path: bomb_2025.pdf}\n", encoding="utf-8")
    env["JIXIAO_MANIFESTS"] = os.pathsep.join([str(SAMPLES), str(extra)])
    marker = tmp_path / "paused"
    # the first worker holds its first document at the staging pause point: it is killed there
    doomed_env = {**env, "JIXIAO_FAULT_PAUSE": "staging", "JIXIAO_FAULT_MARKER": str(marker)}

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    instance = dg.DagsterInstance.get()  # creates the PostgreSQL schema before anything else opens it
    bindir = Path(sys.executable).parent
    workspace = str(ROOT / "workspace.yaml")
    procs: list[services.Worker] = []
    dagster_procs = []
    try:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        workers = [
            services.start_worker("doomed", documents_yaml, doomed_env, logs, cwd=ROOT),
            services.start_worker("survivor", documents_yaml, env, logs, cwd=ROOT),
            services.start_worker("warehouse", warehouse_yaml, env, logs, queues=("warehouse",), cwd=ROOT),
        ]
        procs += workers
        doomed = workers[0]
        keys = sorted(e.key for e in load_manifest(SAMPLES).entries)
        # the partitions the manifest sensor would add (it is stopped: nothing but the backfill runs)
        import subprocess

        subprocess.run([str(bindir / "dagster"), "sensor", "stop", "manifest_sensor", "-w", workspace],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
        instance.add_dynamic_partitions("documents", keys)
        port = services.free_port()
        for args in (
            [str(bindir / "dagster-daemon"), "run", "-w", workspace],
            [str(bindir / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)],
        ):
            dagster_procs.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                                  stderr=open(logs / f"{Path(args[0]).name}.log", "wb"),  # noqa: SIM115
                                                  start_new_session=True))
        services.wait_for_workers(backing.redis.url(0), workers)
        url = f"http://127.0.0.1:{port}/graphql"
        wait("the webserver", lambda: answers(url), 180)
        backfill_id = materialize_everything(url, "materialize all, on Celery")

        # a document worker dies in the middle of a document
        wait("a worker to reach the middle of a document", marker.exists, 300, every=0.5)
        doomed.kill()

        cli = load_settings().with_paths(data_dir=tmp_path / "cli")
        with ThreadPoolExecutor(1) as pool:
            cli_load = pool.submit(run, [SAMPLES], cli)  # meanwhile, jixiao load on the same sources
            status = wait("the backfill", lambda: backfill_status(instance, backfill_id), 900, every=2)
            result = cli_load.result()
        runs = instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        failed = [r.dagster_run.run_id for r in runs if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS]
        assert status == "COMPLETED_SUCCESS" and not failed, (status, failed, (logs / "celery-survivor.log").read_text()[-3000:])

        # every document materialized; the one the lost worker held was taken over by the other
        assert sorted(instance.get_materialized_partitions(dg.AssetKey("parsed_document"))) == keys
        taken = _step_workers(instance, [r.dagster_run.run_id for r in runs])
        # the document the lost worker held was finished by the other one; the lost worker finished nothing
        assert any(s[0].startswith("doomed@") and s[-1].startswith("survivor@") for s in taken.values()), taken
        assert not any(s[-1].startswith("doomed@") for s in taken.values()), taken
        warehouse_steps = [s for (_, step), s in taken.items() if step in ("raw_tables", "jixiao_dbt", "warehouse")]
        assert warehouse_steps and all(w[-1].startswith("warehouse@") for w in warehouse_steps)

        # the same warehouse as jixiao load's, table by table
        assert result.warehouse is not None and result.warehouse.status == "built"
        published = tmp_path / "data" / "warehouse.duckdb"
        assert table_checksums(published, ignore_times=True) == table_checksums(cli.warehouse, ignore_times=True)

        # a hostile document costs its own document on the worker, not the worker
        instance.add_dynamic_partitions("documents", [bomb_key])
        run_id = launch_run(url, "ingest_documents", {"dagster/partition": bomb_key})
        ended = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}
        wait("the bomb's run", lambda: (r := instance.get_run_by_id(run_id)) is not None and r.status in ended, 600)
        failures = [e for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)]
        assert failures and "parse failed (limit_exceeded)" in str(failures[0].dagster_event.event_specific_data.error)
        assert _step_workers(instance, [run_id])[(run_id, "documents")][-1].startswith("survivor@")
        survivor = workers[1]
        assert survivor.proc.poll() is None
        services.wait_for_workers(backing.redis.url(0), [survivor], timeout=60)
    finally:
        for p in dagster_procs:
            services.stop(p)
        for w in procs:
            w.stop()
        instance.dispose()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
