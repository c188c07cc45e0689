"""Where a run's steps execute, chosen by the deployment (``JIXIAO_EXECUTOR``):

* ``in_process`` (the default; one machine): a run's steps run in the run's own process, so a
  document costs one process start;
* ``multiprocess``: each step in a process of its own (Dagster's default executor);
* ``celery``: each step is a task on a Celery queue (``dagster-celery``), taken by whichever
  worker, on whichever machine, is free. Documents go to the ``dagster`` queue; the warehouse
  steps (raw tables, dbt, publishing) to the ``warehouse`` queue, which one worker beside the
  warehouse file takes (the warehouse has one writer).

The Celery settings are those of Dagster's executor (broker, backend, ``config_source``);
workers are started with ``dagster-celery worker start -y deploy/celery.yaml`` (documents) and
``-y deploy/celery-warehouse.yaml -q warehouse`` (the warehouse), files that hold the same
settings (a test keeps them equal to :func:`celery_config`).

A worker lost mid-task (a machine gone, SIGKILL, the OOM killer) loses no document: the
document workers acknowledge a task only once it has run (``task_acks_late``), so the broker
hands an unacknowledged task to another worker — at once when only the worker's child process
died (``task_reject_on_worker_lost``), else once the task has been out longer than
``JIXIAO_CELERY_VISIBILITY_TIMEOUT`` seconds (Redis's visibility timeout). That timeout must be
longer than any one step takes (a step may be tried again meanwhile otherwise; steps are
idempotent, but the work is wasted). The warehouse worker acknowledges at once: a build is
never run twice concurrently; a lost build is rebuilt by the next automation tick or backfill.
"""

from __future__ import annotations

import os
from typing import Any

import dagster as dg

EXECUTOR_ENV = "JIXIAO_EXECUTOR"
EXECUTORS = ("in_process", "multiprocess", "celery")
#: the op tag dagster-celery routes a step by, and the queues jixiao uses
QUEUE_TAG = "dagster-celery/queue"
DOCUMENT_QUEUE = "dagster"
WAREHOUSE_QUEUE = "warehouse"
#: the default visibility timeout: longer than any document step takes with the default limits
VISIBILITY_TIMEOUT = 1800

#: what dagster-celery sets for publishing (dagster_celery.defaults), kept when jixiao adds its own
_PUBLISH_RETRIES = {"max_retries": 3, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


class ExecutorError(ValueError):
    """``JIXIAO_EXECUTOR`` names no executor jixiao knows."""


def selected() -> str:
    name = os.environ.get(EXECUTOR_ENV, "").strip() or "in_process"
    if name not in EXECUTORS:
        raise ExecutorError(f"{EXECUTOR_ENV}={name!r}: expected one of {', '.join(EXECUTORS)}")
    return name


def _visibility_timeout() -> int:
    text = os.environ.get("JIXIAO_CELERY_VISIBILITY_TIMEOUT", "").strip()
    if not text:
        return VISIBILITY_TIMEOUT
    if not text.isdigit() or int(text) < 1:
        raise ExecutorError(f"JIXIAO_CELERY_VISIBILITY_TIMEOUT={text!r} is not a whole number of seconds")
    return int(text)


def celery_config(*, warehouse: bool = False) -> dict[str, Any]:
    """The ``celery_executor`` config (the same block ``dagster-celery worker start -y`` reads):
    broker and backend from ``JIXIAO_CELERY_BROKER`` / ``JIXIAO_CELERY_BACKEND`` (resolved where
    the config is used), the Celery settings above. ``warehouse``: the warehouse worker's
    (acknowledging at once)."""
    late = not warehouse
    return {
        "broker": {"env": "JIXIAO_CELERY_BROKER"},
        "backend": {"env": "JIXIAO_CELERY_BACKEND"},
        "config_source": {
            "task_acks_late": late,
            "task_reject_on_worker_lost": late,
            "worker_prefetch_multiplier": 1,
            "broker_transport_options": {
                **_PUBLISH_RETRIES,
                "visibility_timeout": _visibility_timeout(),
                # sweep for tasks of lost workers every few seconds (kombu's default: 100 s)
                "unacked_restore_interval": 5,
                "unacked_restore_throttle": 1,
            },
            # a day is plenty for the run worker to read a step's events back
            "result_expires": 86400,
        },
    }


def executor() -> dg.ExecutorDefinition:
    """The executor ``JIXIAO_EXECUTOR`` names, for every job of the code location (the jobs
    and the implicit asset job that backfills and automation launch)."""
    name = selected()
    if name == "in_process":
        return dg.in_process_executor
    if name == "multiprocess":
        return dg.multiprocess_executor
    from dagster_celery import celery_executor  # only a Celery deployment needs it installed

    return celery_executor.configured(celery_config(), name="celery")
