"""The code location ``workspace.yaml`` loads. Definitions are built when Dagster loads
the location (not at import), so the dbt project is parsed only then."""

import dagster as dg

from .assets.documents import parsed_document, source_document
from .assets.warehouse import dbt_models, no_load_errors, raw_tables, warehouse
from .jobs import ingest_job, warehouse_job
from .resources import resources
from .sensors import manifest_sensor, warehouse_sensor, yearly_load


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[source_document, parsed_document, raw_tables, dbt_models(), warehouse],
        asset_checks=[no_load_errors],
        jobs=[ingest_job(), warehouse_job()],
        sensors=[manifest_sensor, warehouse_sensor],
        schedules=[yearly_load],
        resources=resources(),
    )
