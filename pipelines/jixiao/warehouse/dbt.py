"""Running ``dbt build`` on a warehouse file, in-process, and summing up its results."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATABASE_ENV = "JIXIAO_DBT_DATABASE"


@dataclass
class TestOutcome:
    name: str
    status: str  # pass | warn | fail | error
    message: str
    failures: int | None
    severity: str
    sql: str | None = None  # the compiled test: the rows it returns are the failures
    column: str | None = None  # the column it tests, if a column test
    model: str | None = None  # the schema-qualified table it tests ("main"."fct_…")


@dataclass
class DbtSummary:
    success: bool
    models: int = 0
    seeds: int = 0
    tests: list[TestOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for t in self.tests if t.status == status)

    @property
    def blocking(self) -> list[TestOutcome]:
        """Tests that failed at error severity, and nodes that errored."""
        return [t for t in self.tests if t.status in ("fail", "error")]


def dbt_env(database: Path) -> dict[str, str]:
    return {DATABASE_ENV: str(database), "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def run_dbt_build(project_dir: Path, database: Path, work_dir: Path) -> DbtSummary:
    """``dbt build`` against ``database``; dbt's target and logs go under ``work_dir``."""
    from dbt.cli.main import dbtRunner

    saved = {k: os.environ.get(k) for k in dbt_env(database)}
    os.environ.update(dbt_env(database))
    work_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work_dir / "target" / "run", ignore_errors=True)  # compiled SQL of the last build
    try:
        res = dbtRunner().invoke(
            [
                "build",
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--target-path",
                str(work_dir / "target"),
                "--log-path",
                str(work_dir / "logs"),
                "--quiet",
            ]
        )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    summary = summarize(res)
    _attach_tests(summary, work_dir / "target")
    return summary


def _attach_tests(summary: DbtSummary, target: Path) -> None:
    """What each failing test ran and what it tests, from dbt's run results and manifest
    (used to trace failures back to documents)."""
    import json

    failing = [t for t in summary.tests if t.status in ("fail", "error")]
    if not failing:
        return
    try:
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
        nodes = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    except (OSError, ValueError, KeyError):
        return
    by_name: dict[str, dict[str, Any]] = {}
    for r in results:
        node = nodes.get(r.get("unique_id"), {})
        if node.get("resource_type") == "test":
            by_name[node.get("name", "")] = {"sql": r.get("compiled_code"), "node": node}
    for t in failing:
        info = by_name.get(t.name)
        if not info:
            continue
        t.sql = info["sql"] or t.sql
        node = info["node"]
        t.column = node.get("column_name")
        attached = nodes.get(node.get("attached_node") or "", {})
        if attached.get("schema") and attached.get("alias"):
            t.model = f'"{attached["schema"]}"."{attached["alias"]}"'


def summarize(res: Any) -> DbtSummary:
    summary = DbtSummary(success=bool(res.success))
    if res.exception is not None:
        summary.errors.append(f"{res.exception.__class__.__name__}: {res.exception}")
    results = getattr(res.result, "results", None) or []
    for r in results:
        node = r.node
        kind = str(getattr(node.resource_type, "value", node.resource_type))
        status = str(getattr(r.status, "value", r.status)).lower()
        if kind == "test":
            severity = str(getattr(node.config, "severity", "error")).lower()
            sql = getattr(node, "compiled_code", None)
            summary.tests.append(TestOutcome(node.name, status, r.message or "", r.failures, severity, sql))
        elif kind == "model":
            if status == "success":
                summary.models += 1
            elif status == "skipped":
                summary.skipped.append(node.name)  # downstream of a failing test: not a fault of its own
            else:
                summary.errors.append(f"model {node.name}: {status}: {r.message}")
        elif kind == "seed":
            if status == "success":
                summary.seeds += 1
            else:
                summary.errors.append(f"seed {node.name}: {status}: {r.message}")
    return summary
