"""Fetching a manifest entry: over HTTP(S) with timeouts, retries with backoff and a
size limit, or from a local path; either way the body must really be a PDF. The result
lands in the content-addressed landing folder."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..parser.document import PDF_MAGIC
from ..settings import Limits
from .landing import Landing, _Hasher
from .manifest import Entry

USER_AGENT = "jixiao/0.1 (+budget performance targets loader)"
CHUNK = 64 * 1024


class FetchError(Exception):
    """A document could not be fetched. ``kind`` is recorded in the load-errors table."""

    def __init__(self, kind: str, message: str, *, retriable: bool = False) -> None:
        self.kind, self.message, self.retriable = kind, message, retriable
        super().__init__(f"{message} [{kind}]")


@dataclass(frozen=True)
class Fetched:
    key: str
    location: str
    sha256: str
    path: Path
    size: int
    fetched_at: str


def fetch(entry: Entry, landing: Landing, limits: Limits, *, sleep=time.sleep) -> Fetched:  # type: ignore[no-untyped-def]
    """Fetch ``entry`` into ``landing``; raises :class:`FetchError`."""
    if entry.url is not None:
        hasher = _download(entry.url, landing, limits, sleep)
    else:
        assert entry.path is not None
        hasher = _copy(entry.path, landing, limits)
    sha = hasher.hexdigest()
    if hasher.size == 0:
        assert hasher.tmp is not None
        hasher.tmp.unlink(missing_ok=True)
        raise FetchError("empty_file", f"{entry.location} is empty (0 bytes)")
    if PDF_MAGIC not in hasher.head:
        assert hasher.tmp is not None
        hasher.tmp.unlink(missing_ok=True)
        raise FetchError("not_pdf", f"{entry.location} is not a PDF ({_describe(hasher.head)})")
    if entry.sha256 and sha != entry.sha256:
        assert hasher.tmp is not None
        hasher.tmp.unlink(missing_ok=True)
        raise FetchError(
            "checksum_mismatch", f"{entry.location} has sha256 {sha[:12]}…, the manifest expects {entry.sha256[:12]}…"
        )
    path = landing.commit(hasher)
    at = landing.record(entry.key, entry.location, sha, hasher.size)
    return Fetched(entry.key, entry.location, sha, path, hasher.size, at)


def _describe(head: bytes) -> str:
    h = head.lstrip()[:200].lower()
    if not h:
        return "it is empty"
    if h.startswith((b"<!doctype html", b"<html")) or b"<html" in h:
        return "an HTML page"
    return "its first bytes are not %PDF-"


def _copy(path: Path, landing: Landing, limits: Limits) -> _Hasher:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise FetchError("missing_file", f"{path} does not exist") from exc
    if not path.is_file():
        raise FetchError("missing_file", f"{path} is not a file")
    if size > limits.max_bytes:
        raise FetchError("too_large", f"{path} is {size:,} bytes, over the limit of {limits.max_bytes:,}")
    with path.open("rb") as src, landing.writer() as (dst, hasher):
        _pump(src, dst, hasher, limits, str(path), deadline=None)
    return hasher


def _pump(src: IO[bytes], dst: IO[bytes], hasher: _Hasher, limits: Limits, what: str, deadline: float | None) -> None:
    while True:
        chunk = src.read(CHUNK)
        if not chunk:
            return
        if hasher.size + len(chunk) > limits.max_bytes:
            raise FetchError("too_large", f"{what} is larger than the limit of {limits.max_bytes:,} bytes")
        if deadline is not None and time.monotonic() > deadline:
            raise FetchError(
                "timeout", f"{what} took longer than {deadline_total(limits):.0f} s to arrive", retriable=True
            )
        hasher.update(chunk)
        dst.write(chunk)


def deadline_total(limits: Limits) -> float:
    return limits.http_timeout * 4


def _download(url: str, landing: Landing, limits: Limits, sleep) -> _Hasher:  # type: ignore[no-untyped-def]
    attempts = limits.http_retries + 1
    last: FetchError | None = None
    for attempt in range(attempts):
        if attempt:
            sleep(limits.http_backoff * 2 ** (attempt - 1))
        try:
            return _download_once(url, landing, limits)
        except FetchError as exc:
            last = exc
            if not exc.retriable:
                raise
    assert last is not None
    raise FetchError(last.kind, f"{last.message} (after {attempts} attempts)")


def _download_once(url: str, landing: Landing, limits: Limits) -> _Hasher:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/pdf,*/*"})
    deadline = time.monotonic() + deadline_total(limits)
    try:
        with urllib.request.urlopen(request, timeout=limits.http_timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limits.max_bytes:
                raise FetchError("too_large", f"{url} is {int(length):,} bytes, over the limit of {limits.max_bytes:,}")
            with landing.writer() as (dst, hasher):
                _pump(response, dst, hasher, limits, url, deadline)
            if length and length.isdigit() and hasher.size != int(length):
                assert hasher.tmp is not None
                hasher.tmp.unlink(missing_ok=True)
                raise FetchError(
                    "connection",
                    f"{url}: the body stopped after {hasher.size:,} of {int(length):,} bytes",
                    retriable=True,
                )
            return hasher
    except urllib.error.HTTPError as exc:
        retriable = exc.code >= 500 or exc.code in (408, 429)
        raise FetchError("http_status", f"{url} answered HTTP {exc.code} {exc.reason}", retriable=retriable) from exc
    except TimeoutError as exc:
        raise FetchError("timeout", f"{url} did not answer within {limits.http_timeout:.0f} s", retriable=True) from exc
    except (http.client.IncompleteRead, ConnectionError, http.client.HTTPException) as exc:
        raise FetchError(
            "connection", f"{url}: the connection broke while reading ({exc.__class__.__name__})", retriable=True
        ) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(
                "timeout", f"{url} did not answer within {limits.http_timeout:.0f} s", retriable=True
            ) from exc
        raise FetchError("connection", f"{url} cannot be reached ({reason})", retriable=True) from exc
