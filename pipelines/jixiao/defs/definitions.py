"""The code location ``workspace.yaml`` (and ``dg``) loads. Definitions are built when
Dagster loads the location (not at import), so the dbt project is parsed only then. The
executor is the deployment's (``JIXIAO_EXECUTOR``, see ``executors.py``): in-process on one
machine, Celery across many."""

import dagster as dg

from .assets.documents import document_assets
from .assets.warehouse import dbt_models, raw_tables, warehouse
from .automation import automation_sensor
from .executors import executor
from .jobs import ingest_job, warehouse_job
from .resources import resources
from .sensors import manifest_sensor, yearly_load


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[document_assets(), raw_tables, dbt_models(), warehouse()],
        jobs=[ingest_job(), warehouse_job()],
        sensors=[manifest_sensor, automation_sensor],
        schedules=[yearly_load],
        resources=resources(),
        executor=executor(),
    )
