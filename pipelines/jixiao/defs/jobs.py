"""Jobs: ingest documents (one run per partition), and build the warehouse (one writer)."""

from typing import Any

import dagster as dg

from .assets.documents import parsed_document, source_document
from .assets.warehouse import WAREHOUSE_TAG, dbt_models, raw_tables, warehouse

INGEST_JOB = "ingest_documents"
WAREHOUSE_JOB = "build_warehouse"


def ingest_job() -> dg.JobDefinition | Any:
    return dg.define_asset_job(
        INGEST_JOB,
        selection=dg.AssetSelection.assets(source_document, parsed_document),
        description="Fetch, parse and stage one department's document for one year.",
    )


def warehouse_job() -> dg.JobDefinition | Any:
    return dg.define_asset_job(
        WAREHOUSE_JOB,
        selection=dg.AssetSelection.assets(raw_tables, dbt_models(), warehouse),
        tags=WAREHOUSE_TAG,
        description="Build the warehouse from every staged document with dbt, then publish it atomically.",
    )
