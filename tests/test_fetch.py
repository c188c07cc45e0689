"""Fetching over HTTP from a local server on 127.0.0.1, and from local paths."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from jixiao.settings import Limits
from jixiao.sources.fetch import FetchError, fetch
from jixiao.sources.landing import Landing
from jixiao.sources.manifest import Entry
from tests.conftest import CORPUS
from tests.support.http_server import serve
from tests.support.sources import corpus_manifest

PDF = (CORPUS / "keji_2023.pdf").read_bytes()
FAST = Limits(http_timeout=1.0, http_retries=2, http_backoff=0.01, max_bytes=2_000_000)


def entry(url: str | None = None, path: Path | None = None, sha256: str | None = None) -> Entry:
    return Entry("广州市科学技术局", 2023, url, path, sha256, None, Path("m.yaml"), 1)


def test_fetch_stores_by_content_and_keeps_versions(tmp_path: Path) -> None:
    landing = Landing(tmp_path / "landing")
    with serve() as srv:
        url = srv.add("/keji.pdf", body=PDF)
        first = fetch(entry(url), landing, FAST)
        assert first.sha256 == hashlib.sha256(PDF).hexdigest()
        assert first.path == landing.path_for(first.sha256) and first.path.read_bytes() == PDF
        srv.add("/keji.pdf", body=PDF + b"\n% revised\n")
        second = fetch(entry(url), landing, FAST)
    assert second.sha256 != first.sha256
    assert first.path.exists() and second.path.exists()  # every version is kept
    assert len((tmp_path / "landing" / "fetches.jsonl").read_text().splitlines()) == 2


def test_server_errors_are_retried_with_backoff(tmp_path: Path) -> None:
    sleeps: list[float] = []
    with serve() as srv:
        url = srv.add("/flaky.pdf", body=PDF, failures=2, fail_status=503)
        got = fetch(entry(url), Landing(tmp_path), FAST, sleep=sleeps.append)
        assert srv.routes["/flaky.pdf"].hits == 3
    assert got.size == len(PDF)
    assert sleeps == [0.01, 0.02]


@pytest.mark.parametrize(
    ("route", "kind", "text"),
    [
        ({"status": 404, "body": b"<html>not found</html>", "content_type": "text/html"}, "http_status", "HTTP 404"),
        ({"failures": 9, "fail_status": 500}, "http_status", "HTTP 500"),
        ({"body": b"<!DOCTYPE html><html><body>404 \xe9\xa1\xb5</body></html>", "content_type": "application/pdf"},
         "not_pdf", "HTML page"),
        ({"body": PDF, "mode": "short"}, "connection", "attempts"),
        ({"body": PDF, "mode": "reset"}, "connection", "attempts"),
        ({"body": PDF, "mode": "silent"}, "timeout", "did not answer"),
        ({"body": PDF * 40}, "too_large", "limit"),
    ],
    ids=["404", "500", "html", "short-body", "reset", "silent", "too-large"],
)
def test_http_failures_are_typed(tmp_path: Path, route: dict, kind: str, text: str) -> None:
    landing = Landing(tmp_path / "landing")
    with serve() as srv:
        url = srv.add("/doc.pdf", **route)
        with pytest.raises(FetchError) as info:
            fetch(entry(url), landing, FAST, sleep=lambda s: None)
    assert info.value.kind == kind and text in info.value.message
    assert not list((tmp_path / "landing").rglob("*.pdf"))  # nothing half-written lands
    assert not list((tmp_path / "landing").glob(".incoming-*"))


def test_unreachable_host(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as info:
        fetch(entry("http://127.0.0.1:9/none.pdf"), Landing(tmp_path), FAST, sleep=lambda s: None)
    assert info.value.kind == "connection"


def test_local_paths_and_checksums(tmp_path: Path) -> None:
    src = tmp_path / "keji_2023.pdf"
    src.write_bytes(PDF)
    landing = Landing(tmp_path / "landing")
    ok = fetch(entry(path=src, sha256=hashlib.sha256(PDF).hexdigest()), landing, FAST)
    assert ok.path.read_bytes() == PDF
    with pytest.raises(FetchError) as info:
        fetch(entry(path=src, sha256="0" * 64), landing, FAST)
    assert info.value.kind == "checksum_mismatch"
    with pytest.raises(FetchError) as info:
        fetch(entry(path=tmp_path / "missing.pdf"), landing, FAST)
    assert info.value.kind == "missing_file"


def test_an_untouched_local_file_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    landing = Landing(tmp_path / "landing")
    src = tmp_path / "keji.pdf"
    src.write_bytes(PDF)
    first = fetch(entry(path=src), landing, FAST)
    log = tmp_path / "landing" / "fetches.jsonl"
    reads: list[Path] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object) -> object:
        if self == src and (args[:1] or (kwargs.get("mode", "r"),))[0] == "rb":
            reads.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", counting_open)
    again = fetch(entry(path=src), landing, FAST)
    assert reads == [] and again == first  # same sha, path, size and first-fetched time
    assert len(log.read_text().splitlines()) == 1

    fetch(entry(path=src), landing, FAST, reread=True)  # jixiao load --force
    assert reads == [src]

    src.write_bytes(PDF + b"\n% revised\n")  # changed in place: read, and a new version lands
    changed = fetch(entry(path=src), landing, FAST)
    assert changed.sha256 == hashlib.sha256(PDF + b"\n% revised\n").hexdigest() and len(reads) == 2

    # a different file moved into place, keeping size and modification time, is read too
    other = tmp_path / "other.pdf"
    other.write_bytes(PDF + b"\n% REVISED\n")  # the same size
    st = src.stat()
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, src)
    assert fetch(entry(path=src), landing, FAST).sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert len(reads) == 4  # read to fetch, and by the check above

    # a manifest checksum that the landed copy does not have: read, and refused
    with pytest.raises(FetchError, match="sha256"):
        fetch(entry(path=src, sha256=first.sha256), landing, FAST)

    # the landed copy gone: read again
    landing.path_for(changed.sha256).unlink()
    fetch(entry(path=src), landing, FAST)


def test_a_load_hands_only_what_has_work_to_its_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A load settles untouched, already staged documents in its own thread; only a changed or
    new one is ingested (fetched, parsed, staged) by its pool."""
    from jixiao.load import pipeline
    from jixiao.settings import load_settings

    src = tmp_path / "src"
    manifest = corpus_manifest(src, ("广州市科学技术局", 2023, "keji_2023.pdf"), ("广州市教育局", 2024, "jiaoyu_2024.pdf"))
    settings = load_settings().with_paths(data_dir=tmp_path / "data")
    assert {d.status for d in pipeline.run([manifest], settings).documents} == {"loaded"}
    ingested: list[str] = []
    real_ingest = pipeline.ingest

    def counting(entry: Entry, ws: pipeline.Workspace, *, force: bool = False) -> pipeline.DocumentOutcome:
        ingested.append(entry.key)
        return real_ingest(entry, ws, force=force)

    monkeypatch.setattr(pipeline, "ingest", counting)
    again = pipeline.run([manifest], settings)
    assert ingested == [] and {d.status for d in again.documents} == {"unchanged"}
    assert again.warehouse is not None and again.warehouse.status == "unchanged"
    jiaoyu = src / "jiaoyu_2024.pdf"
    jiaoyu.write_bytes(jiaoyu.read_bytes() + b"\n% revised\n")  # new bytes: fetched and parsed again
    third = pipeline.run([manifest], settings)
    assert ingested == ["2024-广州市教育局"]
    assert [d.status for d in third.documents] == ["unchanged", "loaded"]
    pipeline.run([manifest], settings, force=True)  # --force: everything through the pool
    assert sorted(ingested[1:]) == ["2023-广州市科学技术局", "2024-广州市教育局"]
