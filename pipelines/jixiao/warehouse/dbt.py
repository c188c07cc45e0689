"""Running ``dbt build`` on a warehouse file, in-process, and summing up its results."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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


def key_violation(model: str, message: str, sql: str | None, constraints: list[Any]) -> TestOutcome | None:
    """A model that failed to build because its rows break its declared primary key, as the
    failing test it stands for (``<model>_primary_key_is_unique``), so that the documents
    behind the duplicates can be quarantined like those failing a ``unique`` test. Its SQL
    lists, for each duplicated key, the documents of every row but the first. None for any
    other failure (or a model without a primary key or ``document_key``)."""
    if not sql or "constraint violation" not in message.lower():
        return None
    keys = [
        c.get("columns") if isinstance(c, dict) else getattr(c, "columns", None)
        for c in constraints
        if str(c.get("type") if isinstance(c, dict) else getattr(getattr(c, "type", None), "value", c.type))
        == "primary_key"
    ]
    if not keys or not keys[0]:
        return None
    cols = ", ".join(f'"{c}"' for c in keys[0])
    check = f"""
        select document_key from (
            select document_key, row_number() over (partition by {cols} order by document_key) as copy
            from ({sql}) as model_rows
            where document_key is not null
        ) as numbered
        where copy > 1"""
    return TestOutcome(f"{model}_primary_key_is_unique", "fail", message, None, "error", check)


def database_vars(database: Path) -> str:
    """``--vars`` naming the DuckDB file dbt builds into (``profiles.yml`` reads ``var('database')``).

    The file is passed as a var rather than through the environment, so that nothing
    process-wide changes and dbt's partial parsing sees the same profile each time the
    same builder (the CLI or Dagster) builds."""
    import json

    return json.dumps({"database": str(database)})


def dbt_args(project_dir: Path, database: Path, work_dir: Path) -> list[str]:
    """The arguments of ``dbt build`` for one builder: its database, target and log folders."""
    return [
        "build",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--vars",
        database_vars(database),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]


def run_dbt_build(project_dir: Path, database: Path, work_dir: Path) -> DbtSummary:
    """``dbt build`` against ``database``, in this process; dbt's target and logs go under
    ``work_dir`` (kept between builds, so that dbt parses only what changed)."""
    from dbt.cli.main import dbtRunner

    work_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work_dir / "target" / "run", ignore_errors=True)  # compiled SQL of the last build
    # nothing on the console (the summary reports the tests); everything in the log file
    try:
        res = dbtRunner().invoke([*dbt_args(project_dir, database, work_dir), "--log-level", "none"])
    finally:
        release_database()
    summary = summarize(res)
    _attach_tests(summary, work_dir / "target")
    return summary


DOCS_PAGE = "static_index.html"


def docs_folder(warehouse: Path) -> Path:
    """Where the documentation site of ``warehouse`` is published: beside it,
    ``<name>_docs/index.html`` (``data/warehouse_docs/index.html``)."""
    return warehouse.with_name(f"{warehouse.stem}_docs")


def generate_docs(project_dir: Path, database: Path, work_dir: Path) -> Path:
    """``dbt docs generate --static`` on a built ``database``: one self-contained HTML page
    (every model, column, test and the lineage graph, with the column types read from the
    database) under ``work_dir``. Reuses the build's compiled project (``--no-compile``).
    Returns the page; raises ``RuntimeError`` if dbt could not write it."""
    from dbt.cli.main import dbtRunner

    args = dbt_args(project_dir, database, work_dir)
    args[0:1] = ["docs", "generate", "--static", "--no-compile"]
    try:
        res = dbtRunner().invoke([*args, "--log-level", "none"])
    finally:
        release_database()
    page = work_dir / "target" / DOCS_PAGE
    if not res.success or not page.exists():
        raise RuntimeError(f"dbt docs generate failed: {res.exception or 'no ' + DOCS_PAGE}")
    return page


def publish_docs(page: Path, warehouse: Path) -> Path:
    """Copy the documentation page beside the published warehouse (replacing the last one
    in one rename); returns where it went."""
    folder = docs_folder(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    incoming = folder / ".index.html.incoming"
    shutil.copyfile(page, incoming)
    incoming.replace(folder / "index.html")
    return folder / "index.html"


def release_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process between invocations.

    dbt-duckdb holds one environment per process and reuses it while the profile's path
    stays the same; the next build recreates its file at that path, which DuckDB's
    in-process instance cache would otherwise answer with the old, still-open database.
    (dbt-duckdb has no public call for this; if its internals change, this does nothing
    and the builds still run, in a fresh process each as under Dagster.)"""
    with contextlib.suppress(Exception):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

        with manager._LOCK:
            if manager._ENV is not None:
                manager._ENV.close()
                manager._ENV = None


def summary_from_artifacts(target: Path) -> DbtSummary:
    """The summary of the dbt invocation whose artifacts are in ``target`` (run by another
    process, such as dagster-dbt's ``dbt build``)."""
    import json

    try:
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
        nodes = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    except (OSError, ValueError, KeyError) as exc:
        return DbtSummary(success=False, errors=[f"no dbt results in {target}: {exc}"])
    summary = DbtSummary(success=True)
    for r in results:
        node = nodes.get(r.get("unique_id"), {})
        kind, name, status = node.get("resource_type"), node.get("name", r.get("unique_id")), str(r.get("status"))
        if kind == "test":
            severity = str(node.get("config", {}).get("severity", "error")).lower()
            summary.tests.append(
                TestOutcome(name, status, r.get("message") or "", r.get("failures"), severity, r.get("compiled_code"))
            )
        elif kind in ("model", "seed"):
            if status == "success":
                summary.models += kind == "model"
                summary.seeds += kind == "seed"
            elif status == "skipped" and kind == "model":
                summary.skipped.append(name)
            elif violation := key_violation(
                name, str(r.get("message") or ""), r.get("compiled_code"), node.get("constraints") or []
            ):
                summary.tests.append(violation)
            else:
                summary.errors.append(f"{kind} {name}: {status}: {r.get('message')}")
    summary.success = not summary.errors and not summary.blocking and not summary.skipped
    _attach_tests(summary, target)
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
            elif violation := key_violation(
                node.name, str(r.message or ""), getattr(node, "compiled_code", None), list(node.constraints or [])
            ):
                summary.tests.append(violation)
            else:
                summary.errors.append(f"model {node.name}: {status}: {r.message}")
        elif kind == "seed":
            if status == "success":
                summary.seeds += 1
            else:
                summary.errors.append(f"seed {node.name}: {status}: {r.message}")
    return summary
