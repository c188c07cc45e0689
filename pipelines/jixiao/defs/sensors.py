"""The manifest sensor and the yearly schedule.

* ``manifest_sensor`` (on by default) keeps one partition per listed document: it adds
  the documents the manifests list and removes those they no longer list, and requests an
  ingest run for every entry that is new or changed (a refused entry gets its run too:
  it fails there, visibly, with the reason). On a fresh instance its first tick registers
  every document, so "Materialize all" covers them.
* ``yearly_load`` fetches every listed document again each spring (budgets are published
  in February–March); documents that did not change are not materialized again.

The warehouse side is rebuilt by declarative automation (``automation.py``) once the
ingested documents have settled, whatever launched their runs.
"""

import json

import dagster as dg

from .assets.documents import SKIP_UNCHANGED
from .jobs import INGEST_JOB
from .partitions import DOCUMENTS, documents
from .resources import JixiaoResource


def listed(jixiao: JixiaoResource) -> dict[str, str]:
    """Every document key the manifests list, with a fingerprint that changes when its
    entry does (refused entries included: their run fails with the reason)."""
    entries, problems, _ = jixiao.read()
    keys = {e.key: e.fingerprint() for e in entries}
    for p in problems:
        if p.key and p.key not in keys:
            keys[p.key] = f"refused:{p.line}:{p.message}"
    return keys


def run_request(key: str, fingerprint: str, tick: str = "") -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"{key}:{fingerprint}{tick}",
        partition_key=key,
        tags={"jixiao/document": key, SKIP_UNCHANGED: "true"},
    )


@dg.sensor(
    job_name=INGEST_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Keeps one partition per listed document and ingests the entries that are new or changed.",
)
def manifest_sensor(context: dg.SensorEvaluationContext, jixiao: JixiaoResource) -> dg.SensorResult:
    previous: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    now = listed(jixiao)
    known = set(context.instance.get_dynamic_partitions(DOCUMENTS))
    added = sorted(set(now) - known)
    removed = sorted(known - set(now))
    requests = [run_request(k, fp) for k, fp in sorted(now.items()) if previous.get(k) != fp]
    partition_requests: list[dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest] = []
    if added:
        partition_requests.append(documents.build_add_request(added))
    if removed:
        partition_requests.append(documents.build_delete_request(removed))
    if added or removed:
        context.log.info(f"documents: {len(added)} added, {len(removed)} no longer listed")
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=partition_requests,
        cursor=json.dumps(now, sort_keys=True, ensure_ascii=False),
    )


@dg.schedule(
    cron_schedule="0 6 1 4 *",
    job_name=INGEST_JOB,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    execution_timezone="Asia/Shanghai",
    description="Every 1 April: fetch every listed document again (unchanged ones are not materialized again).",
)
def yearly_load(context: dg.ScheduleEvaluationContext, jixiao: JixiaoResource) -> list[dg.RunRequest] | dg.SkipReason:
    known = set(context.instance.get_dynamic_partitions(DOCUMENTS))
    now = listed(jixiao)
    # only registered documents can run; the manifest sensor registers the others
    tick = f":{context.scheduled_execution_time:%Y}"  # one run per document per scheduled year
    runs = [run_request(k, fp, tick) for k, fp in sorted(now.items()) if k in known]
    return runs or dg.SkipReason("no listed document is registered yet: is the manifest sensor running?")
