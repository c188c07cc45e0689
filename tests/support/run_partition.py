"""Run one Dagster job (for one partition) in its own process, as a backfill's run
would: ``python -m tests.support.run_partition JOB [PARTITION]``. The instance comes
from ``DAGSTER_HOME``; prints ``ok`` or the step failures."""

from __future__ import annotations

import sys

import dagster as dg

from tests.support import dagster_jobs


def main() -> int:
    job = getattr(dagster_jobs, sys.argv[1])
    tags = {"dagster/partition": sys.argv[2]} if len(sys.argv) > 2 else {}
    with dg.DagsterInstance.get() as instance, dg.execute_job(
        dg.reconstructable(job), instance=instance, tags=tags, raise_on_error=False
    ) as result:
        failures = [str(e.event_specific_data.error) for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        executor = [e.message for e in result.all_events if e.event_type_value == "ENGINE_EVENT"]
    print("ok" if result.success else "failed", file=sys.stdout)
    print("\n".join(failures + [m or "" for m in executor[:1]]), file=sys.stdout)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
