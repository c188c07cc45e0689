"""The deployment of ``deploy/``, on this machine: Dagster's instance in PostgreSQL
(``deploy/dagster.yaml`` as shipped), the Celery executor with a Redis broker (and, in the
second test, RabbitMQ), two document workers and the warehouse worker as separate processes,
the daemon and the webserver.

One backfill of everything (what "Materialize all" launches) loads the sample sources; one
document worker is killed with SIGKILL while it is in the middle of a document (held at the
``staging`` pause point, so that the kill lands mid-task every time). No document is lost:
its task goes to the other worker, the backfill succeeds, and the warehouse it publishes is
identical, table by table, to ``jixiao load``'s on the same sources. Then a decompression
bomb (a few KB inflating to 1.2 GB) is ingested on the Celery worker: its parser process hits
its memory limit, the document fails as ``limit_exceeded``, and the worker lives on.

The second test runs the same backfill and the same lost worker on RabbitMQ (an ``amqp://``
broker, results over RabbitMQ too: ``rpc://``, no Redis at all), with four of the samples:
RabbitMQ hands the lost worker's unacknowledged task to the other one as soon as its
connection drops, with no visibility timeout.

PostgreSQL, Redis and RabbitMQ are the system's packages (installed with apt-get when missing
and running as root; else the test is skipped, saying what is missing). ``pytest -m
distributed`` runs these tests alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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
from tests.support.sources import corpus_manifest

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


@pytest.fixture(scope="module")
def rabbitmq() -> Iterator[services.RabbitMQ]:
    try:
        server = services.rabbitmq_server()
    except services.Unavailable as exc:
        pytest.skip(f"the RabbitMQ test needs RabbitMQ: {exc}")
    with services.rabbitmq(server) as rabbit:
        yield rabbit


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


@dataclass
class Deployment:
    """deploy/'s services running on this machine for one test."""

    instance: dg.DagsterInstance
    url: str  # the webserver's GraphQL endpoint
    env: dict[str, str]
    workers: list[services.Worker]  # doomed, survivor (documents), warehouse
    logs: Path
    marker: Path  # written when the doomed worker holds a document at the staging pause point
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)


@contextlib.contextmanager
def deployment(tmp_path: Path, pg: services.Postgres, broker: str, backend: str, manifests: list[Path],
               keys: list[str]) -> Iterator[Deployment]:
    """Dagster on PostgreSQL (its own database), the Celery executor on ``broker``, two document
    workers (the first held at the staging pause point of its first document) and the
    warehouse worker, the daemon and the webserver; ``keys`` registered as the documents'
    partitions (the manifest sensor is stopped: nothing but what the test launches runs)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")  # the deployment's own instance
    env = {
        **os.environ,
        **pg.env,
        "DAGSTER_HOME": str(home),
        "DAGSTER_MAX_CONCURRENT_RUNS": "4",
        "DO_NOT_TRACK": "1",
        "JIXIAO_EXECUTOR": "celery",
        "JIXIAO_CELERY_BROKER": broker,
        "JIXIAO_CELERY_BACKEND": backend,
        "JIXIAO_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "JIXIAO_DATA_DIR": str(tmp_path / "data"),
        "JIXIAO_MANIFESTS": os.pathsep.join(str(m) for m in manifests),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "pipelines"), os.environ.get("PYTHONPATH")) if p),
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    documents_yaml = _worker_yaml(tmp_path / "celery.yaml", env, warehouse=False)
    warehouse_yaml = _worker_yaml(tmp_path / "celery-warehouse.yaml", env, warehouse=True)
    marker = tmp_path / "paused"
    # the first worker holds its first document at the staging pause point: it is killed there
    doomed_env = {**env, "JIXIAO_FAULT_PAUSE": "staging", "JIXIAO_FAULT_MARKER": str(marker)}

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    instance = dg.DagsterInstance.get()  # creates the PostgreSQL schema before anything else opens it
    bindir = Path(sys.executable).parent
    workspace = str(ROOT / "workspace.yaml")
    workers: list[services.Worker] = []
    running = Deployment(instance, "", env, workers, logs, marker)
    try:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        workers += [
            services.start_worker("doomed", documents_yaml, doomed_env, logs, cwd=ROOT),
            services.start_worker("survivor", documents_yaml, env, logs, cwd=ROOT),
            services.start_worker("warehouse", warehouse_yaml, env, logs, queues=("warehouse",), cwd=ROOT),
        ]
        subprocess.run([str(bindir / "dagster"), "sensor", "stop", "manifest_sensor", "-w", workspace],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
        instance.add_dynamic_partitions("documents", keys)
        port = services.free_port()
        for args in (
            [str(bindir / "dagster-daemon"), "run", "-w", workspace],
            [str(bindir / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)],
        ):
            running.procs.append(subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                                  stderr=open(logs / f"{Path(args[0]).name}.log", "wb"),  # noqa: SIM115
                                                  start_new_session=True))
        services.wait_for_workers(broker, workers)
        running.url = f"http://127.0.0.1:{port}/graphql"
        wait("the webserver", lambda: answers(running.url), 180)
        yield running
    finally:
        for p in running.procs:
            services.stop(p)
        for w in workers:
            w.stop()
        instance.dispose()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def backfill_losing_a_worker(d: Deployment, manifests: list[Path], cli_data: Path) -> None:
    """A backfill of everything ("Materialize all") while the doomed worker is killed in the middle of a document (and
    ``jixiao load`` runs on the same sources meanwhile): the backfill succeeds, every document
    is materialized, the lost worker's document was finished by the other one, the warehouse
    steps ran on the warehouse worker, and the warehouse equals ``jixiao load``'s."""
    backfill_id = materialize_everything(d.url, "materialize all, on Celery")
    wait("a worker to reach the middle of a document", d.marker.exists, 300, every=0.5)
    doomed = d.workers[0]
    doomed.kill()

    cli = load_settings().with_paths(data_dir=cli_data)
    with ThreadPoolExecutor(1) as pool:
        cli_load = pool.submit(run, manifests, cli)  # meanwhile, jixiao load on the same sources
        status = wait("the backfill", lambda: backfill_status(d.instance, backfill_id), 900, every=2)
        result = cli_load.result()
    runs = d.instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    failed = [r.dagster_run.run_id for r in runs if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS]
    assert status == "COMPLETED_SUCCESS" and not failed, (
        status, failed, (d.logs / "celery-survivor.log").read_text()[-3000:])

    keys = sorted(k for m in manifests for k in (e.key for e in load_manifest(m).entries))
    assert sorted(d.instance.get_materialized_partitions(dg.AssetKey("parsed_document"))) == keys
    taken = _step_workers(d.instance, [r.dagster_run.run_id for r in runs])
    # the document the lost worker held was finished by the other one; the lost worker finished nothing
    assert any(s[0].startswith("doomed@") and s[-1].startswith("survivor@") for s in taken.values()), taken
    assert not any(s[-1].startswith("doomed@") for s in taken.values()), taken
    warehouse_steps = [s for (_, step), s in taken.items() if step in ("raw_tables", "jixiao_dbt", "warehouse")]
    assert warehouse_steps and all(w[-1].startswith("warehouse@") for w in warehouse_steps)

    # the same warehouse as jixiao load's, table by table
    assert result.warehouse is not None and result.warehouse.status == "built"
    published = Path(d.env["JIXIAO_DATA_DIR"]) / "warehouse.duckdb"
    assert table_checksums(published, ignore_times=True) == table_checksums(cli.warehouse, ignore_times=True)


def test_a_backfill_on_celery_workers_survives_a_lost_worker(backing: Services, tmp_path: Path) -> None:
    # listed from the start, but not a partition until the backfill is done (the warehouse then
    # holds only the samples: a listed document never attempted has no rows and no error)
    (tmp_path / "bomb_2025.pdf").write_bytes(deflate_bomb(1200))
    bomb_key = "2025-广州市炸弹局"
    extra = tmp_path / "extra.yaml"
    extra.write_text("documents:\n  - {department: 广州市炸弹局, year: 2025, path: bomb_2025.pdf}\n", encoding="utf-8")
    keys = sorted(e.key for e in load_manifest(SAMPLES).entries)
    pg = backing.pg.database("redis_test")
    with deployment(tmp_path, pg, backing.redis.url(0), backing.redis.url(1), [SAMPLES, extra], keys) as d:
        backfill_losing_a_worker(d, [SAMPLES], tmp_path / "cli")

        # a hostile document costs its own document on the worker, not the worker
        d.instance.add_dynamic_partitions("documents", [bomb_key])
        run_id = launch_run(d.url, "ingest_documents", {"dagster/partition": bomb_key})
        ended = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}
        wait("the bomb's run", lambda: (r := d.instance.get_run_by_id(run_id)) is not None and r.status in ended, 600)
        failures = [e for e in d.instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)]
        assert failures and "parse failed (limit_exceeded)" in str(failures[0].dagster_event.event_specific_data.error)
        assert _step_workers(d.instance, [run_id])[(run_id, "documents")][-1].startswith("survivor@")
        survivor = d.workers[1]
        assert survivor.proc.poll() is None
        services.wait_for_workers(backing.redis.url(0), [survivor], timeout=60)


def test_a_backfill_on_rabbitmq_survives_a_lost_worker(
    backing: Services, rabbitmq: services.RabbitMQ, tmp_path: Path
) -> None:
    manifest = corpus_manifest(  # four of the samples
        tmp_path / "sources",
        ("中共广州市委外事工作委员会办公室", 2024, "waiban_2024.pdf"),
        ("中共广州市委外事工作委员会办公室", 2025, "waiban_2025.pdf"),
        ("广州市教育局", 2024, "jiaoyu_2024.pdf"),
        ("广州市科学技术局", 2023, "keji_2023.pdf"),
    )
    keys = sorted(e.key for e in load_manifest(manifest).entries)
    pg = backing.pg.database("rabbitmq_test")
    with deployment(tmp_path, pg, rabbitmq.url, "rpc://", [manifest], keys) as d:
        backfill_losing_a_worker(d, [manifest], tmp_path / "cli")
