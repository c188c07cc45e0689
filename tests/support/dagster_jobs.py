"""Module-level job factories, so that Dagster can rebuild the jobs in the subprocesses
of its multiprocess executor (``dg.reconstructable`` needs an importable function)."""

from __future__ import annotations

import dagster as dg


def ingest_job() -> dg.JobDefinition:
    from jixiao.defs.definitions import defs

    return defs().resolve_job_def("ingest_documents")


def warehouse_job() -> dg.JobDefinition:
    from jixiao.defs.definitions import defs

    return defs().resolve_job_def("build_warehouse")
