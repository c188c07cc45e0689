"""Per-document assets: the published PDF, and its parsed and staged rows.

One partition is one department's document for one year. Both assets are computed by one
step (``documents``): a document costs one step wherever steps run (one process start
in-process, one task on a Celery worker), and passes nothing between steps: the landed PDF
and the staged Parquet are the data, in the landing and staging folders every worker
shares. Each partition writes only its own files (landing by content hash, staging by
document), so any number can run at once on any number of machines; the warehouse is built
by one writer afterwards.

The parser runs in a process of its own with the document's time, CPU and memory limits
(``jixiao.load.worker``), whichever executor runs the step: a hostile PDF costs its own
document, never the worker. (A batch keeps its parser process from document to document, as
``jixiao load`` does, and replaces it when a document's limits kill it.)

A run of one document reports each asset as it is done, with its data version (the PDF's
SHA-256; the staged version). A batch (a backfill with ``JIXIAO_PARTITIONS_PER_RUN`` > 1)
fetches, parses and stages its documents one by one, reports every document that succeeded
as a materialization of its own partition, and fails at the end, naming the documents that
failed, if any did (Dagster's backfill then counts exactly those partitions as failed).
"""


from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import dagster as dg
from dagster._core.definitions.data_version import (
    CODE_VERSION_TAG,
    DATA_VERSION_IS_USER_PROVIDED_TAG,
    DATA_VERSION_TAG,
)

from ...load.pipeline import DocumentOutcome, StepFailed, Workspace, fetch_document, stage_document
from ...load.worker import ParserPool
from ...parser import PARSER_VERSION
from ...settings import Limits
from ...sources.fetch import Fetched, last_fetched
from ...sources.manifest import Entry, Problem
from ...staging.store import version_name
from ...textable import truncate
from ..partitions import backfill_policy, documents
from ..resources import JixiaoResource

GROUP = "documents"
SOURCE = dg.AssetKey("source_document")
PARSED = dg.AssetKey("parsed_document")
#: Set by the manifest sensor and the yearly schedule on the runs they request: a document
#: fetched again unchanged (and already parsed by this parser) is then not materialized
#: again. A run launched by hand or by a backfill materializes whatever it is asked to.
SKIP_UNCHANGED = "jixiao/skip_unchanged"


def _retry_later(retry_number: int, limits: Limits) -> dg.RetryRequested | None:
    """Another try of the step later (``JIXIAO_STEP_RETRIES`` times, ``JIXIAO_STEP_RETRY_DELAY``
    seconds apart, doubling), unless the tries are spent."""
    if retry_number >= limits.step_retries:
        return None
    return dg.RetryRequested(max_retries=limits.step_retries, seconds_to_wait=limits.step_retry_delay * 2**retry_number)


def _failure(retry_number: int, exc: StepFailed, entry_location: str, limits: Limits) -> Exception:
    """The step's end for a failed document: another try later if the failure can pass (a
    server down, a network cut), else a failure with the same one-line message as ``jixiao
    load`` (a document that is not a PDF, cannot be parsed, or a 404, fails at once)."""
    retry = _retry_later(retry_number, limits) if exc.retriable else None
    if retry is not None:
        return retry
    return dg.Failure(
        description=f"{exc.stage} failed ({exc.kind}): {exc.message}",
        metadata={"stage": exc.stage, "error_kind": exc.kind, "source": entry_location},
        allow_retries=False,
    )


def _staged_in_dagster(context: dg.AssetExecutionContext, key: str, version: str) -> bool:
    """Whether Dagster's last materialization of this document's parsed rows is ``version``."""
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=PARSED, asset_partitions=[key]), limit=1
    ).records
    if not records or records[0].asset_materialization is None:
        return False
    return records[0].asset_materialization.tags.get(DATA_VERSION_TAG) == version


@dataclass
class Done:
    """One document's step: what it materialized, and how it failed if it did."""

    key: str
    fetched: Fetched | None = None
    source_metadata: dict[str, Any] = field(default_factory=dict)
    parsed: DocumentOutcome | None = None
    parsed_version: str = ""  # the staged version, set with ``parsed``
    parsed_metadata: dict[str, Any] = field(default_factory=dict)
    failure: StepFailed | None = None
    refused: str | None = None  # the manifest refused the entry
    location: str = ""


def _process(
    context: dg.AssetExecutionContext, jixiao: JixiaoResource, ws: Workspace, key: str, listing: dict[str, Any]
) -> Done | None:
    """Fetch (if asked), parse and stage (if asked) one document. None: nothing to do (no
    manifest lists it any more, or it is unchanged in a run that skips unchanged documents)."""
    entry = listing.get(key)
    if entry is None:
        context.log.info(f"no manifest lists {key} any more: nothing to do")
        return None
    if isinstance(entry, Problem):  # the manifest entry was refused
        return Done(key, refused=f"manifest failed (entry_invalid): {entry}")
    done = Done(key, location=entry.location)
    selected = context.selected_asset_keys
    try:
        if SOURCE in selected:
            with jixiao.sharing():
                done.fetched = fetch_document(entry, ws)
            if _unchanged(context, ws, entry, done.fetched):
                return None
            done.source_metadata = _source_metadata(entry, done.fetched)
        else:  # the parsed rows alone: parse what the last fetch landed
            done.fetched = last_fetched(key, ws.landing)
            if done.fetched is None:
                raise StepFailed("fetch", "not_fetched", f"{key} was never fetched: materialize source_document first")
        if PARSED in selected:
            with jixiao.sharing():
                done.parsed = stage_document(entry, done.fetched, ws)
            # staged now, or already by this parser: either way the version of these bytes
            done.parsed_version = version_name(done.fetched.sha256, PARSER_VERSION)
            done.parsed_metadata = _parsed_metadata(done.parsed)
    except StepFailed as exc:
        done.failure = exc
    return done


def _unchanged(context: dg.AssetExecutionContext, ws: Workspace, entry: Entry, fetched: Fetched) -> bool:
    if context.run.tags.get(SKIP_UNCHANGED) != "true":
        return False
    current = ws.store.current(entry.key)
    if (
        current is not None
        and current.reads(fetched.sha256, PARSER_VERSION)
        and _staged_in_dagster(context, entry.key, current.version)
    ):
        ws.store.clear_error(entry.key)
        context.log.info(f"{entry.key}: unchanged since {current.staged_at} ({fetched.sha256[:12]}…); not materialized")
        return True
    return False


def _source_metadata(entry: Entry, fetched: Fetched) -> dict[str, Any]:
    return {
        "source": entry.location,
        "sha256": fetched.sha256,
        "bytes": fetched.size,
        "fetched_at": fetched.fetched_at,
        "landing_path": dg.MetadataValue.path(str(fetched.path)),
        "manifest": f"{entry.manifest}:{entry.line}",
    }


def _parsed_metadata(out: DocumentOutcome) -> dict[str, Any]:
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
    return metadata


def _check(done: list[Done]) -> dg.AssetCheckResult:
    checks = [
        c for d in done if d.parsed is not None for t in d.parsed.tables or []
        for c in t.get("reconciliation", {}).get("checks", [])
    ]
    failed = [c for c in checks if not c["ok"]]
    return dg.AssetCheckResult(
        check_name="reconciles",
        asset_key=PARSED,
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "checks": len(checks),
            "failed": dg.MetadataValue.json(failed[:20]),
            "parsed_now": any(d.parsed is not None and d.parsed.tables is not None for d in done),
        },
    )


def _one(context: dg.AssetExecutionContext, jixiao: JixiaoResource, ws: Workspace) -> Iterator[Any]:
    """A run of one document: each asset reported as it is done."""
    done = _process(context, jixiao, ws, context.partition_key, jixiao.listing())
    if done is None:
        return
    if done.refused:
        raise dg.Failure(description=done.refused, metadata={"stage": "manifest", "error_kind": "entry_invalid"},
                         allow_retries=False)
    if done.source_metadata and done.fetched is not None:
        yield dg.MaterializeResult(
            asset_key=SOURCE, data_version=dg.DataVersion(done.fetched.sha256), metadata=done.source_metadata
        )
    if done.failure is not None:
        exc = done.failure
        if exc.retriable:
            context.log.warning(f"{exc.stage} failed ({exc.kind}): {exc.message}; trying again later")
        raise _failure(context.retry_number, exc, done.location, ws.settings.limits) from exc
    if done.parsed is not None:
        yield dg.MaterializeResult(
            asset_key=PARSED, data_version=dg.DataVersion(done.parsed_version), metadata=done.parsed_metadata
        )
        yield _check([done])


def _batch(context: dg.AssetExecutionContext, jixiao: JixiaoResource, ws: Workspace) -> Iterator[Any]:
    """A batch of documents: each one on its own; every success reported as its partition's
    materialization; the failures named at the end."""
    results: list[Done] = []
    backfill = context.run.tags.get("dagster/backfill")
    listing = jixiao.listing()
    for key in context.partition_keys:
        done = _process(context, jixiao, ws, key, listing)
        if done is None:
            continue
        results.append(done)
        tags = {"dagster/backfill": backfill} if backfill else {}
        if done.source_metadata and done.fetched is not None:
            yield dg.AssetMaterialization(
                asset_key=SOURCE, partition=key, metadata=done.source_metadata,
                tags={**tags, DATA_VERSION_TAG: done.fetched.sha256, DATA_VERSION_IS_USER_PROVIDED_TAG: "true"},
            )
        if done.parsed is not None and done.failure is None:
            yield dg.AssetMaterialization(
                asset_key=PARSED, partition=key, metadata=done.parsed_metadata,
                tags={**tags, CODE_VERSION_TAG: PARSER_VERSION, DATA_VERSION_IS_USER_PROVIDED_TAG: "true",
                      DATA_VERSION_TAG: done.parsed_version},
            )
    if PARSED in context.selected_asset_keys:
        yield _check(results)
    failed = [d for d in results if d.failure is not None or d.refused]
    context.log.info(f"{len(results) - len(failed)} of {len(context.partition_keys)} documents done, "
                     f"{len(failed)} failed")
    if not failed:
        return
    limits = ws.settings.limits
    passing = [d for d in failed if d.failure is not None and d.failure.retriable]
    retry = _retry_later(context.retry_number, limits) if passing else None
    if retry is not None:
        # the batch again (the documents done meanwhile are found unchanged: nothing is parsed twice)
        context.log.warning(f"{len(passing)} documents failed in a way that can pass; trying the batch again later")
        raise retry
    lines = [d.refused or f"{d.key}: {d.failure}" for d in failed]
    raise dg.Failure(
        description=f"{len(failed)} of {len(context.partition_keys)} documents failed: " + "; ".join(lines[:5]),
        metadata={"failed": dg.MetadataValue.json(lines[:200])},
        allow_retries=False,
    )


@cache
def document_assets() -> dg.AssetsDefinition:
    """``source_document`` and ``parsed_document``, computed together by one step per run."""

    @dg.multi_asset(
        name="documents",
        partitions_def=documents,
        specs=[
            dg.AssetSpec(
                SOURCE,
                group_name=GROUP,
                kinds={"pdf"},
                skippable=True,
                description=(
                    "The published budget PDF, fetched (HTTP or local path) into the content-addressed landing "
                    "folder. Its data version is the file's SHA-256. In the runs the manifest sensor and the yearly "
                    "schedule request, a document fetched again unchanged, and already parsed by this parser, is "
                    "not materialized again (nothing downstream runs)."
                ),
            ),
            dg.AssetSpec(
                PARSED,
                deps=[SOURCE],
                group_name=GROUP,
                kinds={"python", "parquet"},
                code_version=PARSER_VERSION,
                skippable=True,
                description=(
                    "The performance tables parsed and staged as Parquet (documents, funding rows, indicators, "
                    "tasks, checks). Its data version is the staged version: the PDF's SHA-256 and the parser "
                    "version."
                ),
            ),
        ],
        check_specs=[
            dg.AssetCheckSpec(
                "reconciles",
                asset=PARSED,
                description="合计 = Σ units = Σ projects and 总计 = Σ sources, as printed",
            )
        ],
        can_subset=True,
        backfill_policy=backfill_policy(),
    )
    def _documents(context: dg.AssetExecutionContext, jixiao: JixiaoResource) -> Iterator[Any]:
        if len(context.partition_keys) == 1:
            yield from _one(context, jixiao, jixiao.workspace())  # its parser: a process of its own
            return
        limits = jixiao.settings().limits
        # a batch's parser process stays up from document to document (a new one replaces it
        # when a document's limits kill it): each document is still parsed under its own limits
        with ParserPool(1, memory_bytes=limits.parse_memory_bytes, cpu_seconds=limits.parse_cpu_seconds) as pool:
            yield from _batch(context, jixiao, jixiao.workspace(pool))

    return _documents


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
