"""Sensors and the yearly schedule.

* ``manifest_sensor`` reads the manifests, adds their departments as partitions, and
  asks for an ingest run of every entry that is new or changed;
* ``warehouse_sensor`` rebuilds the warehouse once ingest runs have finished and none
  is still going;
* ``yearly_load`` re-fetches every document each spring (budgets are published in
  February–March): unchanged documents are not parsed again.

All three start stopped; turn them on in the UI (Automation) or with
``dagster sensor start`` / ``dagster schedule start``.
"""

import json
from datetime import UTC, datetime

import dagster as dg

from .jobs import INGEST_JOB, WAREHOUSE_JOB
from .partitions import departments, document_partition
from .resources import JixiaoResource

ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]
DONE = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]


def _requests(
    jixiao: JixiaoResource, known: set[str], previous: dict[str, str], only_changed: bool, tick: str = ""
) -> tuple[list[str], list[dg.RunRequest], dict[str, str]]:
    entries, problems, _ = jixiao.read()
    # a refused entry still gets its run: it fails there, visibly, with the reason
    refused = [p for p in problems if p.department and p.year]
    new_departments = sorted(({e.department for e in entries} | {str(p.department) for p in refused}) - known)
    runs = []
    fingerprints = {}
    for e in entries:
        fingerprints[e.key] = e.fingerprint()
        if only_changed and previous.get(e.key) == fingerprints[e.key]:
            continue
        runs.append(
            dg.RunRequest(
                run_key=f"{e.key}:{fingerprints[e.key]}{tick}",
                partition_key=document_partition(e.year, e.department),
                tags={"jixiao/document": e.key},
            )
        )
    for p in refused:
        fingerprints[p.key] = f"refused:{p.line}:{p.message}"
        if only_changed and previous.get(p.key) == fingerprints[p.key]:
            continue
        runs.append(
            dg.RunRequest(
                run_key=f"{p.key}:refused{tick}",
                partition_key=document_partition(p.year, p.department),  # type: ignore[arg-type]
                tags={"jixiao/document": p.key},
            )
        )
    return new_departments, runs, fingerprints


@dg.sensor(
    job_name=INGEST_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Adds the manifests' departments as partitions and ingests new or changed entries.",
)
def manifest_sensor(context: dg.SensorEvaluationContext, jixiao: JixiaoResource) -> dg.SensorResult:
    previous = json.loads(context.cursor) if context.cursor else {}
    known = set(context.instance.get_dynamic_partitions(departments.name))
    new_departments, runs, fingerprints = _requests(jixiao, known, previous, only_changed=True)
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[departments.build_add_request(new_departments)] if new_departments else [],
        cursor=json.dumps(fingerprints, sort_keys=True),
    )


@dg.sensor(
    job_name=WAREHOUSE_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Builds the warehouse after ingest runs have finished (and none is still running).",
)
def warehouse_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    instance = context.instance
    if instance.get_run_records(dg.RunsFilter(job_name=INGEST_JOB, statuses=ACTIVE), limit=1):
        return dg.SkipReason("ingest runs are still going")
    finished = instance.get_run_records(
        dg.RunsFilter(job_name=INGEST_JOB, statuses=DONE), limit=1, order_by="update_timestamp", ascending=False
    )
    if not finished:
        return dg.SkipReason("no ingest run has finished yet")
    stamp = finished[0].update_timestamp.isoformat()
    if context.cursor == stamp:
        return dg.SkipReason("the warehouse already includes the last ingest run")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"warehouse:{stamp}")], cursor=stamp)


@dg.schedule(
    cron_schedule="0 6 1 4 *",
    job_name=INGEST_JOB,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    execution_timezone="Asia/Shanghai",
    description="Every 1 April: fetch every manifest entry again (unchanged documents are not parsed).",
)
def yearly_load(context: dg.ScheduleEvaluationContext, jixiao: JixiaoResource) -> list[dg.RunRequest]:
    known = set(context.instance.get_dynamic_partitions(departments.name))
    tick = f":{datetime.now(UTC):%Y}"  # one run per entry per year
    new_departments, runs, _ = _requests(jixiao, known, {}, only_changed=False, tick=tick)
    if new_departments:
        context.instance.add_dynamic_partitions(departments.name, new_departments)
    return runs
