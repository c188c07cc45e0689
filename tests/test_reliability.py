"""Loads that survive bad documents, faults and readers. Each promise has a test that
fails when the promise is broken:

1. per-document isolation — every kind of bad input becomes a load-errors row (and, in
   Dagster, a failed materialization with the same message) while the rest loads;
2. nothing lost — a failing new version keeps the old one; a load killed (SIGKILL) while
   staging, while dbt builds or while publishing leaves the warehouse exactly as it was,
   and the next load completes;
3. readers never blocked — queries in another process during loads: no errors, whole loads;
4. idempotent — loading the same manifest again leaves identical tables;
5. parallel partitions — a backfill on the multiprocess executor, no lock errors;
6. hostile input — time, page and size limits hold.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from jixiao.load.pipeline import run
from jixiao.settings import Limits, Settings, load_settings
from tests.conftest import BAD, CORPUS, ROOT
from tests.support.digest import table_checksums
from tests.support.http_server import serve
from tests.support.pdfs import table_with_header
from tests.support.synth import Knobs, generate

WAIBAN = "中共广州市委外事工作委员会办公室"
FAST = Limits(http_timeout=1.0, http_retries=1, http_backoff=0.01, max_bytes=1_000_000)


def settings_for(data: Path, limits: Limits = FAST) -> Settings:
    return replace(load_settings().with_paths(data_dir=data), limits=limits)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ 1. isolation


@pytest.fixture(scope="module")
def bad_world(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A sources folder and a local server with two good documents and every kind of bad one."""
    root = tmp_path_factory.mktemp("isolation")
    src = root / "sources"
    (src / "docs").mkdir(parents=True)
    (root / "outside.pdf").write_bytes((CORPUS / "keji_2023.pdf").read_bytes())
    (src / "docs" / "waiban_2025.pdf").write_bytes((CORPUS / "waiban_2025.pdf").read_bytes())
    for f in BAD.glob("*.pdf"):
        (src / "docs" / f.name).write_bytes(f.read_bytes())
    misprint, _, _ = generate(21, Knobs(misprint=True), department="广州市审计局", year=2025)
    (src / "docs" / "misprint.pdf").write_bytes(misprint)
    dup, _, _ = generate(22, Knobs(), department="广州市统计局", year=2025, duplicate=True)
    (src / "docs" / "duplicate.pdf").write_bytes(dup)
    table_with_header(src / "docs" / "odd_header.pdf", ["项目名称", "绩效指标", "备注", "说明"], "广州市体育局")
    with serve() as srv:
        srv.add("/weijian_2025.pdf", body=(CORPUS / "weijian_2025.pdf").read_bytes())
        srv.add("/500.pdf", failures=99, fail_status=500)
        srv.add("/silent.pdf", body=b"%PDF-", mode="silent")
        srv.add("/reset.pdf", body=(CORPUS / "waiban_2024.pdf").read_bytes(), mode="reset")
        srv.add("/huge.pdf", body=(CORPUS / "waiban_2025.pdf").read_bytes() * 8)
        srv.add("/html.pdf", body=b"<!DOCTYPE html><html><body>404</body></html>", content_type="application/pdf")
        entries = [
            (WAIBAN, 2025, "path", "docs/waiban_2025.pdf"),
            ("广州市卫生健康委员会", 2025, "url", srv.url("/weijian_2025.pdf")),
            ("广州市审计局", 2025, "path", "docs/misprint.pdf"),
            ("广州市统计局", 2025, "path", "docs/duplicate.pdf"),
            ("广州市体育局", 2025, "path", "docs/odd_header.pdf"),
            ("坏文件甲", 2021, "path", "docs/empty.pdf"),
            ("坏文件乙", 2021, "path", "docs/encrypted.pdf"),
            ("坏文件丙", 2021, "path", "docs/http_404.pdf"),
            ("坏文件丁", 2021, "path", "docs/no_perf_table.pdf"),
            ("坏文件戊", 2021, "path", "docs/scanned.pdf"),
            ("坏文件己", 2021, "path", "docs/truncated.pdf"),
            ("服务器甲", 2022, "url", srv.url("/missing.pdf")),
            ("服务器乙", 2022, "url", srv.url("/500.pdf")),
            ("服务器丙", 2022, "url", srv.url("/silent.pdf")),
            ("服务器丁", 2022, "url", srv.url("/reset.pdf")),
            ("服务器戊", 2022, "url", srv.url("/huge.pdf")),
            ("服务器己", 2022, "url", srv.url("/html.pdf")),
            ("清单甲", 2023, "url", "ftp://example.org/a.pdf"),
            ("清单乙", 2023, "path", "../outside.pdf"),
        ]
        lines = ["documents:"] + [f"  - {{department: {d}, year: {y}, {k}: '{v}'}}" for d, y, k, v in entries]
        manifest = src / "manifest.yaml"
        manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield root, manifest


EXPECTED_ERRORS = {
    "2025-广州市统计局": ("stage", "duplicate_rows"),
    "2025-广州市体育局": ("parse", "unmapped_columns"),
    "2021-坏文件甲": ("fetch", "empty_file"),
    "2021-坏文件乙": ("parse", "encrypted"),
    "2021-坏文件丙": ("fetch", "not_pdf"),
    "2021-坏文件丁": ("parse", "no_performance_table"),
    "2021-坏文件戊": ("parse", "no_text_layer"),
    "2021-坏文件己": ("parse", "corrupt_pdf"),
    "2022-服务器甲": ("fetch", "http_status"),
    "2022-服务器乙": ("fetch", "http_status"),
    "2022-服务器丙": ("fetch", "timeout"),
    "2022-服务器丁": ("fetch", "connection"),
    "2022-服务器戊": ("fetch", "too_large"),
    "2022-服务器己": ("fetch", "not_pdf"),
    "2023-清单甲": ("manifest", "entry_invalid"),
    "2023-清单乙": ("manifest", "entry_invalid"),
}


def test_every_bad_input_is_isolated(bad_world) -> None:  # type: ignore[no-untyped-def]
    root, manifest = bad_world
    settings = settings_for(root / "data", replace(FAST, max_bytes=400_000))
    result = run([manifest], settings)
    status = {d.key: d.status for d in result.documents}
    assert status[f"2025-{WAIBAN}"] == "loaded"
    assert status["2025-广州市卫生健康委员会"] == "loaded"
    assert status["2025-广州市审计局"] == "loaded"  # a table that does not reconcile is loaded, flagged
    assert result.warehouse is not None and result.warehouse.status == "built"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rows = con.execute("select document_key, stage, error_kind from mart_load_errors").fetchall()
    errors = {k: (s, e) for k, s, e in rows}
    assert errors == EXPECTED_ERRORS
    messages = con.execute("select count(*) from mart_load_errors where length(message) > 20").fetchone()
    assert messages == (len(EXPECTED_ERRORS),)
    assert con.execute("select count(*) from dim_document").fetchone() == (3,)
    flagged = con.execute(
        "select parser_reconciled from dim_document where document_key = '2025-广州市审计局'"
    ).fetchone()
    assert flagged == (False,)
    warned = [t.name for t in result.warehouse.dbt.tests if t.status == "warn"]  # type: ignore[union-attr]
    assert any("department_total_equals" in name for name in warned)


def test_dagster_fails_the_same_documents_with_the_same_messages(bad_world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root, manifest = bad_world
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(root / "dagster-data"))
    monkeypatch.setenv("JIXIAO_MANIFESTS", str(manifest))
    monkeypatch.setenv("JIXIAO_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("JIXIAO_HTTP_RETRIES", "0")
    # a failure that can pass (timeout, connection, HTTP 5xx) is tried once more, at once;
    # any other fails at the first attempt
    monkeypatch.setenv("JIXIAO_STEP_RETRIES", "1")
    monkeypatch.setenv("JIXIAO_STEP_RETRY_DELAY", "0")
    monkeypatch.setenv("JIXIAO_MAX_BYTES", "400000")
    from jixiao.defs.definitions import defs
    from jixiao.staging.store import StagingStore

    definitions = defs()
    job = definitions.resolve_job_def("ingest_documents")
    store = StagingStore(root / "dagster-data" / "staging")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("documents", [*EXPECTED_ERRORS, "2025-广州市审计局"])
        for key, (stage, kind) in EXPECTED_ERRORS.items():
            r = job.execute_in_process(partition_key=key, instance=instance, raise_on_error=False)
            assert not r.success, key
            failure = next(e for e in r.all_events if e.event_type_value == "STEP_FAILURE")
            text = str(failure.event_specific_data.error)
            assert f"{stage} failed ({kind})" in text, (key, text)
            retried = any(e.event_type_value == "STEP_UP_FOR_RETRY" for e in r.all_events)
            assert retried == (kind in ("timeout", "connection") or key == "2022-服务器乙"), key
            if stage != "manifest":
                recorded = store.error(key)
                assert recorded is not None and recorded["message"] in text  # the same message as the table's
        good = job.execute_in_process(partition_key="2025-广州市审计局", instance=instance)
        assert good.success
        (check,) = good.get_asset_check_evaluations()
        assert check.check_name == "reconciles" and not check.passed  # loaded, flagged, check fails


# ------------------------------------------------------------------ 2. nothing lost


def test_a_failing_new_version_keeps_the_previous_one(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    with serve() as srv:
        url = srv.add("/waiban.pdf", body=(CORPUS / "waiban_2025.pdf").read_bytes())
        manifest = tmp_path / "m.yaml"
        manifest.write_text(f"documents:\n  - {{department: {WAIBAN}, year: 2025, url: '{url}'}}\n", encoding="utf-8")
        run([manifest], settings)
        srv.add("/waiban.pdf", body=(BAD / "truncated.pdf").read_bytes())  # the publisher breaks the file
        second = run([manifest], settings)
    assert [d.status for d in second.documents] == ["failed"]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute("select printed_total_wan from fct_department_funding").fetchone() == (Decimal("2925.54"),)
    assert con.execute("select sha256 from dim_document").fetchone() == (
        hashlib.sha256((CORPUS / "waiban_2025.pdf").read_bytes()).hexdigest(),)
    assert con.execute("select stage, error_kind from mart_load_errors").fetchall() == [("parse", "corrupt_pdf")]


def _manifest(path: Path, names: list[str]) -> Path:
    lines = ["documents:"]
    for name in names:
        year = int(name.rsplit("_", 1)[1])
        lines.append(f"  - {{department: {WAIBAN}, year: {year}, path: {name}.pdf}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start_load(manifest: Path, data: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "jixiao.cli", "load", "--manifest", str(manifest), "--data-dir", str(data), "--quiet"],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _wait_for(check, seconds: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the load never reached the point to kill it at")


@pytest.mark.parametrize("point", ["staging", "dbt", "publish"])
def test_sigkill_leaves_the_warehouse_as_it_was(tmp_path: Path, point: str) -> None:
    src = tmp_path / "sources"
    src.mkdir()
    for name in ("waiban_2024", "waiban_2025"):
        (src / f"{name}.pdf").write_bytes((CORPUS / f"{name}.pdf").read_bytes())
    data = tmp_path / "data"
    before = _manifest(src / "before.yaml", ["waiban_2024"])
    assert subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "load", "--manifest", str(before), "--data-dir", str(data), "--quiet"],
        capture_output=True,
    ).returncode == 0
    warehouse = data / "warehouse.duckdb"
    digest, tables = file_digest(warehouse), table_checksums(warehouse)

    after = _manifest(src / "after.yaml", ["waiban_2024", "waiban_2025"])
    marker = tmp_path / "paused"
    env = {"JIXIAO_FAULT_PAUSE": point, "JIXIAO_FAULT_MARKER": str(marker)} if point != "dbt" else {}
    proc = _start_load(after, data, env)
    try:
        if point == "dbt":  # dbt is running models (in the second build file: the first is published)
            _wait_for(lambda: (data / "build" / "cli" / "b" / "dbt" / "target" / "run").exists())
            time.sleep(0.5)
        else:
            _wait_for(marker.exists)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert file_digest(warehouse) == digest  # byte for byte the warehouse before the load
    assert table_checksums(warehouse) == tables

    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "load", "--manifest", str(after), "--data-dir", str(data), "--quiet"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from dim_document").fetchone() == (2,)
    assert not list((data / "build").glob("warehouse-*.duckdb"))  # nothing left half-built


# ------------------------------------------------------------------ 3. readers, 4. idempotence

READER = """
import sys, time, duckdb
path, stop, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
errors, reads, builds, docs = 0, 0, set(), set()
end = time.monotonic() + seconds
import os
while time.monotonic() < end and not os.path.exists(stop):
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            builds.add(con.execute("select built_at from jixiao.load_info").fetchone()[0])
            n = con.execute("select count(*) from dim_document").fetchone()[0]
            s = con.execute("select sum(projects_total_wan) from fct_department_funding").fetchone()[0]
            p = con.execute("select sum(total_wan) from fct_project_funding").fetchone()[0]
            assert s == p, (s, p)  # one whole load: facts agree with each other
            docs.add(n)
            reads += 1
        finally:
            con.close()
    except Exception as exc:
        errors += 1
        print("ERROR", type(exc).__name__, exc, file=sys.stderr)
print(errors, reads, len(builds), sorted(docs))
"""


def test_readers_are_never_blocked_and_see_whole_loads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = settings_for(data)
    manifest = ROOT / "sources" / "samples.yaml"
    run([manifest], settings)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(settings.warehouse), str(stop), "120"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        for _ in range(2):
            result = run([manifest], settings, force=True)  # parse and rebuild everything, publish again
            assert result.warehouse is not None and result.warehouse.status == "built"
        time.sleep(1.0)
    finally:
        stop.write_text("stop")
        out, err = reader.communicate(timeout=60)
    errors, reads, builds, docs = out.split(maxsplit=3)
    assert int(errors) == 0, err
    assert int(reads) > 20
    assert int(builds) >= 2  # the reader saw the published file change under it
    assert docs.strip() == "[9]"


def test_loading_twice_leaves_identical_tables(tmp_path: Path) -> None:
    src = tmp_path / "sources"
    src.mkdir()
    for name in ("waiban_2024", "waiban_2025"):
        (src / f"{name}.pdf").write_bytes((CORPUS / f"{name}.pdf").read_bytes())
    (src / "scanned_2025.pdf").write_bytes((BAD / "scanned.pdf").read_bytes())
    manifest = src / "m.yaml"
    manifest.write_text(
        "documents:\n"
        f"  - {{department: {WAIBAN}, year: 2024, path: waiban_2024.pdf}}\n"
        f"  - {{department: {WAIBAN}, year: 2025, path: waiban_2025.pdf}}\n"
        "  - {department: 广州市文化广电旅游局, year: 2025, path: scanned_2025.pdf}\n"
        "  - {department: 广州市司法局, year: 2025, url: 'ftp://x.example/a.pdf'}\n",
        encoding="utf-8",
    )
    settings = settings_for(tmp_path / "data")
    run([manifest], settings)
    first = table_checksums(settings.warehouse)
    again = run([manifest], settings, force=True)  # parse again, rebuild, publish
    assert again.warehouse is not None and again.warehouse.status == "built"
    second = table_checksums(settings.warehouse)
    assert len(first) > 25
    assert {k: v[0] for k, v in first.items()}["main.mart_load_errors"] == 2
    assert second == first


# ------------------------------------------------------------------ 6. hostile input


@pytest.mark.parametrize(
    ("limits", "stage", "kind"),
    [
        (replace(FAST, parse_seconds=0.001), "parse", "parse_timeout"),
        (replace(FAST, max_pages=5), "parse", "limit_exceeded"),
        (replace(FAST, max_bytes=50_000), "fetch", "too_large"),
    ],
    ids=["time", "pages", "bytes"],
)
def test_limits_hold(tmp_path: Path, limits: Limits, stage: str, kind: str) -> None:
    (tmp_path / "waiban_2025.pdf").write_bytes((CORPUS / "waiban_2025.pdf").read_bytes())
    manifest = tmp_path / "m.yaml"
    manifest.write_text(f"documents:\n  - {{department: {WAIBAN}, year: 2025, path: waiban_2025.pdf}}\n",
                        encoding="utf-8")
    result = run([manifest], settings_for(tmp_path / "data", limits))
    (doc,) = result.documents
    assert (doc.status, doc.stage, doc.kind) == ("failed", stage, kind)
