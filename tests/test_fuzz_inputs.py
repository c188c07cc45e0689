"""Fuzzing the load's other two doors: manifests and HTTP servers.

Whatever a manifest holds, reading it gives entries that are safe to use (a key that names
no path, a path inside the manifest's folder, a year in range) and problems with a line and
a message; it never raises anything but ``ManifestError`` for a whole unreadable file.
Whatever a server answers, a fetch gives a PDF or a ``FetchError`` with a known kind, within
its deadline. (The PDFs themselves are fuzzed in ``test_fuzz_pdf.py``.)"""

from __future__ import annotations

import os
import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.settings import Limits
from jixiao.sources.fetch import FetchError, fetch
from jixiao.sources.landing import Landing
from jixiao.sources.manifest import ALLOWED_KEYS, Entry, ManifestError, load_manifest
from tests.support.http_server import serve

N_CASES = int(os.environ.get("JIXIAO_FUZZ_CASES", "60"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# ---------------------------------------------------------------- manifests

nasty_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["../../x", "/etc/passwd", "a/b", "..", "x\x00y", "\u202e", "广州市教育局", "", " ", "C:\\x", "~", "*a", "&a"]
    ),
)
values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True),
        nasty_text,
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)
entries = st.dictionaries(
    st.one_of(st.sampled_from(sorted(ALLOWED_KEYS)), st.text(max_size=8)),
    st.one_of(values, st.integers(1990, 2100), st.sampled_from(["doc.pdf", "http://127.0.0.1/x.pdf"])),
    max_size=7,
)


def _write(folder: Path, document: object) -> Path:
    path = folder / "m.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@settings(max_examples=N_CASES * 3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(entries, max_size=6).map(lambda docs: {"documents": docs}), values))
def test_any_manifest_gives_safe_entries_or_located_problems(tmp_path: Path, document: object) -> None:
    folder = tmp_path / "sources"
    folder.mkdir(exist_ok=True)
    (folder / "doc.pdf").write_bytes(PDF)
    path = _write(folder, document)
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:  # the whole file refused: it says which file
        assert str(path) in str(exc) or path.name in str(exc)
        return
    for entry in manifest.entries:
        assert isinstance(entry, Entry)
        assert "/" not in entry.key and "\\" not in entry.key and ".." not in entry.key and "\x00" not in entry.key
        assert 1990 <= entry.year <= 2100
        assert (entry.url is None) != (entry.path is None)
        if entry.path is not None:
            assert entry.path.resolve().is_relative_to(folder.resolve())
        if entry.url is not None:
            assert entry.url.split(":", 1)[0] in ("http", "https")
    for problem in manifest.problems:
        assert problem.line >= 1 and problem.message
        assert problem.year is None or 1990 <= problem.year <= 2100


# ---------------------------------------------------------------- HTTP servers

KNOWN_KINDS = {"http_status", "not_pdf", "empty_file", "too_large", "timeout", "connection", "fetch_policy"}

status_lines = st.one_of(
    st.sampled_from(
        [
            b"HTTP/1.1 200 OK",
            b"HTTP/1.1 302 Found",
            b"HTTP/1.1 500 Oops",
            b"HTTP/1.0 200 OK",
            b"HTTP/1.1 999 What",
            b"HTTP/9.9 200 OK",
            b"",
            b"garbage",
            b"HTTP/1.1 -1 X",
        ]
    ),
    st.binary(max_size=30),
)
headers = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"Content-Type: application/pdf",
                b"Content-Type: text/html",
                b"Content-Length: 0",
                b"Content-Length: -5",
                b"Content-Length: 99999999999999999999",
                b"Content-Length: abc",
                b"Content-Length: 10",
                b"Content-Length: 10, 20",
                b"Transfer-Encoding: chunked",
                b"Transfer-Encoding: gzip",
                b"Content-Encoding: gzip",
                b"Location: ftp://127.0.0.1/x",
                b"Location: http://10.0.0.1/x",
                b"Location: /doc",
                b"Location: ",
                b"Location: http://[::1",
                b"no colon here",
                b": empty name",
                b"X-Long: " + b"a" * 70000,
            ]
        ),
        st.binary(max_size=40),
    ),
    max_size=6,
)
bodies = st.one_of(
    st.just(PDF),
    st.sampled_from([b"", b"<html>404</html>", b"0\r\n\r\n", b"zz\r\nxx\r\n", b"5\r\n%PDF-\r\n0\r\n\r\n"]),
    st.binary(max_size=200),
    st.binary(max_size=50).map(lambda b: PDF + b),
)


@settings(max_examples=N_CASES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=status_lines, head=headers, body=bodies)
def test_any_server_answer_gives_a_pdf_or_a_typed_error(
    tmp_path: Path, status: bytes, head: list[bytes], body: bytes
) -> None:
    limits = Limits(http_timeout=0.3, http_retries=0, http_deadline=1.0, max_bytes=100_000, max_redirects=2)
    raw = b"\r\n".join([status, *head]) + b"\r\n\r\n" + body
    with serve() as srv:
        srv.add("/doc", mode="raw", body=raw)
        srv.add("/doc.pdf", mode="raw", body=raw)
        entry = Entry("广州市科学技术局", 2023, srv.url("/doc.pdf"), None, None, None, Path("m.yaml"), 1)
        t0 = time.monotonic()
        try:
            got = fetch(entry, Landing(tmp_path / "landing"), limits)
        except FetchError as exc:
            assert exc.kind in KNOWN_KINDS, exc.kind
            assert exc.message and "\n" not in exc.message
        else:
            assert b"%PDF-" in got.path.read_bytes()[:1024]  # where a reader looks for the header
        # two requests at most (a redirect to /doc, then its answer), each within the deadline
        assert time.monotonic() - t0 < 2 * limits.http_deadline + 2
