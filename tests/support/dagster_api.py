"""Talking to a running Dagster webserver as a user's tools do: its GraphQL API."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

#: what "Materialize all" on the asset graph sends
LAUNCH_BACKFILL = """mutation($p: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $p) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""


def graphql(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer: dict[str, Any] = json.loads(response.read())
    assert "errors" not in answer, answer
    return answer["data"]


def answers(url: str) -> bool:
    try:
        graphql(url, "{ version }")
        return True
    except OSError:
        return False


def wait(what: str, predicate: Any, timeout: float, every: float = 1.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def backfill_status(instance: Any, backfill_id: str) -> str | None:
    """How the backfill ended (``COMPLETED_SUCCESS``, ``FAILED``…); None while it runs."""
    backfill = instance.get_backfill(backfill_id)
    status = backfill.status.value if backfill is not None else "REQUESTED"
    return None if status == "REQUESTED" else str(status)


def materialize_everything(url: str, title: str) -> str:
    """Launch one backfill of every asset and every partition; its id."""
    nodes = graphql(url, "{ assetNodes { assetKey { path } } }")["assetNodes"]
    everything = [n["assetKey"] for n in nodes]
    launched = graphql(url, LAUNCH_BACKFILL, {"p": {"assetSelection": everything, "allPartitions": True,
                                                    "title": title}})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    return str(launched["backfillId"])


LAUNCH_RUN = """mutation($p: ExecutionParams!) {
  launchRun(executionParams: $p) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}"""


def launch_run(url: str, job: str, tags: dict[str, str] | None = None, location: str = "jixiao") -> str:
    """Launch a run of ``job`` (queued, as a sensor's run request is); its id."""
    params = {
        "selector": {"repositoryLocationName": location, "repositoryName": "__repository__", "jobName": job},
        "runConfigData": {},
        "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
    }
    launched = graphql(url, LAUNCH_RUN, {"p": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return str(launched["run"]["runId"])
