"""Building a warehouse file from the staged documents, and publishing it.

Each builder (``jixiao load``, the Dagster assets) keeps two build files under
``build/<builder>/`` and brings up to date the one the published warehouse is not
(:func:`build_file`, :func:`prepare_build`): the raw tables take the staged Parquet of the
documents that changed since that file was built (added, staged again, removed, or listed
elsewhere), in one transaction, and list them in ``raw_changes``; dbt's incremental models,
intermediate and marts alike, recompute only those documents' departments
(``dbt_project/macros/incremental.sql``). A build whose dbt project, parser or staging schema
differs from the file's starts a new file (a full build), as does ``force``. Once dbt has
built and tested every model, the file is linked beside the published one and the link
renamed over it in one step (:func:`publish_build`; nothing is copied): readers holding the
old file keep reading it; a crash before the rename leaves the published file as it was; a
crash during a build leaves the changes listed, and the next build finishes them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from .. import __version__, storage
from ..faults import pause_point
from ..parser import PARSER_VERSION
from ..settings import DEFAULT_STORAGE_VERSION
from ..staging.schema import ALL_TABLES, CHANGES, DOCUMENT_TABLES, LOAD_ERRORS, RAW_SCHEMA, SCHEMA_FINGERPRINT, Table
from ..staging.store import RemoteStagingStore, StagedVersion, StagingStore
from .dbt import DbtSummary

#: jixiao's bookkeeping schema: when and from what a build was made, whether it was checked,
#: the staged version of each document it holds.
META_SCHEMA = "jixiao"
META_TABLE = f"{META_SCHEMA}.load_info"
#: the staged version of every document in a build, and where the manifests list it
VERSIONS_TABLE = f"{META_SCHEMA}.raw_versions"
#: which build from nothing a file descends from (a copy or an incremental build keeps it)
LINEAGE_TABLE = f"{META_SCHEMA}.lineage"
#: the layout of the bookkeeping tables above: part of the basis, so that a build file of an
#: older layout is built again from nothing (2: the lineage table)
BUILD_LAYOUT = 2

#: dbt's table of documents and their departments (what a change is recorded against)
DOCUMENTS_MODEL = "intermediate.int_documents"


class WarehouseError(Exception):
    """The warehouse could not be built; the published file is untouched."""


@dataclass(frozen=True)
class Inputs:
    versions: tuple[StagedVersion, ...]
    errors: tuple[tuple[Any, ...], ...]
    fingerprint: str
    #: where each document is listed in this load: (key, manifest file, line, location)
    sources: tuple[tuple[str, str, int, str], ...] = ()
    #: what a build file must have been built with to be brought up to date rather than
    #: built again from nothing: the dbt project, jixiao, the parser, the staging schema and
    #: the storage version
    basis: str = ""
    #: the DuckDB storage version a new build file is written in
    storage_version: str = DEFAULT_STORAGE_VERSION


def dbt_project_hash(project_dir: Path) -> str:
    h = hashlib.sha256()
    for sub in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests"):
        path = project_dir / sub
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []
        for f in files:
            h.update(str(f.relative_to(project_dir)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def portable_path(text: str | None, bases: Sequence[Path]) -> str | None:
    """A local path as the warehouse records it: relative to the first of ``bases`` it lies
    under (the project, say: ``sources/samples/keji_2023.pdf``), so that a warehouse or an
    export shared with others carries no one's local folders. URLs and paths under none of
    the bases are kept as they are."""
    if not text or "://" in text:
        return text
    if os.path.isabs(text) and os.path.normpath(text) == text:  # (string work: called for every document)
        for base in bases:
            prefix = str(base).rstrip("/") + "/"
            if text.startswith(prefix):
                return text[len(prefix):]
            if text == str(base):
                return "."
    return text


def collect_inputs(
    store: StagingStore,
    keys: Iterable[str],
    errors: Iterable[tuple[Any, ...]],
    project_dir: Path,
    sources: Iterable[tuple[str, str, int, str]] = (),
    bases: Sequence[Path] = (),
    known: Mapping[str, StagedVersion] | None = None,
    storage_version: str = DEFAULT_STORAGE_VERSION,
) -> Inputs:
    """The current staged version of each document in ``keys``, and the load errors.

    ``sources`` says where this load lists each document: the warehouse records that, not
    the manifest a version was first staged from (the same load gives the same tables).
    Local paths in them and in the errors are recorded relative to ``bases``
    (:func:`portable_path`). ``known``: current versions the caller has just read or
    staged (this load's documents), not read again. ``storage_version``: the DuckDB format of
    a new build file (a build file in another is built again from nothing)."""
    ordered = sorted(set(keys))
    known = known or {}
    unread = [k for k in ordered if k not in known]
    if isinstance(store, RemoteStagingStore):  # one small read per document: many at once
        with ThreadPoolExecutor(16) as pool:
            read = dict(zip(unread, pool.map(store.current, unread), strict=True))
    else:
        read = {k: store.current(k) for k in unread}
    found = [known[k] if k in known else read[k] for k in ordered]
    versions = tuple(v for v in found if v is not None)
    at = LOAD_ERRORS.column_names.index("source_location")
    errors = [(*e[:at], portable_path(e[at], bases), *e[at + 1 :]) for e in errors]
    errs = tuple(sorted(errors, key=lambda r: (str(r[0]), str(r[3]))))
    listed = tuple(
        sorted(
            {(k, portable_path(m, bases) or m, n, portable_path(loc, bases) or loc) for k, m, n, loc in sources}
        )
    )
    h = hashlib.sha256()
    h.update(json.dumps([(v.key, v.version) for v in versions]).encode())
    h.update(json.dumps(listed, ensure_ascii=False).encode())
    # the time an error happened does not change the warehouse's meaning
    h.update(json.dumps([list(e[:-1]) for e in errs], ensure_ascii=False, default=str).encode())
    basis = build_basis(project_dir, storage_version)
    h.update(basis.encode())
    return Inputs(versions, errs, h.hexdigest(), listed, basis, storage_version)


def build_basis(project_dir: Path, storage_version: str = DEFAULT_STORAGE_VERSION) -> str:
    """What a build's tables were made with; a build made otherwise is built again whole."""
    parts = (
        f"{dbt_project_hash(project_dir)}|{__version__}|{PARSER_VERSION}|{SCHEMA_FINGERPRINT}|{storage_version}"
        f"|{BUILD_LAYOUT}"
    )
    return hashlib.sha256(parts.encode()).hexdigest()


def published_fingerprint(warehouse: Path) -> str | None:
    if not warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(f"SELECT fingerprint FROM {META_TABLE} LIMIT 1").fetchone()
        return str(row[0]) if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


QUARANTINE_MESSAGE = "left out of the warehouse: its rows fail the blocking data test "


def published_quarantine(warehouse: Path) -> dict[str, str]:
    """The documents the published warehouse left out, each with the test its rows failed."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute(
            f"SELECT document_key, message FROM {LOAD_ERRORS.relation} WHERE stage = 'quarantine' ORDER BY 1"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {str(k): str(m).removeprefix(QUARANTINE_MESSAGE) for k, m in rows}


@dataclass(frozen=True)
class Staged:
    """What bringing a build's raw tables up to date did."""

    counts: dict[str, int]
    #: the documents whose rows were added, replaced or removed (every one in a full build)
    changed: tuple[str, ...]
    #: whether the file was built from nothing (new, or made with another basis)
    full: bool


#: Each builder keeps two build files, ``build/<builder>/a|b/warehouse.duckdb``. A load brings
#: up to date the one the published warehouse is not, and publishes it by a hard link, not
#: a copy (:func:`publish_build`): publishing takes the same time whatever the warehouse's
#: size. The other stays as it was, for the readers still holding the load before.
SLOTS = ("a", "b")
#: each build file's size and modification time when this builder last published it
SLOT_RECORD = "published.json"


def build_file(build_dir: Path, builder: str = "cli", published: Path | None = None) -> Path:
    """The build file one builder (``cli`` for ``jixiao load``, ``dagster`` for the assets)
    brings up to date: of its two, one that is not the ``published`` warehouse; of two such,
    the one built last. Each file's name stays the same from build to build, so dbt sees the
    same profile each time and parses only what changed (each has its own dbt folder,
    :func:`dbt_folder`)."""
    folder = build_dir / builder
    taken = _stat(published) if published is not None else None
    free: dict[Path, os.stat_result | None] = {}
    for slot in SLOTS:
        file = folder / slot / "warehouse.duckdb"
        st = _stat(file)
        if not _same_file(st, taken):
            free[file] = st
    built = {f: st for f, st in free.items() if st is not None}
    return max(built, key=lambda f: built[f].st_mtime_ns) if built else next(iter(free))


def dbt_folder(build: Path) -> Path:
    """dbt's target and log folders for one build file (kept, so dbt parses only what changed)."""
    return build.parent / "dbt"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _same_file(a: os.stat_result | None, b: os.stat_result | None) -> bool:
    return a is not None and b is not None and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _state(path: Path) -> list[int] | None:
    """What a published build file's record holds: its size and modification time (not its
    change time, which a link or a rename of the published file moves)."""
    st = _stat(path)
    return None if st is None else [st.st_size, st.st_mtime_ns]


def _other(build: Path) -> Path:
    slot = build.parent.name
    other = SLOTS[1 - SLOTS.index(slot)] if slot in SLOTS else SLOTS[0]
    return build.parent.parent / other / build.name


def _records(builder: Path) -> dict[str, list[int]]:
    """Each of a builder's build files' state when it was last published (by slot)."""
    try:
        found = json.loads((builder / SLOT_RECORD).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _remember(build: Path, published: bool) -> None:
    """Record (or, as writing starts, forget) the state ``build`` is published in."""
    builder = build.parent.parent
    records = _records(builder)
    state = _state(build) if published else None
    if state:
        records[build.parent.name] = state
    else:
        records.pop(build.parent.name, None)
    builder.mkdir(parents=True, exist_ok=True)
    storage.write_json(builder / SLOT_RECORD, records)


def _held_open(path: Path) -> bool:
    """Whether another process holds the DuckDB file open (a reader of a load published
    before): DuckDB locks the files it opens, and refuses to write one a reader holds."""
    try:
        duckdb.connect(str(path)).close()
    except duckdb.IOException as exc:
        return "lock" in str(exc).lower()
    except duckdb.Error:
        return False  # not a usable file: the basis check rebuilds it
    return False


#: A build file this many documents behind the last published one is made again as a copy of
#: it rather than brought up to date (after a large load, the next small one would otherwise
#: read and recompute every document of the large one again).
CATCH_UP = 100


def _behind(build: Path, other: Path) -> bool:
    """Whether ``build`` is better made again as a copy of ``other``: descending from another
    build from nothing (one with another basis — after a new dbt project, parser or storage
    version the first load builds from nothing, and the next copies that rather than building
    from nothing again — or one after ``--rebuild`` or ``--force``, whose next load copies it
    rather than growing the older file; a file's basis never changes within its lineage, as
    :func:`stage_raw` builds from nothing on another), more than :data:`CATCH_UP` documents'
    staged versions apart, or unreadable. (Both files opened once.)"""
    con = duckdb.connect()
    try:
        for name, path in (("this", build), ("other", other)):
            con.execute(f"ATTACH '{_sql_literal(str(path))}' AS {name} (READ_ONLY)")
        row = con.execute(
            f"SELECT (SELECT id FROM this.{LINEAGE_TABLE}) IS DISTINCT FROM (SELECT id FROM other.{LINEAGE_TABLE}), "
            f"(SELECT count(*) FROM this.{VERSIONS_TABLE} AS t FULL JOIN other.{VERSIONS_TABLE} AS o "
            "USING (document_key) WHERE t.version IS DISTINCT FROM o.version)"
        ).fetchone()
    except duckdb.Error:
        return True  # unreadable: made again
    finally:
        con.close()
    return row is None or bool(row[0]) or int(row[1]) > CATCH_UP


def prepare_build(build: Path, *, from_nothing: bool = False) -> str:
    """Make ``build`` (from :func:`build_file`) fit to be written, and say what was done
    (``kept``, ``copied from the last published build`` or ``new``; ``from_nothing``: the
    build is about to be made from nothing, so nothing is copied). A
    file written by someone else since it was published (its size or time changed), or one a
    reader still holds open (it was published two loads ago), is set aside: its readers keep
    it, and the build starts again as a copy of the other file (the load published last), as
    a build file never made does, one more than :data:`CATCH_UP` documents behind it, and one
    made with another basis than it (after a new dbt project, parser or storage version, the
    first load builds from nothing and the next copies that, rather than building from nothing
    again); with no other file, it is built from nothing."""
    build.parent.mkdir(parents=True, exist_ok=True)
    for stray in build.parent.glob(f".{build.name}.*.incoming"):  # a copy a killed load left
        stray.unlink(missing_ok=True)
    records = _records(build.parent.parent)
    recorded = records.get(build.parent.name)
    other = _other(build)
    good = records.get(other.parent.name)
    good = good if good and _state(other) == good else None
    done = "kept"
    if build.exists() and (
        (recorded and _state(build) != recorded)
        or _held_open(build)
        or (good and _behind(build, other))
    ):
        remove_build(build)  # (an open reader keeps reading its file)
    if not build.exists():
        if good and not from_nothing:
            incoming = build.with_name(f".{build.name}.{uuid.uuid4().hex[:8]}.incoming")
            try:
                shutil.copyfile(other, incoming)
                os.replace(incoming, build)
            finally:
                incoming.unlink(missing_ok=True)
            done = "copied from the last published build"
        else:
            done = "new"
    _remember(build, published=False)  # being written: not the file published any more
    return done


def remove_build(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _basis_of(path: Path) -> str | None:
    """The basis a build file was made with (None: no usable file)."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(f"SELECT basis FROM {META_TABLE} LIMIT 1").fetchone()
        con.execute(f"SELECT count(*) FROM {VERSIONS_TABLE}").fetchone()
        return str(row[0]) if row and row[0] else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def _create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}")
    for table in ALL_TABLES:
        con.execute(table.ddl(table.relation))
    con.execute(
        f"CREATE TABLE {VERSIONS_TABLE} (document_key VARCHAR, version VARCHAR, manifest_file VARCHAR, "
        "manifest_line INTEGER, source_location VARCHAR)"
    )
    con.execute(
        f"CREATE TABLE {META_TABLE} (fingerprint VARCHAR, built_at VARCHAR, jixiao_version VARCHAR, "
        "parser_version VARCHAR, documents INTEGER, load_errors INTEGER, basis VARCHAR)"
    )
    con.execute(f"CREATE TABLE {LINEAGE_TABLE} AS SELECT ? AS id, ? AS built_from_nothing_at",
                [uuid.uuid4().hex, datetime.now(UTC).isoformat(timespec="seconds")])


def _record_changes(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """List documents in raw_changes, each with the department dbt last held it under (none
    before dbt first ran). They stay listed until a build passes: a failed or killed build's
    changes are recomputed by the next."""
    schema, name = DOCUMENTS_MODEL.split(".")
    dbt_ran = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, name]
    ).fetchone()
    if dbt_ran and dbt_ran[0]:
        con.execute(
            f"INSERT INTO {CHANGES.relation} SELECT c.document_key, d.department_id "
            f"FROM (SELECT unnest($keys) AS document_key) AS c LEFT JOIN {DOCUMENTS_MODEL} AS d USING (document_key)",
            {"keys": keys},
        )
    else:
        con.execute(f"INSERT INTO {CHANGES.relation} SELECT unnest($keys), NULL", {"keys": keys})


def stage_raw(path: Path, inputs: Inputs, *, full: bool = False) -> Staged:
    """Bring the raw tables of the build at ``path`` up to date with ``inputs``, in one
    transaction: only the documents whose staged version changed (or that were added or
    removed) are read again and listed for dbt; one listed elsewhere has its listing updated.
    A missing file, one made with another basis, or ``full``: a new file."""
    full = full or _basis_of(path) != inputs.basis
    if full:
        remove_build(path)
    con = create_database(path, inputs.storage_version) if full else duckdb.connect(str(path))
    try:
        storage.register(con, [v.url for v in inputs.versions if v.url])  # a remote staging folder
        if full:
            _create_raw_tables(con)
        con.execute("BEGIN TRANSACTION")
        con.execute(f"DROP TABLE IF EXISTS {CHECKED_TABLE}")  # checked again once dbt has run
        previous = {
            str(r[0]): tuple(r[1:])
            for r in con.execute(
                f"SELECT document_key, version, manifest_file, manifest_line, source_location FROM {VERSIONS_TABLE}"
            ).fetchall()
        }
        listed = {key: (file, line, location) for key, file, line, location in inputs.sources}
        current = {v.key: (v.version, *listed.get(v.key, (None, None, None))) for v in inputs.versions}
        # a document whose rows change (added, staged again, removed) is recomputed by dbt; one
        # only listed elsewhere (another manifest, line or location) is updated where it is listed
        changed = sorted(
            k for k in previous.keys() | current.keys() if previous.get(k, (None,))[0] != current.get(k, (None,))[0]
        )
        changing = set(changed)
        replaced = [v for v in inputs.versions if v.key in changing]
        if changed:
            _replace_documents(con, replaced, changed)
            _record_changes(con, changed)
        relisted = [v for v in inputs.versions if v.key in previous and previous[v.key] != current[v.key]]
        _list_documents(con, [(v.key, *current[v.key]) for v in {v.key: v for v in replaced + relisted}.values()])
        con.execute(f"DELETE FROM {LOAD_ERRORS.relation}")
        _insert_errors(con, list(inputs.errors))
        con.execute(f"DELETE FROM {META_TABLE}")
        con.execute(
            f"INSERT INTO {META_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                inputs.fingerprint,
                datetime.now(UTC).isoformat(timespec="seconds"),
                __version__,
                PARSER_VERSION,
                len(inputs.versions),
                len(inputs.errors),
                inputs.basis,
            ],
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        counts = {t.name: _count(con, t.relation) for t in ALL_TABLES}
    finally:
        con.close()
    return Staged(counts, tuple(changed), full)


def _replace_documents(con: duckdb.DuckDBPyConnection, versions: list[StagedVersion], changed: list[str]) -> None:
    """Delete the rows of the ``changed`` documents; insert the staged rows of those still
    listed (``versions``)."""
    _remove_documents(con, changed)
    for table in DOCUMENT_TABLES:
        files = [v.file(table.name) for v in versions]
        if files:
            _insert_parquet(con, table, files)


def _remove_documents(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """The documents' rows and their staged versions out of the build's raw tables."""
    for table in DOCUMENT_TABLES:
        con.execute(f"DELETE FROM {table.relation} WHERE list_contains($keys, document_key)", {"keys": keys})
    con.execute(f"DELETE FROM {VERSIONS_TABLE} WHERE list_contains($keys, document_key)", {"keys": keys})


def _insert_errors(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join("?" for _ in LOAD_ERRORS.columns)
        con.executemany(f"INSERT INTO {LOAD_ERRORS.relation} VALUES ({marks})", rows)


def _list_documents(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    """Record each document's version and where the manifests list it (``rows``: key, version,
    manifest file, line, location), and write the listing into its raw_documents row (the
    warehouse says where this load lists a document, not where it was first staged from)."""
    if not rows:
        return
    columns = {name: [r[i] for r in rows] for i, name in enumerate(("k", "v", "f", "l", "s"))}
    as_table = "SELECT unnest($k) AS k, unnest($v) AS v, unnest($f) AS f, unnest($l) AS l, unnest($s) AS s"
    con.execute(
        f"UPDATE {RAW_SCHEMA}.raw_documents SET manifest_file = n.f, manifest_line = n.l, source_location = n.s "
        f"FROM ({as_table}) AS n WHERE raw_documents.document_key = n.k AND n.f IS NOT NULL",
        columns,
    )
    con.execute(f"DELETE FROM {VERSIONS_TABLE} WHERE list_contains($k, document_key)", {"k": columns["k"]})
    con.execute(f"INSERT INTO {VERSIONS_TABLE} {as_table}", columns)


def _insert_parquet(con: duckdb.DuckDBPyConnection, table: Table, files: list[str]) -> None:
    cols = ", ".join(f'"{c}"' for c in table.column_names)
    con.execute(
        f"INSERT INTO {table.relation} SELECT {cols} FROM read_parquet($files, union_by_name = true)",
        {"files": files},
    )


def create_database(path: Path, storage_version: str = DEFAULT_STORAGE_VERSION) -> duckdb.DuckDBPyConnection:
    """A connection to a new DuckDB file at ``path`` written in ``storage_version``."""
    con = duckdb.connect()
    try:
        version = _sql_literal(storage_version)
        con.execute(f"ATTACH '{_sql_literal(str(path))}' AS build (STORAGE_VERSION '{version}')")
        con.execute("USE build")
    except BaseException:
        con.close()
        raise
    return con


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _checkpoint(build: Path) -> None:
    con = duckdb.connect(str(build))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if build.with_name(build.name + ".wal").exists():
        raise WarehouseError(f"{build} still has a write-ahead log after checkpointing; not published")


def _replace(staged: Path, target: Path) -> None:
    with open(staged, "rb") as fh:
        os.fsync(fh.fileno())
    pause_point("publish")
    os.replace(staged, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def publish_copy(build: Path, target: Path) -> None:
    """Copy ``build`` beside ``target``, then rename it into place; ``build`` stays."""
    _checkpoint(build)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.incoming")
    try:
        shutil.copyfile(build, staged)
        _replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)


def publish_build(build: Path, target: Path) -> str:
    """Publish a checked build file: a hard link to it beside ``target``, renamed into place
    (readers holding the old file keep reading it; new readers see the new one), so that
    publishing copies nothing. Where a link cannot be made (another filesystem), a copy is.
    Returns how it was published (``linked`` or ``copied``)."""
    _checkpoint(build)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remember(build, published=True)
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.incoming")
    try:
        try:
            os.link(build, staged)
        except OSError:
            publish_copy(build, target)
            return "copied"
        _replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    return "linked"


def clean_builds(build_dir: Path) -> None:
    """Remove build files of earlier versions: one per build (``warehouse-<id>``), then one
    per builder (``<builder>/warehouse.duckdb``, before there were two) with its dbt folders."""
    if not build_dir.exists():
        return
    for f in [*build_dir.glob("warehouse-*.duckdb*"), *build_dir.glob("*/warehouse.duckdb*")]:
        f.unlink(missing_ok=True)
    for folder in [build_dir / "dbt", *build_dir.glob("*/target"), *build_dir.glob("*/logs")]:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """One warehouse build at a time per data folder (other builds wait)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ---------------------------------------------------------------- quarantine

#: Columns that lead from a failing row back to the document it came from.
_BLAME_SQL = {
    "project_id": "select distinct document_key from main.fct_project_funding where project_id = ?",
    "unit_id": "select distinct document_key from main.fct_unit_funding where unit_id = ?",
}


def blame(build: Path, tests: Iterable[Any], limit: int = 500) -> dict[str, str]:
    """The documents whose rows make blocking tests fail: ``{document_key: test name}``.

    A failing row names its document (``document_key``); else the test's own table leads
    back to it (the rows holding the failing values of the tested column); else a
    department and year, a project or a unit does. Where several documents share a
    duplicated value (one PDF listed twice), the first stays and the others are blamed. A
    failure that leads to no document is blamed on none (the build then fails as a whole)."""
    culprits: dict[str, str] = {}
    con = duckdb.connect(str(build))
    try:
        for test in tests:
            if not test.sql:
                continue
            try:
                rel = con.execute(f"select * from ({test.sql}) as failures limit {int(limit)}")
                columns = [d[0] for d in rel.description]
                rows = rel.fetchall()
            except duckdb.Error:
                continue
            for key in _documents_of(con, test, columns, rows):
                culprits.setdefault(key, test.name)
    finally:
        con.close()
    return culprits


def _documents_of(
    con: duckdb.DuckDBPyConnection, test: Any, columns: list[str], rows: list[tuple[Any, ...]]
) -> set[str]:
    at = {c: i for i, c in enumerate(columns)}
    if "document_key" in at:
        return {str(r[at["document_key"]]) for r in rows if r[at["document_key"]] is not None}
    if test.model and test.column and rows and _has_column(con, test.model, "document_key"):
        values = [r[0] for r in rows]
        column = '"' + test.column.replace('"', '""') + '"'
        found: set[str] = set()
        if any(v is None for v in values):
            found |= {
                str(d[0])
                for d in con.execute(
                    f"select distinct document_key from {test.model} where {column} is null"
                ).fetchall()
            }
        present = [v for v in values if v is not None]
        if present:
            pairs = con.execute(
                f"select {column}, document_key from {test.model} where list_contains($v, {column}) order by 2",
                {"v": present},
            ).fetchall()
            by_value: dict[Any, list[str]] = {}
            for value, key in pairs:
                by_value.setdefault(value, []).append(str(key))
            for keys in by_value.values():
                distinct = sorted(set(keys))
                found |= set(distinct[1:]) if len(distinct) > 1 else set(distinct)
        return found
    found = set()
    if "department_id" in at and "budget_year" in at:
        for r in rows:
            docs = con.execute(
                "select document_key from intermediate.int_documents where department_id = ? and budget_year = ? "
                "order by document_key",
                [r[at["department_id"]], r[at["budget_year"]]],
            ).fetchall()
            found |= {str(d[0]) for d in docs[1:]}  # the first stays; the others repeat it
        return found
    for column, sql in _BLAME_SQL.items():
        if column in at:
            for r in rows:
                with contextlib.suppress(duckdb.Error):
                    found |= {str(d[0]) for d in con.execute(sql, [r[at[column]]]).fetchall()}
            return found
    return found


def _has_column(con: duckdb.DuckDBPyConnection, relation: str, column: str) -> bool:
    try:
        return column in [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
    except duckdb.Error:
        return False


def quarantine(build: Path, culprits: dict[str, str], rows: list[tuple[Any, ...]]) -> None:
    """Take the blamed documents out of the build's raw tables and record why, so that the
    rebuild publishes the others. They are listed as changed (dbt removes their rows from the
    incremental models) and as not in the build (the next build tries them again, as a build
    from nothing would)."""
    con = duckdb.connect(str(build))
    try:
        keys = sorted(culprits)
        _remove_documents(con, keys)  # not in the build: the next build tries them again
        _record_changes(con, keys)  # dbt takes their rows out of the incremental models too
        _insert_errors(con, rows)
        con.execute("CHECKPOINT")
    finally:
        con.close()


# ---------------------------------------------------------------- checking a build

#: Written into a build once dbt has built and tested every model of it; a build without
#: it (or whose raw tables were staged again since) is never published.
CHECKED_TABLE = f"{META_SCHEMA}.build_check"


def checking(
    build: Path, error_row_for: Callable[[str, str], tuple[Any, ...]], rounds: int = 3
) -> Generator[Path, DbtSummary, tuple[DbtSummary, dict[str, str]]]:
    """The rounds of checking ``build``, as a generator its driver runs ``dbt build`` for:
    it yields the file to build, is sent the summary of that build, and returns the last
    summary and the quarantined documents with their test. While blocking tests fail because
    of some documents' rows, those documents are quarantined (taken out, with a load-error
    row each) and dbt builds again. :func:`check_build` drives it with a plain function; the
    Dagster asset with a dbt invocation whose events it reports as they come."""
    summary = yield build
    quarantined: dict[str, str] = {}
    for _ in range(rounds):  # each round leaves out the documents the failures lead to
        if summary.errors or not summary.blocking:
            break
        culprits = {k: t for k, t in blame(build, summary.blocking).items() if k not in quarantined}
        if not culprits:
            break
        quarantine(build, culprits, [error_row_for(k, t) for k, t in sorted(culprits.items())])
        quarantined |= culprits
        summary = yield build
    return summary, quarantined


def check_build(
    build: Path,
    run_dbt: Callable[[Path], DbtSummary],
    error_row_for: Callable[[str, str], tuple[Any, ...]],
    rounds: int = 3,
) -> tuple[DbtSummary, dict[str, str]]:
    """``dbt build`` on ``build`` (``run_dbt``), with quarantine (:func:`checking`). Returns
    the last summary and the quarantined documents with their test."""
    steps = checking(build, error_row_for, rounds)
    path = next(steps)
    while True:
        try:
            path = steps.send(run_dbt(path))
        except StopIteration as done:
            return done.value


def build_problems(summary: DbtSummary) -> list[str]:
    """Why a checked build cannot be published (nothing when it can)."""
    problems = list(summary.errors) + [f"test {t.name}: {t.message}" for t in summary.blocking]
    return problems + [f"model {m}: skipped" for m in summary.skipped]


def mark_checked(build: Path, quarantined: dict[str, str]) -> None:
    """Record in ``build`` that every model was built and every blocking test passed on
    the raw tables it holds now; the changes dbt has recomputed are no longer pending."""
    con = duckdb.connect(str(build))
    try:
        row = con.execute(f"SELECT fingerprint FROM {META_TABLE}").fetchone()
        if row is None:
            raise WarehouseError(f"{build} has no {META_TABLE} row: it was not staged by jixiao")
        con.execute(
            f"CREATE OR REPLACE TABLE {CHECKED_TABLE} "
            "(fingerprint VARCHAR, checked_at VARCHAR, quarantined VARCHAR)"
        )
        con.execute(
            f"INSERT INTO {CHECKED_TABLE} VALUES (?, ?, ?)",
            [row[0], datetime.now(UTC).isoformat(timespec="seconds"), json.dumps(quarantined, ensure_ascii=False)],
        )
        con.execute(f"DELETE FROM {CHANGES.relation}")  # dbt has recomputed them
        con.execute("CHECKPOINT")
    finally:
        con.close()


def unchecked_reason(build: Path) -> str | None:
    """Why ``build`` may not be published: missing, or not built and tested by dbt as a
    whole since its raw tables were staged. None when it may."""
    if not build.exists():
        return f"there is no build at {build}: stage the raw tables and run dbt first"
    try:
        con = duckdb.connect(str(build), read_only=True)
    except duckdb.Error as exc:
        return f"{build} cannot be opened: {exc}"
    try:
        staged = con.execute(f"SELECT fingerprint FROM {META_TABLE}").fetchone()
        try:
            checked = con.execute(f"SELECT fingerprint FROM {CHECKED_TABLE}").fetchone()
        except duckdb.Error:
            checked = None
    except duckdb.Error:
        return f"{build} holds no staged documents"
    finally:
        con.close()
    if checked is None or staged is None or checked[0] != staged[0]:
        return (
            "dbt has not built and tested every model since the raw tables were staged: "
            "materialize the raw tables, every dbt model and the warehouse together"
        )
    return None


def clean_incoming(target: Path) -> None:
    """Remove copies a publish across filesystems left beside the warehouse when it was
    killed between copying and renaming (builds are serialized: none is in flight)."""
    if target.parent.exists():
        for stray in target.parent.glob(f".{target.name}.*.incoming"):
            stray.unlink(missing_ok=True)
