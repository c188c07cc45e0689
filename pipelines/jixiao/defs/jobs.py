"""Jobs: ingest documents (one run per document partition), and build the warehouse
(one writer). Their steps run where the deployment's executor puts them (``executors.py``):
in the run's own process on one machine, on Celery workers across many."""

from typing import Any

import dagster as dg

from .assets.documents import PARSED, SOURCE
from .assets.warehouse import dbt_models, raw_tables, warehouse

INGEST_JOB = "ingest_documents"
WAREHOUSE_JOB = "build_warehouse"

#: Run-level retries (when the instance enables them) only for a run whose process died;
#: a step that failed has its own retry policy where a retry can help.
NO_RUN_RETRY_ON_STEP_FAILURE = {"dagster/retry_on_asset_or_op_failure": "false"}


def ingest_job() -> Any:  # an unresolved asset job (not a public type)
    return dg.define_asset_job(
        INGEST_JOB,
        selection=dg.AssetSelection.assets(SOURCE, PARSED),
        tags=NO_RUN_RETRY_ON_STEP_FAILURE,
        description="Fetch, parse and stage one document (one partition per manifest entry).",
    )


def warehouse_job() -> Any:  # an unresolved asset job (not a public type)
    return dg.define_asset_job(
        WAREHOUSE_JOB,
        selection=dg.AssetSelection.assets(raw_tables, dbt_models(), warehouse()),
        tags=NO_RUN_RETRY_ON_STEP_FAILURE,
        description="Build the warehouse from every staged document with dbt, then publish it atomically.",
    )
