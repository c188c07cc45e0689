"""The deployment files agree with the code and with each other: the Celery workers' config
files are the code location's executor config; the instance file is a valid Dagster instance
on PostgreSQL whose settings the compose file provides; every service runs a program the
image has; JIXIAO_EXECUTOR picks the executor and the warehouse steps go to their queue."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import dagster as dg
import pytest
import yaml

from jixiao.defs import executors
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def _yaml(name: str) -> dict:  # type: ignore[type-arg]
    loaded: dict = yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return loaded


@pytest.mark.parametrize(("name", "warehouse"), [("celery.yaml", False), ("celery-warehouse.yaml", True)])
def test_the_workers_config_is_the_executors(name: str, warehouse: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIXIAO_CELERY_VISIBILITY_TIMEOUT", raising=False)
    assert _yaml(name)["execution"]["config"] == executors.celery_config(warehouse=warehouse)
    # and dagster-celery's worker CLI reads it as the executor's config
    from dagster_celery.cli import get_validated_config

    monkeypatch.setenv("JIXIAO_CELERY_BROKER", "redis://broker:6379/0")
    monkeypatch.setenv("JIXIAO_CELERY_BACKEND", "redis://broker:6379/1")
    config = get_validated_config(str(DEPLOY / name))
    assert config["broker"] == "redis://broker:6379/0"
    assert config["config_source"]["task_acks_late"] is (not warehouse)


def test_the_instance_is_postgres_with_settings_the_compose_file_gives(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    from dagster._core.instance.config import dagster_instance_config

    text = (DEPLOY / "dagster.yaml").read_text(encoding="utf-8")
    needed = set(re.findall(r"env: (\w+)", text))
    compose = _yaml("docker-compose.yaml")
    environment = compose["x-jixiao"]["environment"]
    assert needed <= set(environment), needed - set(environment)
    for name in needed:
        monkeypatch.setenv(name, "5432" if name.endswith("PORT") or name.endswith("RUNS") else "x")
    shutil.copy(DEPLOY / "dagster.yaml", tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["storage"]["postgres"]["postgres_db"]["scheme"] == "postgresql+psycopg2"
    assert config["telemetry"]["enabled"] is False
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"


def test_every_service_runs_something_real() -> None:
    compose = _yaml("docker-compose.yaml")
    services = compose["services"]
    assert {"postgres", "redis", "user_code", "webserver", "daemon", "worker", "warehouse_worker"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    build = compose["x-jixiao"]["build"]
    assert (ROOT / build["dockerfile"]).is_file() and (DEPLOY / build["context"]).resolve() == ROOT
    bindir = Path(sys.executable).parent
    for name in ("user_code", "webserver", "daemon", "worker", "warehouse_worker"):
        command = services[name]["command"]
        assert (bindir / command[0]).exists(), f"{name}: {command[0]} is not installed"
        for arg in command:  # the files a service reads are in the image (the repository, at /opt/jixiao)
            if arg.startswith("/opt/jixiao/"):
                assert (ROOT / arg.removeprefix("/opt/jixiao/")).is_file(), arg
    queues = {services[n]["command"][services[n]["command"].index("-q") + 1] for n in ("worker", "warehouse_worker")}
    assert queues == {executors.DOCUMENT_QUEUE, executors.WAREHOUSE_QUEUE}
    workspace = _yaml("workspace.yaml")["load_from"][0]["grpc_server"]
    assert workspace["host"] == "user_code" and str(workspace["port"]) in services["user_code"]["command"]


def test_jixiao_executor_picks_the_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(executors.EXECUTOR_ENV, raising=False)
    assert executors.executor() is dg.in_process_executor
    monkeypatch.setenv(executors.EXECUTOR_ENV, "multiprocess")
    assert executors.executor() is dg.multiprocess_executor
    monkeypatch.setenv(executors.EXECUTOR_ENV, "celery")
    assert executors.executor().name == "celery"
    monkeypatch.setenv(executors.EXECUTOR_ENV, "kubernetes")
    with pytest.raises(executors.ExecutorError, match="expected one of in_process, multiprocess, celery"):
        executors.executor()


def test_the_warehouse_steps_go_to_the_warehouse_queue() -> None:
    from jixiao.defs.assets.documents import document_assets
    from jixiao.defs.assets.warehouse import dbt_models, raw_tables, warehouse

    for assets in (raw_tables, dbt_models(), warehouse()):
        assert assets.op.tags.get(executors.QUEUE_TAG) == executors.WAREHOUSE_QUEUE
    assert executors.QUEUE_TAG not in document_assets().op.tags  # the default queue: any document worker


def test_a_backfill_takes_documents_in_batches_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.defs.assets.documents import document_assets
    from jixiao.defs.partitions import PER_RUN_ENV

    try:
        monkeypatch.delenv(PER_RUN_ENV, raising=False)
        document_assets.cache_clear()
        assert document_assets().backfill_policy is None  # Dagster's default: one run per document
        monkeypatch.setenv(PER_RUN_ENV, "40")
        document_assets.cache_clear()
        policy = document_assets().backfill_policy
        assert policy is not None and policy.max_partitions_per_run == 40
        monkeypatch.setenv(PER_RUN_ENV, "0")
        document_assets.cache_clear()
        with pytest.raises(ValueError, match="JIXIAO_PARTITIONS_PER_RUN='0'"):
            document_assets()
    finally:
        monkeypatch.delenv(PER_RUN_ENV, raising=False)
        document_assets.cache_clear()
