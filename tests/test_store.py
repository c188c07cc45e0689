"""Landing and staging at an fsspec URL (``JIXIAO_STORE``) — fsspec's in-memory filesystem,
and ``s3://…`` through s3fs against a local S3 server — a load fetches and stages into the
store, not into the data folder; another machine (another data folder, the same store)
finds what the first one fetched and staged, and builds the same warehouse from it; and
that warehouse is the one a load with local folders builds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import fsspec
import pytest

from jixiao.load.pipeline import Workspace, build_warehouse, load_errors, read_manifests, run
from jixiao.settings import load_settings
from jixiao.sources.fetch import last_fetched
from jixiao.sources.landing import RemoteLanding
from jixiao.staging.store import RemoteStagingStore
from tests.conftest import CORPUS
from tests.support.digest import table_checksums
from tests.support.sources import corpus_manifest

pytestmark = pytest.mark.slow

WAIBAN = "中共广州市委外事工作委员会办公室"


def test_a_load_through_an_object_store(tmp_path: Path) -> None:
    _load_through(f"memory://jixiao-{uuid.uuid4().hex[:8]}", tmp_path)


@pytest.fixture
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An S3 endpoint on 127.0.0.1 (moto's server: the S3 protocol over HTTP, no AWS) that
    ``s3://`` URLs reach through s3fs, as JIXIAO_STORE would on a deployment."""
    from moto.server import ThreadedMotoServer
    from s3fs import S3FileSystem

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    S3FileSystem.clear_instance_cache()  # (an S3 filesystem made before knows another endpoint)
    try:
        host, port = server.get_host_and_port()
        for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                            ("AWS_DEFAULT_REGION", "us-east-1"), ("AWS_ENDPOINT_URL", f"http://{host}:{port}")):
            monkeypatch.setenv(name, value)  # what a deployment on an S3-compatible store sets
        bucket = f"jixiao-{uuid.uuid4().hex[:8]}"
        fsspec.filesystem("s3").mkdir(bucket)
        yield f"s3://{bucket}/deployment"
    finally:
        S3FileSystem.clear_instance_cache()
        server.stop()


def test_a_load_through_s3(tmp_path: Path, s3_server: str) -> None:
    """The same through the S3 protocol (s3fs against a local S3 server)."""
    _load_through(s3_server, tmp_path)


def _load_through(store: str, tmp_path: Path) -> None:
    src = tmp_path / "sources"
    manifest = corpus_manifest(src, (WAIBAN, 2024, "waiban_2024.pdf"), (WAIBAN, 2025, "waiban_2025.pdf"))
    first = replace(load_settings().with_paths(data_dir=tmp_path / "machine-a"), store=store)
    result = run([manifest], first)
    assert result.warehouse is not None and result.warehouse.status == "built"
    assert not result.failed

    # everything landed and staged went to the store; the data folder holds a cache and the build
    fs, root = fsspec.core.url_to_fs(store)
    fs.invalidate_cache()
    keys = [f"2024-{WAIBAN}", f"2025-{WAIBAN}"]
    for key in keys:
        assert fs.exists(f"{root}/staging/{key}/current.json")
        assert fs.exists(f"{root}/landing/documents/{key}.json")
    assert not first.staging_dir.exists() and not first.landing_dir.exists()

    # another machine: nothing of its own but the store
    second = replace(load_settings().with_paths(data_dir=tmp_path / "machine-b"), store=store)
    ws = Workspace.open(second)
    assert isinstance(ws.landing, RemoteLanding) and isinstance(ws.store, RemoteStagingStore)
    fetched = last_fetched(keys[0], ws.landing)  # what a parse on this machine reads
    assert fetched is not None and fetched.path.read_bytes() == (CORPUS / "waiban_2024.pdf").read_bytes()
    assert fetched.path.is_relative_to(second.cache_dir)
    entries, problems, broken = read_manifests([manifest], second)
    built = build_warehouse(ws, keys, load_errors(entries, problems, broken, ws.store), entries=entries)
    assert built.status == "built" and built.full
    assert table_checksums(second.warehouse) == table_checksums(first.warehouse)

    # the same warehouse as with local folders
    local = load_settings().with_paths(data_dir=tmp_path / "local")
    assert run([manifest], local).warehouse is not None
    assert table_checksums(local.warehouse, ignore_times=True) == table_checksums(first.warehouse, ignore_times=True)
