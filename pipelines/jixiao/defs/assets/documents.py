"""Per-document assets: the published PDF, and its parsed and staged rows.

One partition is one department's document for one year. Each partition writes only
its own files (landing by content hash, staging by document), so any number can run at
once; the warehouse is built by one writer afterwards.
"""

from typing import Any

import dagster as dg

from ...load.pipeline import StepFailed, Workspace, fetch_document, stage_document
from ...parser import PARSER_VERSION
from ...settings import Limits
from ...sources.fetch import Fetched
from ...sources.manifest import Entry, Problem
from ...textable import truncate
from ..partitions import documents
from ..resources import JixiaoResource

GROUP = "documents"
PARSED = dg.AssetKey("parsed_document")
#: Set by the manifest sensor and the yearly schedule on the runs they request: a document
#: fetched again unchanged (and already parsed by this parser) is then not materialized
#: again. A run launched by hand or by a backfill materializes whatever it is asked to.
SKIP_UNCHANGED = "jixiao/skip_unchanged"

def _failure(context: dg.AssetExecutionContext, exc: StepFailed, entry_location: str, limits: Limits) -> Exception:
    """The step's end for a failed document: another try later (``JIXIAO_STEP_RETRIES``
    times, ``JIXIAO_STEP_RETRY_DELAY`` seconds apart, doubling) if the failure can pass (a
    server down, a network cut), else a failure with the same one-line message as ``jixiao
    load`` (a document that is not a PDF, cannot be parsed, or a 404, fails at once)."""
    if exc.retriable and context.retry_number < limits.step_retries:
        context.log.warning(f"{exc.stage} failed ({exc.kind}): {exc.message}; trying again later")
        return dg.RetryRequested(
            max_retries=limits.step_retries, seconds_to_wait=limits.step_retry_delay * 2**context.retry_number
        )
    return dg.Failure(
        description=f"{exc.stage} failed ({exc.kind}): {exc.message}",
        metadata={"stage": exc.stage, "error_kind": exc.kind, "source": entry_location},
        allow_retries=False,
    )


def _entry(context: dg.AssetExecutionContext, jixiao: JixiaoResource) -> Entry | None:
    entry = jixiao.lookup(context.partition_key)
    if entry is None:
        context.log.info(f"no manifest lists {context.partition_key} any more: nothing to do")
        return None
    if isinstance(entry, Problem):  # the manifest entry was refused
        raise dg.Failure(
            description=f"manifest failed (entry_invalid): {entry}",
            metadata={"stage": "manifest", "error_kind": "entry_invalid"},
            allow_retries=False,
        )
    return entry


def _staged_in_dagster(context: dg.AssetExecutionContext, version: str) -> bool:
    """Whether Dagster's last materialization of this document's parsed rows is ``version``."""
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=PARSED, asset_partitions=[context.partition_key]), limit=1
    ).records
    if not records or records[0].asset_materialization is None:
        return False
    return records[0].asset_materialization.tags.get("dagster/data_version") == version


@dg.asset(
    partitions_def=documents,
    group_name=GROUP,
    kinds={"pdf"},
    output_required=False,
    description=(
        "The published budget PDF, fetched (HTTP or local path) into the content-addressed landing folder. "
        "Its data version is the file's SHA-256. In the runs the manifest sensor and the yearly schedule "
        "request, a document fetched again unchanged, and already parsed by this parser, is not materialized "
        "again (nothing downstream runs)."
    ),
)
def source_document(context: dg.AssetExecutionContext, jixiao: JixiaoResource) -> Any:
    entry = _entry(context, jixiao)
    if entry is None:
        return
    ws = jixiao.workspace()
    try:
        with jixiao.sharing():
            fetched = fetch_document(entry, ws)
    except StepFailed as exc:
        raise _failure(context, exc, entry.location, ws.settings.limits) from exc
    current = ws.store.current(entry.key)
    if (
        context.run.tags.get(SKIP_UNCHANGED) == "true"
        and ws.store.is_current(entry.key, fetched.sha256, PARSER_VERSION)
        and current is not None
        and _staged_in_dagster(context, current.version)
    ):
        ws.store.clear_error(entry.key)
        context.log.info(f"{entry.key}: unchanged since {current.staged_at} ({fetched.sha256[:12]}…); not materialized")
        return
    yield dg.Output(
        fetched,
        data_version=dg.DataVersion(fetched.sha256),
        metadata={
            "source": entry.location,
            "sha256": fetched.sha256,
            "bytes": fetched.size,
            "fetched_at": fetched.fetched_at,
            "landing_path": dg.MetadataValue.path(str(fetched.path)),
            "manifest": f"{entry.manifest}:{entry.line}",
        },
    )


@dg.asset(
    partitions_def=documents,
    group_name=GROUP,
    kinds={"python", "parquet"},
    code_version=PARSER_VERSION,
    check_specs=[
        dg.AssetCheckSpec(
            "reconciles",
            asset="parsed_document",
            description="合计 = Σ units = Σ projects and 总计 = Σ sources, as printed",
        )
    ],
    description=(
        "The performance tables parsed and staged as Parquet (documents, funding rows, indicators, tasks, "
        "checks). Its data version is the staged version: the PDF's SHA-256 and the parser version."
    ),
)
def parsed_document(context: dg.AssetExecutionContext, jixiao: JixiaoResource, source_document: Fetched) -> Any:
    entry = _entry(context, jixiao)
    if entry is None:
        return
    ws: Workspace = jixiao.workspace()
    try:
        with jixiao.sharing():
            out = stage_document(entry, source_document, ws)
    except StepFailed as exc:
        raise _failure(context, exc, entry.location, ws.settings.limits) from exc
    staged = ws.store.current(entry.key)
    metadata: dict[str, Any] = {"status": out.status, "parser_version": PARSER_VERSION}
    if out.tables:
        doc = out.tables[0]["document"]
        metadata |= {
            "pages": f"{doc['pages'][0]}–{doc['pages'][1]} of {doc['page_count']}",
            "layout": doc["layout"],
            "tables": ", ".join(f"{t['document'].get('kind')} ({t['document']['layout']})" for t in out.tables),
            "dagster/row_count": dg.MetadataValue.int(out.rows),
            "indicators": dg.MetadataValue.int(out.indicators),
            "warnings": dg.MetadataValue.json(out.warnings),
            "preview": dg.MetadataValue.md("\n\n".join(preview(t) for t in out.tables)),
        }
    yield dg.Output(
        None, data_version=dg.DataVersion(staged.version) if staged else None, metadata=metadata
    )
    checks = [c for t in out.tables or [] for c in t.get("reconciliation", {}).get("checks", [])]
    failed = [c for c in checks if not c["ok"]]
    yield dg.AssetCheckResult(
        check_name="reconciles",
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "checks": len(checks),
            "failed": dg.MetadataValue.json(failed[:20]),
            "parsed_now": out.tables is not None,
        },
    )


def preview(extraction: dict[str, Any], limit: int = 25) -> str:
    """The first rows as a Markdown table."""
    keys = extraction["document"].get("amount_columns") or ["total"]
    lines = [
        "| page | type | unit / project | " + " | ".join(keys) + " | disclosed |",
        "|---:|---|---|" + "---:|" * len(keys) + "---|",
    ]
    for r in extraction["rows"][:limit]:
        label = {"project": r["project"], "department": "（部门整体）", "total": "合计"}.get(r["row_type"], r["unit"])
        amounts = " | ".join(r["amounts"].get(k) or "" for k in keys)
        lines.append(
            f"| {r['page']} | {r['row_type']} | {truncate(label or '', 40)} | {amounts} | "
            f"{'yes' if r['disclosed'] else 'withheld'} |"
        )
    if len(extraction["rows"]) > limit:
        lines.append(f"\n… {len(extraction['rows']) - limit} more rows")
    return "\n".join(lines)
