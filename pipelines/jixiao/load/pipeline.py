"""The annual load as plain functions: fetch → parse → stage each document, then build
and publish the warehouse. ``jixiao load`` calls :func:`run`; the Dagster assets call
the same steps one document (partition) at a time."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..parser import PARSER_VERSION
from ..parser.errors import ParseError
from ..settings import Settings
from ..sources.fetch import Fetched, FetchError, fetch, landed_unchanged
from ..sources.landing import Landing, open_landing
from ..sources.manifest import Entry, Manifest, ManifestError, Problem, load_manifest
from ..staging.records import duplicate_projects, error_row, pick_tables, staging_rows
from ..staging.schema import LOAD_ERRORS
from ..staging.store import StagedVersion, StagingStore, open_store
from ..warehouse.build import (
    QUARANTINE_MESSAGE,
    Inputs,
    WarehouseError,
    build_file,
    build_lock,
    build_problems,
    check_build,
    clean_builds,
    clean_incoming,
    collect_inputs,
    dbt_folder,
    mark_checked,
    prepare_build,
    publish_build,
    published_fingerprint,
    published_quarantine,
    stage_raw,
)
from ..warehouse.dbt import DbtSummary, generate_docs, publish_docs, run_dbt_build
from .lock import hold
from .worker import ParserPool, parse_isolated

Progress = Callable[[str, dict[str, Any]], None]


def _quiet(event: str, data: dict[str, Any]) -> None:
    pass


@dataclass
class DocumentOutcome:
    key: str
    department: str
    year: int
    location: str
    status: str  # loaded | unchanged | failed
    stage: str | None = None  # where it failed: manifest | fetch | parse | stage
    kind: str | None = None
    message: str | None = None
    rows: int = 0
    indicators: int = 0
    reconciled: bool = True
    warnings: list[str] = field(default_factory=list)
    sha256: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    tables: list[dict[str, Any]] | None = field(default=None, repr=False)  # the parsed tables, when parsed now
    #: the document's current staged version after this step (None: failed; read again when needed)
    staged: StagedVersion | None = field(default=None, repr=False)


@dataclass
class WarehouseOutcome:
    status: str  # built | unchanged | failed
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    dbt: DbtSummary | None = None
    message: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: documents left out of the build because their rows fail a blocking data test
    quarantined: dict[str, str] = field(default_factory=dict)
    #: the documents whose rows this build added, replaced or removed
    changed: tuple[str, ...] = ()
    #: whether the build was made from nothing (the first, ``force``, or a new dbt project,
    #: parser or staging schema) rather than brought up to date
    full: bool = False


@dataclass
class LoadResult:
    documents: list[DocumentOutcome]
    problems: list[Problem]
    manifest_errors: list[ManifestError]
    warehouse: WarehouseOutcome | None
    seconds: float

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.status == "failed"]


@dataclass
class Workspace:
    """The folders one load works in, and its parser processes (if it keeps a pool)."""

    settings: Settings
    landing: Landing
    store: StagingStore
    parsers: ParserPool | None = None

    @classmethod
    def open(cls, settings: Settings, parsers: ParserPool | None = None) -> Workspace:
        landing = open_landing(settings.landing_location, settings.cache_dir / "landing")
        ws = cls(settings, landing, open_store(settings.staging_location), parsers)
        ws.landing.clean_incoming()
        ws.store.clean_temporary()
        return ws

    def parse(self, path: Path, *, year: int, source: str) -> list[dict[str, Any]]:
        limits = self.settings.limits
        options = {
            "year": year,
            "seconds": limits.parse_seconds,
            "max_pages": limits.max_pages,
            "max_bytes": limits.max_bytes,
            "source": source,
        }
        if self.parsers is not None:
            return self.parsers.parse(path, **options)  # type: ignore[arg-type]
        return parse_isolated(
            path,
            memory_bytes=limits.parse_memory_bytes,
            cpu_seconds=limits.parse_cpu_seconds,
            reader=self.settings.reader,
            **options,  # type: ignore[arg-type]
        )


def read_manifests(files: list[Path], settings: Settings) -> tuple[list[Entry], list[Problem], list[ManifestError]]:
    """All valid entries of ``files``; refused entries and unreadable manifests aside."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    broken: list[ManifestError] = []
    seen: dict[str, Entry] = {}
    for f in files:
        try:
            m: Manifest = load_manifest(f, schemes=settings.limits.schemes)
        except ManifestError as exc:
            broken.append(exc)
            continue
        problems.extend(m.problems)
        for e in m.entries:
            if e.key in seen:
                problems.append(
                    Problem(
                        e.manifest,
                        e.line,
                        f"{e.department} {e.year} is already listed at {seen[e.key].where}",
                        e.department,
                        e.year,
                    )
                )
                continue
            seen[e.key] = e
            entries.append(e)
    return entries, problems, broken


class StepFailed(Exception):
    """A document failed at one stage; the failure is already recorded for the warehouse."""

    def __init__(self, stage: str, kind: str, message: str, *, retriable: bool = False) -> None:
        self.stage, self.kind, self.message = stage, kind, message
        #: whether trying again later may succeed (a timeout, a broken connection, HTTP 5xx)
        self.retriable = retriable
        super().__init__(f"{stage} failed ({kind}): {message}")


def _fail(
    entry: Entry, ws: Workspace, stage: str, kind: str, message: str, *, retriable: bool = False
) -> StepFailed:
    # a full disk or a read-only folder must not hide the document's own failure
    with contextlib.suppress(OSError, ValueError):
        ws.store.record_error(
            entry.key, error_row(entry.key, entry.department, entry.year, stage, kind, message, entry.location)
        )
    return StepFailed(stage, kind, message, retriable=retriable)


def fetch_document(entry: Entry, ws: Workspace, *, force: bool = False) -> Fetched:
    """Fetch ``entry`` into the landing folder (``force``: read a local file again even if
    untouched since its last fetch); raises :class:`StepFailed`."""
    try:
        return fetch(entry, ws.landing, ws.settings.limits, reread=force)
    except FetchError as exc:
        raise _fail(entry, ws, "fetch", exc.kind, exc.message, retriable=exc.retriable) from exc
    except OSError as exc:
        raise _fail(entry, ws, "fetch", "io_error", f"{entry.location}: {exc}") from exc


def stage_document(entry: Entry, fetched: Fetched, ws: Workspace, *, force: bool = False) -> DocumentOutcome:
    """Parse a fetched document and stage its rows, unless this very document was
    already parsed by this parser version; raises :class:`StepFailed`."""
    current = ws.store.current(entry.key)
    same = current if current is not None and current.reads(fetched.sha256, PARSER_VERSION) else None
    if same is not None and not force:
        return _unchanged(entry, fetched, ws, same)
    out = DocumentOutcome(entry.key, entry.department, entry.year, entry.location, "unchanged", sha256=fetched.sha256)
    # parsing the same version again (forced) keeps the time it was first parsed
    parsed_at = same.staged_at if same is not None else None
    parsed_at = parsed_at or datetime.now(UTC).isoformat(timespec="seconds")
    t1 = time.perf_counter()
    try:
        extractions = ws.parse(fetched.path, year=entry.year, source=entry.location)
        tables = pick_tables(extractions, entry)
    except ParseError as exc:
        raise _fail(entry, ws, "parse", exc.kind, exc.describe()) from exc
    out.timings["parse"] = time.perf_counter() - t1
    duplicates = duplicate_projects(tables)
    if duplicates:
        listed = "; ".join(duplicates[:5])
        raise _fail(entry, ws, "stage", "duplicate_rows", f"the table lists a project twice under one unit: {listed}")
    t2 = time.perf_counter()
    try:
        rows, summary = staging_rows(tables, entry, fetched, parsed_at=parsed_at)
        meta = {"location": entry.location, "fetched_at": fetched.fetched_at, "staged_at": parsed_at}
        out.staged = ws.store.stage(entry.key, fetched.sha256, PARSER_VERSION, rows, meta)
    except (OSError, ValueError) as exc:
        raise _fail(entry, ws, "stage", "stage_error", f"{exc.__class__.__name__}: {exc}") from exc
    out.timings["stage"] = time.perf_counter() - t2
    ws.store.clear_error(entry.key)
    out.status = "loaded"
    out.rows, out.indicators = summary.rows, summary.indicators
    out.reconciled, out.warnings = summary.reconciled, summary.warnings
    out.tables = tables
    return out


def _unchanged(entry: Entry, fetched: Fetched, ws: Workspace, current: StagedVersion) -> DocumentOutcome:
    """The outcome of a document already staged from these bytes by this parser."""
    ws.store.clear_error(entry.key)
    return DocumentOutcome(
        entry.key, entry.department, entry.year, entry.location, "unchanged", sha256=fetched.sha256, staged=current
    )


def settled(entry: Entry, ws: Workspace) -> DocumentOutcome | None:
    """The outcome of a document with nothing to do — a local file untouched since it landed,
    already staged by this parser — found with a few stats and two small reads. A load checks
    its documents this way in its own thread and hands only the others to its pool (for
    10,000 listed documents: 1.1 s rather than 1.9 s through two threads). None: ingest it."""
    try:
        fetched = landed_unchanged(entry, ws.landing)
        current = ws.store.current(entry.key) if fetched is not None else None
    except (OSError, ValueError):
        return None  # ingest says what is wrong
    if fetched is None or current is None or not current.reads(fetched.sha256, PARSER_VERSION):
        return None
    return _unchanged(entry, fetched, ws, current)


def ingest(entry: Entry, ws: Workspace, *, force: bool = False) -> DocumentOutcome:
    """Fetch, parse and stage one document. Never raises for bad input: a failure is
    recorded (for the load-errors table) and returned; the previous version stays staged."""
    t0 = time.perf_counter()
    try:
        fetched = fetch_document(entry, ws, force=force)
        fetch_seconds = time.perf_counter() - t0
        out = stage_document(entry, fetched, ws, force=force)
        out.timings["fetch"] = fetch_seconds
        return out
    except StepFailed as exc:
        return DocumentOutcome(
            entry.key,
            entry.department,
            entry.year,
            entry.location,
            "failed",
            stage=exc.stage,
            kind=exc.kind,
            message=exc.message,
        )


def load_errors(
    entries: list[Entry], problems: list[Problem], broken: list[ManifestError], store: StagingStore
) -> list[tuple[Any, ...]]:
    """The rows of the load-errors table: refused manifests and entries, and the last
    failure of every listed document whose last attempt failed."""
    refused = [error_row(m.file.name, None, None, "manifest", "manifest_invalid", str(m), str(m.file)) for m in broken]
    refused += [
        error_row(p.key, p.department, p.year, "manifest", "entry_invalid", str(p), str(p.manifest)) for p in problems
    ]
    keys = [str(r[0]) for r in refused]
    rows: list[tuple[Any, ...]] = []
    for key, row in zip(keys, refused, strict=True):
        try:
            store.record_error(key, row)  # kept with the time the problem was first seen
        except (OSError, ValueError):
            rows.append(row)  # cannot be kept (a full disk, a read-only folder): reported all the same
    for key in [*keys, *(e.key for e in entries)]:
        err = store.error(key)
        if err:
            rows.append(tuple(err.get(c) for c in LOAD_ERRORS.column_names))
    return rows


def build_warehouse(
    ws: Workspace,
    keys: list[str],
    errors: list[tuple[Any, ...]],
    *,
    force: bool = False,
    progress: Progress = _quiet,
    entries: list[Entry] | None = None,
    versions: dict[str, StagedVersion] | None = None,
) -> WarehouseOutcome:
    """Bring the build up to date with the staged documents (only what changed is read and
    recomputed; ``force`` builds it from nothing; ``versions``: the current staged versions the
    load has just read or staged, not read again) and publish it, unless nothing changed
    since the published one. Never leaves a half-built file in place of the published one.

    A document whose rows fail a blocking data test is quarantined: left out of the build,
    listed in the load errors with the test, and the others are published."""
    settings = ws.settings
    target = settings.warehouse
    listed = entries or []
    sources = [(e.key, str(e.manifest), e.line, e.location) for e in listed]
    with build_lock(settings.build_dir):
        clean_incoming(target)
        inputs: Inputs = collect_inputs(
            ws.store,
            keys,
            errors,
            settings.dbt_project_dir,
            sources,
            settings.path_bases,
            known=versions,
            storage_version=settings.storage_version,
        )
        if not inputs.versions:
            return WarehouseOutcome(
                "failed", target, message="no document could be loaded: nothing to publish (the warehouse is unchanged)"
            )
        if not force and published_fingerprint(target) == inputs.fingerprint:
            # nothing changed: the documents quarantined last time still are
            return WarehouseOutcome("unchanged", target, quarantined=published_quarantine(target))
        clean_builds(settings.build_dir)
        build = build_file(settings.build_dir, "cli", published=target)
        timings: dict[str, float] = {}
        by_key = {e.key: e for e in listed}
        try:
            t0 = time.perf_counter()
            progress("warehouse", {"step": "staging", "documents": len(inputs.versions)})
            prepare_build(build, from_nothing=force)  # the build file the published warehouse is not
            staged = stage_raw(build, inputs, full=force)
            counts = staged.counts
            timings["staging_db"] = time.perf_counter() - t0
            t1 = time.perf_counter()

            def run_dbt(path: Path) -> DbtSummary:
                progress("warehouse", {"step": "dbt"})
                return run_dbt_build(settings.dbt_project_dir, path, dbt_folder(path))

            summary, quarantined = check_build(build, run_dbt, lambda k, t: quarantine_row(k, t, by_key.get(k)))
            timings["dbt"] = time.perf_counter() - t1
            problems = build_problems(summary)
            if problems:
                return WarehouseOutcome(
                    "failed",
                    target,
                    counts,
                    summary,
                    "dbt build failed; the published warehouse is unchanged: " + "; ".join(problems[:5]),
                    timings,
                    quarantined,
                    staged.changed,
                    staged.full,
                )
            mark_checked(build, quarantined)
            t2 = time.perf_counter()
            progress("warehouse", {"step": "docs"})
            docs_page, docs_problem = _docs(settings, build)
            timings["docs"] = time.perf_counter() - t2
            t3 = time.perf_counter()
            progress("warehouse", {"step": "publish"})
            publish_build(build, target)  # a link: the next load but one brings this file up to date
            if docs_page is not None:
                publish_docs(docs_page, target)
            timings["publish"] = time.perf_counter() - t3
            counts = {**counts, "raw_documents": counts.get("raw_documents", 0) - len(quarantined)}
            return WarehouseOutcome(
                "built", target, counts, summary, docs_problem, timings, quarantined, staged.changed, staged.full
            )
        except WarehouseError as exc:
            return WarehouseOutcome("failed", target, message=str(exc), timings=timings)


def _docs(settings: Settings, build: Path) -> tuple[Path | None, str | None]:
    """The build's documentation page, or why there is none (a warning: the data is good)."""
    try:
        return generate_docs(settings.dbt_project_dir, build, dbt_folder(build)), None
    except Exception as exc:  # dbt raises many kinds; the warehouse is published without docs
        return None, f"the documentation site was not generated ({exc.__class__.__name__}: {exc})"[:300]


def quarantine_row(key: str, test: str, entry: Entry | None) -> tuple[Any, ...]:
    """The load-error row of a document left out of the build because its rows fail ``test``."""
    return error_row(
        key,
        entry.department if entry else None,
        entry.year if entry else None,
        "quarantine",
        "data_test_failed",
        QUARANTINE_MESSAGE + test,
        entry.location if entry else None,
    )


def run(
    manifests: list[Path],
    settings: Settings,
    *,
    force: bool = False,
    rebuild: bool = False,
    progress: Progress = _quiet,
    wait: float = 0.0,
) -> LoadResult:
    """The whole load, in this process (documents in parallel, one warehouse build).
    ``force``: every document fetched and parsed again and the warehouse built from nothing;
    ``rebuild``: only the warehouse built from nothing, from the staged documents (as compact
    as a first load's until the next load; the loads after start from it, not from the build
    file of before).

    The data folder is held for the whole load: a second load waits up to ``wait``
    seconds, then raises :class:`DataFolderBusy`."""
    with hold(settings.data_dir, exclusive=True, wait=wait, what="jixiao load"):
        return _run(manifests, settings, force=force, rebuild=rebuild, progress=progress)


def _run(manifests: list[Path], settings: Settings, *, force: bool, rebuild: bool, progress: Progress) -> LoadResult:
    t0 = time.perf_counter()
    entries, problems, broken = read_manifests(manifests, settings)
    progress("start", {"documents": len(entries), "problems": len(problems) + len(broken)})
    outcomes: list[DocumentOutcome] = []
    workers = max(1, settings.workers)
    limits = settings.limits
    parsers = ParserPool(
        workers,
        memory_bytes=limits.parse_memory_bytes,
        cpu_seconds=limits.parse_cpu_seconds,
        reader=settings.reader,
    )
    with parsers, ThreadPoolExecutor(max_workers=workers) as pool:
        ws = Workspace.open(settings, parsers)
        pending: list[DocumentOutcome | Future[DocumentOutcome]] = []
        for e in entries:  # what has nothing to do is settled here; the rest goes to the pool
            done = None if force else settled(e, ws)
            pending.append(done if done is not None else pool.submit(ingest, e, ws, force=force))
        for i, item in enumerate(pending, start=1):
            outcome = item if isinstance(item, DocumentOutcome) else item.result()
            outcomes.append(outcome)
            progress("document", {"index": i, "total": len(entries), "outcome": outcome})
    errors = load_errors(entries, problems, broken, ws.store)
    versions = {o.key: o.staged for o in outcomes if o.staged is not None}  # (not read again)
    warehouse = build_warehouse(
        ws,
        [e.key for e in entries],
        errors,
        force=force or rebuild,
        progress=progress,
        entries=entries,
        versions=versions,
    )
    for o in outcomes:
        if o.key in warehouse.quarantined:
            o.status, o.stage, o.kind = "failed", "quarantine", "data_test_failed"
            o.message = QUARANTINE_MESSAGE + warehouse.quarantined[o.key]
    return LoadResult(outcomes, problems, broken, warehouse, time.perf_counter() - t0)
