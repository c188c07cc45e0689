"""Per-document assets: the published PDF, and its parsed and staged rows.

One partition is one department's document for one year. Each partition writes only
its own files (landing by content hash, staging by document), so any number can run at
once; the warehouse is built by one writer afterwards.
"""

from typing import Any

import dagster as dg

from ...load.pipeline import StepFailed, fetch_document, stage_document
from ...parser import PARSER_VERSION
from ...sources.fetch import Fetched
from ...sources.manifest import Entry, Problem
from ...textable import truncate
from ..partitions import documents, year_and_department
from ..resources import JixiaoResource

GROUP = "documents"


def _failure(exc: StepFailed, entry_location: str) -> dg.Failure:
    return dg.Failure(
        description=f"{exc.stage} failed ({exc.kind}): {exc.message}",
        metadata={"stage": exc.stage, "error_kind": exc.kind, "source": entry_location},
        allow_retries=exc.kind in ("timeout", "connection", "http_status"),
    )


@dg.asset(
    partitions_def=documents,
    group_name=GROUP,
    kinds={"pdf"},
    output_required=False,
    description="The published budget PDF, fetched (HTTP or local path) into the content-addressed landing folder.",
)
def source_document(context: dg.AssetExecutionContext, jixiao: JixiaoResource) -> Any:
    year, department = year_and_department(context)
    entry = jixiao.lookup(year, department)
    if entry is None:
        context.log.info(f"no manifest lists {department} {year}: nothing to fetch")
        return
    if isinstance(entry, Problem):  # the manifest entry was refused
        raise dg.Failure(
            description=f"manifest failed (entry_invalid): {entry}",
            metadata={"stage": "manifest", "error_kind": "entry_invalid"},
        )
    ws = jixiao.workspace()
    try:
        with jixiao.sharing():
            fetched = fetch_document(entry, ws)
    except StepFailed as exc:
        raise _failure(exc, entry.location) from exc
    changed = not ws.store.is_current(entry.key, fetched.sha256, PARSER_VERSION)
    yield dg.Output(
        fetched,
        metadata={
            "source": entry.location,
            "sha256": fetched.sha256,
            "bytes": fetched.size,
            "fetched_at": fetched.fetched_at,
            "landing_path": dg.MetadataValue.path(str(fetched.path)),
            "changed": changed,
            "manifest": f"{entry.manifest}:{entry.line}",
        },
    )


@dg.asset(
    partitions_def=documents,
    group_name=GROUP,
    kinds={"python", "parquet"},
    output_required=False,
    check_specs=[
        dg.AssetCheckSpec(
            "reconciles",
            asset="parsed_document",
            description="合计 = Σ units = Σ projects and 总计 = Σ sources, as printed",
        )
    ],
    description="The performance table parsed and staged as Parquet (documents, funding rows, indicators, checks).",
)
def parsed_document(context: dg.AssetExecutionContext, jixiao: JixiaoResource, source_document: Fetched) -> Any:
    year, department = year_and_department(context)
    entry = jixiao.lookup(year, department)
    if not isinstance(entry, Entry):
        return
    ws = jixiao.workspace()
    try:
        with jixiao.sharing():
            out = stage_document(entry, source_document, ws)
    except StepFailed as exc:
        raise _failure(exc, entry.location) from exc
    staged = ws.store.current(entry.key)
    metadata: dict[str, Any] = {
        "status": out.status,
        "parser_version": PARSER_VERSION,
        "staged_version": staged.version if staged else None,
    }
    if out.tables:
        doc = out.tables[0]["document"]
        metadata |= {
            "pages": f"{doc['pages'][0]}–{doc['pages'][1]} of {doc['page_count']}",
            "layout": doc["layout"],
            "tables": ", ".join(f"{t['document'].get('kind')} ({t['document']['layout']})" for t in out.tables),
            "rows": dg.MetadataValue.int(out.rows),
            "indicators": dg.MetadataValue.int(out.indicators),
            "warnings": dg.MetadataValue.json(out.warnings),
            "preview": dg.MetadataValue.md("\n\n".join(preview(t) for t in out.tables)),
        }
    yield dg.Output(None, metadata=metadata)
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
