"""When the warehouse side rebuilds: declarative automation, driven by what upstream
materialized (never by job names).

``after_upstream`` is ``AutomationCondition.eager()`` without its "no dependency
missing" clause: a document that failed has no parsed rows, and the warehouse must
still be rebuilt without it (its failure is a row of ``mart_load_errors``). It waits
while any upstream partition is still being ingested, so a load of many documents
rebuilds once, after the last.
"""

import dagster as dg


def after_upstream() -> dg.AutomationCondition:
    return (
        dg.AutomationCondition.any_deps_updated().since_last_handled()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    ).with_label("after upstream settles")


#: Evaluates the conditions above; on by default so that a load ends in a published warehouse.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "warehouse_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Rebuilds the raw tables, the dbt models and the warehouse once ingested documents have settled.",
)
