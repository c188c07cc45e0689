"""The warehouse brought up to date rather than built again: a load reads only the documents
that changed into the build's raw tables, dbt recomputes only their departments, and the
published warehouse is identical, table by table, to one built from nothing on the same
staged documents — whatever changed: a document added in the middle of a department's years
(its later year matches against it now), one removed, a department's last document removed,
a document listed under another path, a new department, and a duplicate that is quarantined."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from jixiao.load.pipeline import LoadResult, run
from jixiao.settings import Settings, SettingsError, load_settings
from jixiao.warehouse.build import publish_build
from tests.conftest import CORPUS
from tests.support.digest import lineage, table_checksums

pytestmark = pytest.mark.slow

WAIBAN = "中共广州市委外事工作委员会办公室"
ENTRIES = {
    "waiban_2024": (WAIBAN, 2024),
    "waiban_2025": (WAIBAN, 2025),
    "waiban_2026": (WAIBAN, 2026),
    "jiaoyu_2024": ("广州市教育局", 2024),
    "jiaoyu_2025": ("广州市教育局", 2025),
    "weijian_2024": ("广州市卫生健康委员会", 2024),
    "wenguang_2025": ("广州市文化广电旅游局", 2025),
    "keji_2023": ("广州市科学技术局", 2023),
}


def _manifest(folder: Path, name: str, docs: list[str], *, moved: str | None = None,
              extra: tuple[tuple[str, int, str], ...] = ()) -> Path:
    lines = ["documents:"]
    for doc in docs:
        department, year = ENTRIES[doc]
        path = f"moved/{doc}.pdf" if doc == moved else f"{doc}.pdf"
        lines.append(f"  - {{department: {department}, year: {year}, path: {path}}}")
    for department, year, path in extra:
        lines.append(f"  - {{department: {department}, year: {year}, path: {path}}}")
    manifest = folder / name
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def _sources(tmp_path: Path, *docs: str) -> Path:
    """``tmp_path/sources`` holding these corpus documents (``keji_2023``…)."""
    src = tmp_path / "sources"
    src.mkdir()
    for doc in docs:
        shutil.copy(CORPUS / f"{doc}.pdf", src / f"{doc}.pdf")
    return src


def _from_nothing(settings: Settings, manifest: Path, folder: Path) -> LoadResult:
    """The same load built from nothing: the same landing and staging (nothing parsed again),
    no build file, no published warehouse."""
    fresh = load_settings().with_paths(data_dir=folder)
    for sub in ("landing", "staging"):
        shutil.copytree(settings.data_dir / sub, fresh.data_dir / sub)
    result = run([manifest], fresh)
    assert result.warehouse is not None and result.warehouse.status == "built" and result.warehouse.full
    return result


def _departments(warehouse: Path, keys: list[str]) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {r[0] for r in con.execute(
            "select distinct department_id from dim_document where list_contains($k, document_key)", {"k": keys}
        ).fetchall()}
    finally:
        con.close()


def test_a_load_recomputes_only_what_changed_and_equals_a_build_from_nothing(tmp_path: Path) -> None:
    src = tmp_path / "sources"
    (src / "moved").mkdir(parents=True)
    for doc in ENTRIES:
        shutil.copy(CORPUS / f"{doc}.pdf", src / f"{doc}.pdf")
    shutil.copy(CORPUS / "jiaoyu_2024.pdf", src / "moved" / "jiaoyu_2024.pdf")
    settings = load_settings().with_paths(data_dir=tmp_path / "data")

    before = _manifest(src, "before.yaml", ["waiban_2024", "waiban_2026", "jiaoyu_2024", "jiaoyu_2025",
                                            "weijian_2024", "keji_2023"])
    first = run([before], settings)
    assert first.warehouse is not None and first.warehouse.status == "built" and first.warehouse.full
    old = settings.warehouse.with_name("before.duckdb")
    shutil.copy(settings.warehouse, old)

    # waiban 2025 between 2024 and 2026; jiaoyu 2024 listed elsewhere, jiaoyu 2025 gone;
    # weijian's only document gone; wenguang new; keji untouched
    after = _manifest(src, "after.yaml", ["waiban_2024", "waiban_2025", "waiban_2026", "jiaoyu_2024",
                                          "wenguang_2025", "keji_2023"], moved="jiaoyu_2024")
    second = run([after], settings)
    wh = second.warehouse
    assert wh is not None and wh.status == "built" and not wh.full
    changed = ["2025-" + WAIBAN, "2025-广州市教育局", "2024-广州市卫生健康委员会", "2025-广州市文化广电旅游局"]
    assert sorted(wh.changed) == sorted(changed)  # jiaoyu 2024 is only listed elsewhere: its rows stay
    # dbt recomputed those documents' departments, and no other
    con = duckdb.connect(str(settings.warehouse), read_only=True)  # (the build file itself, published)
    try:
        recomputed = {r[0] for r in con.execute("select department_id from intermediate.int_changed_departments").fetchall()}
        pending = con.execute("select count(*) from raw.raw_changes").fetchone()
    finally:
        con.close()
    expected = _departments(settings.warehouse, changed) | _departments(old, changed)
    assert recomputed == expected and len(expected) == 4  # waiban, jiaoyu, weijian, wenguang; not keji
    assert pending == (0,)  # the build passed: nothing left to recompute
    reference = _from_nothing(settings, after, tmp_path / "reference")
    assert table_checksums(settings.warehouse) == table_checksums(reference.warehouse.path)  # type: ignore[union-attr]

    # the foreign-affairs office's 2025 document again, under the office's former name (an alias):
    # its rows fail a blocking test; it is quarantined in the incremental build as in a full one
    alias = _manifest(src, "alias.yaml", ["waiban_2024", "waiban_2025", "waiban_2026", "jiaoyu_2024",
                                          "wenguang_2025", "keji_2023"], moved="jiaoyu_2024",
                      extra=(("广州市人民政府外事办公室", 2025, "waiban_2025.pdf"),))
    third = run([alias], settings)
    assert third.warehouse is not None and not third.warehouse.full
    assert list(third.warehouse.quarantined) == ["2025-广州市人民政府外事办公室"]
    reference = _from_nothing(settings, alias, tmp_path / "reference-alias")
    assert reference.warehouse is not None and list(reference.warehouse.quarantined) == list(third.warehouse.quarantined)
    # (the two quarantines happened at different times)
    assert table_checksums(settings.warehouse, ignore_times=True) == table_checksums(reference.warehouse.path,
                                                                                     ignore_times=True)

    # and back: the duplicate dropped from the manifest, the warehouse is the second load's again
    fourth = run([after], settings)
    assert fourth.warehouse is not None and fourth.warehouse.status == "built" and not fourth.warehouse.full
    assert table_checksums(settings.warehouse) == table_checksums(tmp_path / "reference" / "warehouse.duckdb")


def test_every_incremental_model_is_built_after_the_clearing(samples_warehouse: Path) -> None:
    """The changed departments' rows leave every incremental model in int_changed_departments'
    post-hook (macros/incremental.sql). A model that could run before it would insert rows that
    are then deleted, or delete a region still referenced: each incremental model must depend on
    it, and the intermediate models and the marts recomputed by department are all cleared by it."""
    import json

    (manifest,) = (samples_warehouse.parent / "build" / "cli").glob("*/dbt/target/manifest.json")
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    clearing = "model.jixiao.int_changed_departments"
    assert "clear_changed_departments" in str(nodes[clearing]["config"]["post-hook"])
    models = {k: n for k, n in nodes.items() if n["resource_type"] == "model"}
    incremental = {k for k, n in models.items() if n["config"]["materialized"] == "incremental"}
    by_department = {k for k in incremental if models[k]["config"]["meta"].get("recomputed_by") == "department"}
    for schema, at_least, example in (("intermediate", 8, "int_project_identity"), ("main", 15, "fct_indicator_target")):
        cleared = {k for k in by_department if models[k]["schema"] == schema}
        assert len(cleared) >= at_least and f"model.jixiao.{example}" in cleared, schema
    late = sorted(k for k in incremental if clearing not in models[k]["depends_on"]["nodes"])
    assert late == []
    # in the BI schema, what stays a table is built whole, and small
    marts = {k for k, n in models.items() if n["schema"] == "main"}
    assert marts - incremental == {"model.jixiao.mart_function_comparison", "model.jixiao.mart_load_errors"}


#: a text column of models recomputed by department
MARKED = {
    "intermediate.int_projects": "project_name",
    "intermediate.int_indicators": "indicator_name",
    "main.dim_project": "latest_project_name",
    "main.fct_project_funding": "project_name",
    "main.fct_indicator_target": "indicator_name",
    "main.mart_indicator_yoy": "indicator_name",
    "main.mart_project_funding_yoy": "project_name",
}


def _written_between_two_loads(
    tmp_path: Path, write: Callable[[duckdb.DuckDBPyConnection], None]
) -> tuple[Settings, Path]:
    """A first load of 科学技术局 2023 and 教育局 2024 (the sources folder also holds 教育局
    2025), then ``write`` into its build file, published again: the build the next load starts
    from."""
    src = _sources(tmp_path, "keji_2023", "jiaoyu_2024", "jiaoyu_2025")
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    first = run([_manifest(src, "first.yaml", ["keji_2023", "jiaoyu_2024"])], settings)
    assert first.warehouse is not None and first.warehouse.status == "built"
    (build,) = settings.build_dir.glob("cli/*/warehouse.duckdb")
    con = duckdb.connect(str(build))
    try:
        write(con)
    finally:
        con.close()
    publish_build(build, settings.warehouse)
    return settings, src


def test_adding_a_document_leaves_the_other_departments_rows_alone(tmp_path: Path) -> None:
    """The models are not rebuilt: rows of a department no change touched are the rows that
    were there (marked in the build file between two loads, the mark survives), while the
    changed department's rows are computed again (its mark is gone)."""
    def mark(con: duckdb.DuckDBPyConnection) -> None:
        for table, column in MARKED.items():
            con.execute(f"update {table} set {column} = {column} || '·marked'")

    settings, src = _written_between_two_loads(tmp_path, mark)

    second = run([_manifest(src, "second.yaml", ["keji_2023", "jiaoyu_2024", "jiaoyu_2025"])], settings)
    assert second.warehouse is not None and second.warehouse.status == "built" and not second.warehouse.full
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        for table, column in MARKED.items():
            found = dict(con.execute(
                f"select d.department_name, bool_and(ends_with(t.{column}, '·marked')) or false"
                f" from {table} as t join main.dim_department as d using (department_id) group by 1"
            ).fetchall())
            assert found.get("广州市科学技术局") is True, (table, found)  # untouched: the rows that were there
            assert found.get("广州市教育局") is False, (table, found)  # its 2025 document added: recomputed
    finally:
        con.close()


def _has_notes(path: Path) -> bool:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from information_schema.tables where table_name = 'my_notes'").fetchone() == (1,)
    finally:
        con.close()


HOLD = """
import sys, time, duckdb
from pathlib import Path
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from dim_document").fetchone()[0], flush=True)
while not Path(sys.argv[2]).exists():
    time.sleep(0.05)
print(con.execute("select count(*) from dim_document").fetchone()[0], flush=True)
"""


def test_a_load_publishes_its_build_file_by_a_link_and_the_next_writes_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing copies nothing: the published warehouse is the build file itself (one more
    link), and the next load brings the builder's other file up to date. That other file is
    set aside (its holders keep it) and made again from the last published one when a reader
    still holds it open or someone wrote to it; the warehouse is still the one a build from
    nothing makes."""
    import os
    import subprocess
    import sys

    docs = ["keji_2023", "jiaoyu_2024", "jiaoyu_2025", "weijian_2024", "wenguang_2025"]
    src = _sources(tmp_path, *docs)
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    files = {slot: settings.build_dir / "cli" / slot / "warehouse.duckdb" for slot in ("a", "b")}

    def inode(path: Path) -> int:
        return os.stat(path).st_ino

    def load(count: int) -> Path:
        manifest = _manifest(src, f"load{count}.yaml", docs[:count])
        result = run([manifest], settings)
        assert result.warehouse is not None and result.warehouse.status == "built", result.warehouse
        assert result.warehouse.full == (count == 1)  # every load after the first brought up to date
        return manifest

    load(1)
    assert inode(settings.warehouse) == inode(files["a"]) and not files["b"].exists()
    load(2)  # the other file: made from the published one, then brought up to date
    assert inode(settings.warehouse) == inode(files["b"]) and os.stat(files["a"]).st_nlink == 1
    first_a = inode(files["a"])
    # a user writes into the published warehouse: that file is not built on again
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create table main.my_notes as select 1 as note")
    con.close()
    assert _has_notes(files["b"])
    load(3)
    assert inode(settings.warehouse) == inode(files["a"]) == first_a  # written in place: nobody held it
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", HOLD, str(settings.warehouse), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "3"  # it holds load 3's file
        load(4)  # the file written to: set aside and made again (without the user's table)
        assert inode(settings.warehouse) == inode(files["b"]) and not _has_notes(settings.warehouse)
        # the file the reader holds: set aside (DuckDB would refuse to write it), the reader keeps it
        manifest = load(5)
        assert inode(settings.warehouse) == inode(files["a"])
        stop.touch()
        assert reader.stdout.readline().strip() == "3"
    finally:
        stop.touch()
        reader.wait(30)
    fresh = _from_nothing(settings, manifest, tmp_path / "fresh")
    assert table_checksums(settings.warehouse) == table_checksums(fresh.warehouse.path)  # type: ignore[union-attr]
    # the other file is one document behind: brought up to date, unless that is over the limit
    from jixiao.warehouse import build

    assert build.prepare_build(files["b"]) == "kept"
    monkeypatch.setattr(build, "CATCH_UP", 0)
    assert build.prepare_build(files["b"]) == "copied from the last published build"


def test_where_no_link_can_be_made_the_build_is_copied(samples_warehouse: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A warehouse on another filesystem than the build (``os.link`` fails: EXDEV) is published
    as before, by a copy renamed into place; the build file stays the builder's own."""
    import errno
    import os

    from jixiao.warehouse import build

    slot = tmp_path / "build" / "cli" / "a" / "warehouse.duckdb"
    slot.parent.mkdir(parents=True)
    shutil.copyfile(samples_warehouse, slot)

    def cross_device(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    target = tmp_path / "elsewhere" / "warehouse.duckdb"
    assert build.publish_build(slot, target) == "copied"
    assert os.stat(target).st_ino != os.stat(slot).st_ino
    assert table_checksums(target) == table_checksums(slot)
    # the next load writes the same file again: the published one is a copy of it
    assert build.build_file(tmp_path / "build", "cli", published=target) == slot
    assert build.prepare_build(slot) == "kept"


def _storage_version(path: Path) -> str:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{path}' as w (read_only)")
        (tags,) = con.execute("select tags from duckdb_databases() where database_name = 'w'").fetchone()  # type: ignore[misc]
        return str(tags["storage_version"])
    finally:
        con.close()


def test_a_new_storage_version_builds_the_warehouse_again_in_it(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """JIXIAO_STORAGE_VERSION writes the warehouse in another DuckDB format: the next load
    builds it from nothing in that format (a build file keeps the format it was made in), with
    the same tables, and the load after copies that build rather than building the second build
    file from nothing too; going back to the default builds it again in the default format; a
    name DuckDB does not know is refused before anything is loaded."""
    src = _sources(tmp_path, "keji_2023", "jiaoyu_2024", "jiaoyu_2025")
    manifest = _manifest(src, "m.yaml", ["keji_2023", "jiaoyu_2024"])
    default = load_settings().with_paths(data_dir=tmp_path / "data")
    assert default.storage_version == "v1.1.0"
    first = run([manifest], default)
    assert first.warehouse is not None and first.warehouse.status == "built"
    assert _storage_version(default.warehouse) == "v1.0.0+"  # (DuckDB names the format of 1.0 and 1.1 so)
    tables = table_checksums(default.warehouse)

    monkeypatch.setenv("JIXIAO_STORAGE_VERSION", "v1.4.0")
    newer = load_settings().with_paths(data_dir=tmp_path / "data")
    assert newer.storage_version == "v1.4.0"
    second = run([manifest], newer)
    assert second.warehouse is not None and second.warehouse.status == "built" and second.warehouse.full
    assert _storage_version(newer.warehouse) == "v1.4.0+"
    assert table_checksums(newer.warehouse) == tables
    third = run([manifest], newer)  # the same format again: nothing to do
    assert third.warehouse is not None and third.warehouse.status == "unchanged"
    # a document added: the other build file, still in the old format, is made again as a copy of
    # the published one (not built from nothing a second time), and brought up to date
    grown = _manifest(src, "grown.yaml", ["keji_2023", "jiaoyu_2024", "jiaoyu_2025"])
    fourth = run([grown], newer)
    assert fourth.warehouse is not None and fourth.warehouse.status == "built" and not fourth.warehouse.full
    assert fourth.warehouse.changed == ("2025-广州市教育局",)
    assert _storage_version(newer.warehouse) == "v1.4.0+"
    assert {_storage_version(p) for p in newer.build_dir.glob("cli/*/warehouse.duckdb")} == {"v1.4.0+"}

    monkeypatch.delenv("JIXIAO_STORAGE_VERSION")  # back: built from nothing in the default format again
    back = run([manifest], load_settings().with_paths(data_dir=tmp_path / "data"))
    assert back.warehouse is not None and back.warehouse.status == "built" and back.warehouse.full
    assert _storage_version(default.warehouse) == "v1.0.0+" and table_checksums(default.warehouse) == tables

    for bad in ("v9.9.9", "v1.4.0') --"):
        monkeypatch.setenv("JIXIAO_STORAGE_VERSION", bad)
        with pytest.raises(SettingsError, match=r"JIXIAO_STORAGE_VERSION=.* is not a DuckDB storage version"):
            load_settings()


def test_a_build_tests_the_rows_it_changed(tmp_path: Path) -> None:
    """The blocking data tests of a model recomputed by department read the changed departments'
    rows (macros/tested_rows.sql): a row of an untouched department that no longer passes
    (written into the build file between two loads) is not read again, and the load adding a
    document of another department passes; a warning still reads every row; `test_everything`
    reads every row, and finds it."""
    from dbt.cli.main import dbtRunner

    from jixiao.warehouse.dbt import dbt_args, release_database

    nulled: list[int] = []

    def null(con: duckdb.DuckDBPyConnection) -> None:
        nulled.extend(con.execute(
            "update main.fct_project_funding set disclosed = null, total_wan = null where department_id in "
            "(select department_id from main.dim_department where department_name = '广州市科学技术局')"
        ).fetchone() or ())

    settings, src = _written_between_two_loads(tmp_path, null)
    assert nulled and nulled[0] > 0

    second = run([_manifest(src, "second.yaml", ["keji_2023", "jiaoyu_2024", "jiaoyu_2025"])], settings)
    assert second.warehouse is not None and second.warehouse.status == "built" and not second.warehouse.full
    assert not second.warehouse.quarantined and not second.failed
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:  # the untouched department's rows are the rows that were there
        assert con.execute("select count(*) from main.fct_project_funding where disclosed is null").fetchone() == (
            nulled[0],
        )
    finally:
        con.close()
    assert second.warehouse.dbt is not None and second.warehouse.dbt.count("pass") > 100
    status = {t.name: t.status for t in second.warehouse.dbt.tests}
    assert status["not_null_fct_project_funding_disclosed"] == "pass"  # it read the changed department's rows
    assert status["not_null_fct_project_funding_total_wan"] == "warn"  # a warning reads every row

    copy = tmp_path / "everything" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(settings.warehouse, copy)
    args = dbt_args(settings.dbt_project_dir, copy, tmp_path / "everything" / "dbt")
    at = args.index("--vars")
    args[at + 1] = json.dumps({"database": str(copy), "test_everything": True})
    try:
        res = dbtRunner().invoke(["test", *args[1:], "--select", "fct_project_funding", "--log-level", "none"])
    finally:
        release_database()
    found = {r.node.name: str(getattr(r.status, "value", r.status)) for r in res.result.results}
    assert {name: status for name, status in found.items() if status != "pass"} == {
        "not_null_fct_project_funding_disclosed": "fail",
        "not_null_fct_project_funding_total_wan": "warn",
    }


def test_a_rebuild_builds_the_warehouse_again_from_the_staged_documents(tmp_path: Path) -> None:
    """`jixiao load --rebuild` builds the warehouse from nothing without parsing anything
    again, with the same tables (a warehouse grown by many loads is written compactly); the
    load after it makes its build file again as a copy of the rebuilt one instead of
    growing the build file of before."""
    import subprocess
    import sys

    src = _sources(tmp_path, "keji_2023", "jiaoyu_2024", "jiaoyu_2025")
    two = _manifest(src, "two.yaml", ["keji_2023", "jiaoyu_2024"])
    three = _manifest(src, "three.yaml", ["keji_2023", "jiaoyu_2024", "jiaoyu_2025"])
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    first = run([two], settings)
    assert first.warehouse is not None and first.warehouse.full
    second = run([three], settings)  # its build file a copy of the first's, brought up to date
    assert second.warehouse is not None and not second.warehouse.full
    tables, before = table_checksums(settings.warehouse), lineage(settings.warehouse)
    builds = sorted(settings.build_dir.glob("cli/*/warehouse.duckdb"))
    assert len(builds) == 2 and {lineage(b) for b in builds} == {before}

    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "load", "--manifest", str(three), "--data-dir", str(settings.data_dir),
         "--rebuild"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "unchanged  (same document, already parsed)" in done.stderr and " loaded " not in done.stderr
    assert "(built from nothing)" in done.stdout
    assert table_checksums(settings.warehouse) == tables
    rebuilt = lineage(settings.warehouse)
    assert rebuilt != before

    # the next load writes the other build file: made again as a copy of the rebuilt one
    fourth = run([two], settings)
    assert fourth.warehouse is not None and fourth.warehouse.status == "built" and not fourth.warehouse.full
    assert fourth.warehouse.changed == ("2025-广州市教育局",)
    assert lineage(settings.warehouse) == rebuilt
    assert {lineage(b) for b in settings.build_dir.glob("cli/*/warehouse.duckdb")} == {rebuilt}
