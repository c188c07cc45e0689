"""Hostile input, bad rows and concurrent loads: each attack is reproduced first, then shown
to fail only its own entry or document — with a typed, one-line error — while the rest
loads, and to write nothing outside the data and warehouse paths."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from jixiao.load.lock import DataFolderBusy, hold
from jixiao.load.pipeline import Workspace, build_warehouse, run
from jixiao.load.worker import parse_isolated
from jixiao.parser.errors import ParseError
from jixiao.settings import Limits, load_settings
from jixiao.sources.fetch import FetchError, fetch
from jixiao.sources.landing import Landing
from jixiao.sources.manifest import Entry, ManifestError, load_manifest
from jixiao.staging.store import StagingStore
from tests.conftest import CORPUS, ROOT
from tests.support.http_server import serve
from tests.support.pdfs import deflate_bomb
from tests.support.sources import corpus_manifest
from tests.support.staged import null_disclosed

PDF = (CORPUS / "keji_2023.pdf").read_bytes()
FAST = Limits(http_timeout=1.0, http_retries=0, http_backoff=0.01, max_bytes=2_000_000)


def _entry(url: str) -> Entry:
    return Entry("广州市科学技术局", 2023, url, None, None, None, Path("m.yaml"), 1)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


# ---------------------------------------------------------------- manifests


@pytest.mark.parametrize("bad_id", ["../../../x", "/tmp/evil", "a/b", "..", ".hidden", "x\\..\\y", "a..b"])
def test_an_id_cannot_name_a_path(tmp_path: Path, bad_id: str) -> None:
    (tmp_path / "doc.pdf").write_bytes(PDF)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "documents:\n"
        f"  - {{department: 广州市科学技术局, year: 2023, path: doc.pdf, id: {bad_id!r}}}\n"
        "  - {department: 广州市教育局, year: 2023, path: doc.pdf}\n",
        encoding="utf-8",
    )
    m = load_manifest(manifest)
    assert [e.department for e in m.entries] == ["广州市教育局"]
    (problem,) = m.problems
    assert "'id'" in problem.message and problem.line == 2


def test_the_store_refuses_keys_that_leave_it(tmp_path: Path) -> None:
    store = StagingStore(tmp_path / "staging")
    for key in ("../x", "/etc/passwd", "a/b", ".."):
        with pytest.raises(ValueError):
            store.key_dir(key)


def test_control_characters_and_absurd_years_fail_their_entry_only(tmp_path: Path) -> None:
    (tmp_path / "doc.pdf").write_bytes(PDF)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "documents:\n"
        '  - {department: 广州市科学技术局, year: 2023, path: "doc.pdf\\0"}\n'
        "  - {department: 广州市民政局, year: 3000000000, path: doc.pdf}\n"
        "  - {department: 广州市教育局, year: 2023, path: doc.pdf}\n",
        encoding="utf-8",
    )
    m = load_manifest(manifest)
    assert [e.department for e in m.entries] == ["广州市教育局"]
    nul, year = m.problems
    assert "control character" in nul.message
    assert "'year'" in year.message and year.year is None  # nothing overflows an INT32 column
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    result = run([manifest], settings)
    assert [d.status for d in result.documents] == ["loaded"]
    assert result.warehouse is not None and result.warehouse.status == "built"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        kinds = con.execute("select error_kind, budget_year from mart_load_errors").fetchall()
    finally:
        con.close()
    # the NUL entry keeps its (valid) year; the absurd year is not carried into the warehouse
    assert sorted(kinds, key=repr) == sorted([("entry_invalid", 2023), ("entry_invalid", None)], key=repr)


def test_a_yaml_alias_bomb_is_refused_cheaply(tmp_path: Path) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefg", "bcdefgh", strict=True):
        levels.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "\n".join(levels) + "\ndocuments:\n  - {department: x, year: 2025, path: x.pdf, notes: *h}\n", encoding="utf-8"
    )
    code = (
        "import resource, sys\n"
        "from jixiao.sources.manifest import load_manifest, ManifestError\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"try:\n    load_manifest({str(bomb)!r})\nexcept ManifestError as e:\n    print('refused:', e)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)\n"
    )
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    refused, rss = out.stdout.strip().splitlines()
    assert refused.startswith("refused:") and "aliases" in refused
    assert int(rss) < 50 * 1024  # KiB beyond the interpreter: the 100-million-node expansion never happens
    assert time.monotonic() - t0 < 20
    with pytest.raises(ManifestError):
        load_manifest(bomb)


# ---------------------------------------------------------------- HTTP


def test_a_redirect_to_another_scheme_is_refused(tmp_path: Path) -> None:
    with serve() as srv:
        url = srv.add("/doc.pdf", mode="redirect", location="ftp://127.0.0.1/doc.pdf")
        with pytest.raises(FetchError) as info:
            fetch(_entry(url), Landing(tmp_path), FAST)
    assert info.value.kind == "fetch_policy" and "'ftp'" in info.value.message


def test_redirects_are_checked_at_every_hop(tmp_path: Path) -> None:
    with serve() as srv:
        srv.add("/real.pdf", body=PDF)
        hop = srv.add("/hop", mode="redirect", location=srv.url("/real.pdf"))
        first = srv.add("/doc.pdf", mode="redirect", location=hop)
        ok = fetch(_entry(first), Landing(tmp_path), FAST)  # two hops, same host: followed
        assert ok.size == len(PDF)
        other = srv.add("/away", mode="redirect", location=f"http://localhost:{srv.port}/real.pdf")
        with pytest.raises(FetchError) as info:
            fetch(
                _entry(other), Landing(tmp_path), Limits(http_timeout=1.0, http_retries=0, allowed_hosts=("127.0.0.1",))
            )
        assert info.value.kind == "fetch_policy" and "localhost" in info.value.message
        loop = srv.add("/loop", mode="redirect", location=srv.url("/loop"))
        with pytest.raises(FetchError) as info:
            fetch(_entry(loop), Landing(tmp_path), FAST)
        assert info.value.kind == "fetch_policy" and "redirects" in info.value.message


@pytest.mark.parametrize("mode", ["trickle", "slow_headers"])
def test_a_slow_server_meets_the_deadline(tmp_path: Path, mode: str) -> None:
    limits = Limits(http_timeout=2.0, http_retries=0, http_deadline=3.0)
    with serve() as srv:
        url = srv.add("/doc.pdf", body=PDF, mode=mode, pace=0.3)
        t0 = time.monotonic()
        with pytest.raises(FetchError) as info:
            fetch(_entry(url), Landing(tmp_path / "landing"), limits)
        took = time.monotonic() - t0
    assert info.value.kind == "timeout"
    assert took < 3.0 + 2.0  # the deadline, not the server, decides
    assert not list((tmp_path / "landing").rglob("*.pdf"))


# ---------------------------------------------------------------- PDFs


def test_a_decompression_bomb_hits_the_memory_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb_2025.pdf"
    bomb.write_bytes(deflate_bomb(1200))
    assert bomb.stat().st_size < 20_000
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    with pytest.raises(ParseError) as info:
        parse_isolated(
            bomb, year=2025, seconds=60, max_pages=100, max_bytes=10**8, memory_bytes=768 << 20, cpu_seconds=60
        )
    assert info.value.kind == "limit_exceeded" and "memory" in info.value.message
    assert time.monotonic() - t0 < 30
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    assert peak < 1024 * 1024  # KiB: under 1 GB


def test_cpu_time_is_limited_by_the_os() -> None:
    # a parse needing far more than a second of CPU: the reference reader on 140 pages
    doc = ROOT / "sources" / "real" / "guangzhou_shengtai_2026_project.pdf"
    with pytest.raises(ParseError) as info:
        parse_isolated(
            doc,
            year=2026,
            seconds=60,
            max_pages=500,
            max_bytes=10**8,
            memory_bytes=768 << 20,
            cpu_seconds=1,
            reader="pdfplumber",
        )
    assert info.value.kind == "limit_exceeded" and "CPU" in info.value.message


# ---------------------------------------------------------------- loads


def test_two_loads_do_not_run_at_once(tmp_path: Path) -> None:
    manifest = corpus_manifest(tmp_path / "sources", ("广州市科学技术局", 2023, "keji_2023.pdf"))
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    with hold(settings.data_dir, what="another load"):
        with pytest.raises(DataFolderBusy) as info:
            run([manifest], settings)
        assert "another load" in str(info.value)
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "jixiao.cli",
                "load",
                "--manifest",
                str(manifest),
                "--data-dir",
                str(settings.data_dir),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert cli.returncode == 2 and "is in use by another load" in cli.stderr
    assert cli.stderr.count("\n") == 1
    result = run([manifest], settings)  # once it is free, the load goes ahead
    assert result.warehouse is not None and result.warehouse.status == "built"


def test_a_document_whose_rows_fail_a_blocking_test_is_quarantined(tmp_path: Path) -> None:
    """The same PDF under a department and its alias: one department-year twice. The second
    is left out with the failing test named; the other documents are published."""
    manifest = corpus_manifest(
        tmp_path / "sources",
        ("中共广州市委外事工作委员会办公室", 2025, "waiban_2025.pdf"),
        ("广州市人民政府外事办公室", 2025, "waiban_2025.pdf"),
        ("广州市科学技术局", 2023, "keji_2023.pdf"),
    )
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    result = run([manifest], settings)
    wh = result.warehouse
    assert wh is not None and wh.status == "built", wh
    assert list(wh.quarantined) == ["2025-广州市人民政府外事办公室"]
    (failed,) = result.failed
    assert (failed.stage, failed.kind) == ("quarantine", "data_test_failed")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        docs = [r[0] for r in con.execute("select document_key from dim_document order by 1").fetchall()]
        errors = con.execute("select document_key, stage, error_kind, message from mart_load_errors").fetchall()
    finally:
        con.close()
    assert docs == ["2023-广州市科学技术局", "2025-中共广州市委外事工作委员会办公室"]
    (err,) = errors
    assert err[:3] == ("2025-广州市人民政府外事办公室", "quarantine", "data_test_failed") and "test" in err[3]
    # a rerun with nothing changed still says the document is left out
    again = run([manifest], settings)
    assert again.warehouse is not None and again.warehouse.status == "unchanged"
    assert [(d.key, d.stage) for d in again.failed] == [("2025-广州市人民政府外事办公室", "quarantine")]


def test_a_bad_row_in_one_document_does_not_hold_the_others_hostage(tmp_path: Path) -> None:
    manifest = corpus_manifest(
        tmp_path / "sources", ("广州市科学技术局", 2023, "keji_2023.pdf"), ("广州市教育局", 2024, "jiaoyu_2024.pdf")
    )
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    assert run([manifest], settings).warehouse.status == "built"  # type: ignore[union-attr]
    # one staged row turns bad (what a parser bug would leave): a null where a blocking test wants a value
    null_disclosed(settings.staging_dir, "2024-广州市教育局")
    # rebuild from staging as it stands (a forced load would parse the document again)
    keys = ["2023-广州市科学技术局", "2024-广州市教育局"]
    wh = build_warehouse(Workspace.open(settings), keys, [], force=True)
    assert wh.status == "built", wh
    assert list(wh.quarantined) == ["2024-广州市教育局"] and "disclosed" in wh.quarantined["2024-广州市教育局"]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from dim_document").fetchone() == (1,)
    finally:
        con.close()


def test_a_load_where_everything_failed_publishes_nothing(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "x.pdf").write_bytes(b"<html>not a pdf</html>")
    manifest = sources / "m.yaml"
    manifest.write_text("documents:\n  - {department: 广州市教育局, year: 2025, path: x.pdf}\n", encoding="utf-8")
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    result = run([manifest], settings)
    assert result.warehouse is not None and result.warehouse.status == "failed"
    assert "no document could be loaded" in (result.warehouse.message or "")
    assert not settings.warehouse.exists()


def test_a_full_disk_while_recording_a_failure_is_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "x.pdf").write_bytes(b"<html>not a pdf</html>")
    shutil.copy(CORPUS / "keji_2023.pdf", sources / "keji_2023.pdf")
    manifest = sources / "m.yaml"
    manifest.write_text(
        "documents:\n  - {department: 广州市教育局, year: 2025, path: x.pdf}\n"
        "  - {department: 广州市科学技术局, year: 2023, path: keji_2023.pdf}\n",
        encoding="utf-8",
    )

    def full(self, key, row):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(StagingStore, "record_error", full)
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    result = run([manifest], settings)
    assert [d.status for d in result.documents] == ["failed", "loaded"]
    assert result.failed[0].kind == "not_pdf"
    assert result.warehouse is not None and result.warehouse.status == "built"


def test_a_stray_copy_from_a_killed_publish_is_cleaned(tmp_path: Path) -> None:
    manifest = corpus_manifest(tmp_path / "sources", ("广州市科学技术局", 2023, "keji_2023.pdf"))
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    stray = settings.warehouse.with_name(f".{settings.warehouse.name}.dead0001.incoming")
    stray.write_bytes(b"half a copy")
    run([manifest], settings)
    assert not stray.exists()


def test_the_warehouse_records_the_manifest_of_this_load(tmp_path: Path) -> None:
    """The same load gives the same tables whatever was loaded before."""
    a = corpus_manifest(tmp_path / "a", ("广州市科学技术局", 2023, "keji_2023.pdf"))
    b = corpus_manifest(tmp_path / "b", ("广州市科学技术局", 2023, "keji_2023.pdf"))
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    run([a], settings)
    run([b], settings)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        (manifest_file,) = con.execute("select manifest_file from dim_document").fetchone()  # type: ignore[misc]
    finally:
        con.close()
    assert manifest_file == b.relative_to(tmp_path).as_posix()  # relative: no local folders in the warehouse


def test_nothing_is_written_outside_the_data_and_warehouse_paths(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    manifest = corpus_manifest(sources, ("广州市科学技术局", 2023, "keji_2023.pdf"))
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + "  - {department: x, year: 2023, path: keji_2023.pdf, id: ../../../escaped}\n"
        + "  - {department: y, year: 2023, path: ../outside.pdf}\n",
        encoding="utf-8",
    )
    before = _files(tmp_path)
    settings = load_settings().with_paths(data_dir=tmp_path / "data", warehouse=tmp_path / "out" / "wh.duckdb")
    result = run([manifest], settings)
    assert len(result.problems) == 2
    written = _files(tmp_path) - before
    assert all(p.is_relative_to(tmp_path / "data") or p.is_relative_to(tmp_path / "out") for p in written), sorted(
        p for p in written if not (p.is_relative_to(tmp_path / "data") or p.is_relative_to(tmp_path / "out"))
    )
    assert not (tmp_path.parent / "escaped").exists() and not Path("/escaped").exists()


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    from jixiao.export import _csv_safe

    con = duckdb.connect()
    con.execute("create table t (name varchar, amount decimal(10, 2))")
    con.execute("insert into t values ('=cmd|'' /C calc''!A0', -1.50), ('+1', 2), ('@SUM(A1)', 3), ('普通', 4)")
    out = tmp_path / "t.csv"
    con.execute(f"copy ({_csv_safe(con, 't')}) to '{out}' (format csv, header)")
    lines = out.read_text(encoding="utf-8").splitlines()[1:]
    assert [ln.split(",")[0].strip('"') for ln in lines] == ["'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "普通"]
    assert lines[0].endswith("-1.50")  # numbers stay numbers


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("JIXIAO_MAX_BYTES", "lots", "is not a whole number"),
        ("JIXIAO_HTTP_DEADLINE", "soon", "is not a number"),
        ("JIXIAO_PARSE_MEMORY_BYTES", "-1", "must not be negative"),
    ],
)
def test_a_bad_limit_in_the_environment_is_one_clear_line(name: str, value: str, says: str) -> None:
    env = {**os.environ, name: value}
    cli = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "load", "--quiet"], capture_output=True, text=True, env=env, timeout=120
    )
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"jixiao: error: {name}={value!r} {says}"
