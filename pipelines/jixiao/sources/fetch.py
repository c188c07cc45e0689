"""Fetching a manifest entry: over HTTP(S) with timeouts, retries with backoff and a
size limit, or from a local path; either way the body must really be a PDF. The result
lands in the content-addressed landing folder."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..parser.document import PDF_MAGIC
from ..settings import Limits
from .landing import Landing, _Hasher, file_state
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


def fetch(
    entry: Entry,
    landing: Landing,
    limits: Limits,
    *,
    sleep: Callable[[float], None] = time.sleep,
    reread: bool = False,
) -> Fetched:
    """Fetch ``entry`` into ``landing``; raises :class:`FetchError`.

    A local file untouched since its last fetch (:func:`landed_unchanged`) is not read
    again, unless ``reread``: a load of 10,000 listed files then reads only the new ones."""
    source: list[int] | None = None
    if entry.url is not None:
        hasher = _download(entry.url, landing, limits, sleep)
    else:
        assert entry.path is not None
        if not reread and (landed := landed_unchanged(entry, landing)) is not None:
            return landed
        with contextlib.suppress(OSError):
            source = file_state(entry.path.stat())
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
    at = landing.record(entry.key, entry.location, sha, hasher.size, source)
    return Fetched(entry.key, entry.location, sha, path, hasher.size, at)


def landed_unchanged(entry: Entry, landing: Landing) -> Fetched | None:
    """The last fetch of a local file untouched since then (:meth:`Landing.unchanged`: the same
    size, inode and times, its copy still landed, the manifest's checksum if it gives one):
    what fetching it again would give, found without reading it. None: fetch it."""
    if entry.path is None:
        return None
    try:
        source = file_state(entry.path.stat())
    except OSError:
        return None
    found = landing.unchanged(entry.key, entry.location, source)
    if found is None or (entry.sha256 and found["sha256"] != entry.sha256):
        return None
    return _from_pointer(entry.key, found, landing)


def last_fetched(key: str, landing: Landing) -> Fetched | None:
    """The document's last fetch, from the landing folder (None if it never landed)."""
    found = landing.last_fetched(key)
    return None if found is None else _from_pointer(key, found, landing)


def _from_pointer(key: str, found: dict[str, object], landing: Landing) -> Fetched:
    sha = str(found["sha256"])
    return Fetched(key, str(found["location"]), sha, landing.path_for(sha), int(str(found["bytes"])),
                   str(found["fetched_at"]))


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
    read = getattr(src, "read1", src.read)  # what has arrived, not a full chunk: a slow body meets the deadline
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise FetchError(
                "timeout", f"{what} took longer than {deadline_total(limits):.0f} s to arrive", retriable=True
            )
        chunk = read(CHUNK)
        if not chunk:
            if deadline is not None and time.monotonic() > deadline:  # the watchdog closed it
                raise FetchError(
                    "timeout", f"{what} took longer than {deadline_total(limits):.0f} s to arrive", retriable=True
                )
            return
        if hasher.size + len(chunk) > limits.max_bytes:
            raise FetchError("too_large", f"{what} is larger than the limit of {limits.max_bytes:,} bytes")
        hasher.update(chunk)
        dst.write(chunk)


def deadline_total(limits: Limits) -> float:
    """How long a whole download (every hop, headers and body) may take."""
    return min(limits.http_deadline, limits.http_timeout * 4)


def _download(url: str, landing: Landing, limits: Limits, sleep: Callable[[float], None]) -> _Hasher:
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
    if attempts == 1:
        raise last
    raise FetchError(last.kind, f"{last.message} (after {attempts} attempts)", retriable=True)


# ---------------------------------------------------------------- fetch policy


def _is_private(host: str) -> bool:
    """A loopback, private, link-local or otherwise internal address (or a name that
    resolves to one)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        try:
            ip = ipaddress.ip_address(info[4][0])
        except ValueError:
            continue
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return True
    return False


def check_hop(url: str, limits: Limits, *, first: str | None = None) -> urllib.parse.SplitResult:
    """The fetch policy, for the first URL and every redirect: http or https only, a host
    the policy allows, and no redirect from a public host to an internal one."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in limits.schemes:
        where = f"a redirect from {first} to {url}" if first else url
        raise FetchError(
            "fetch_policy", f"{where}: scheme {scheme or '(none)'!r} is not allowed (only {', '.join(limits.schemes)})"
        )
    host = (parts.hostname or "").lower()
    if not host:
        raise FetchError("fetch_policy", f"{url} has no host")
    if limits.allowed_hosts and not any(host == h or host.endswith("." + h) for h in limits.allowed_hosts):
        where = f"a redirect from {first} to {url}" if first else url
        raise FetchError("fetch_policy", f"{where}: host {host} is not among the allowed hosts")
    if first is not None:
        origin = (urllib.parse.urlsplit(first).hostname or "").lower()
        if origin != host and _is_private(host) and not _is_private(origin):
            raise FetchError("fetch_policy", f"a redirect from {first} to {url}: an internal address is not allowed")
    return parts


class _Watchdog:
    """Shuts the connection down when the download's deadline passes, whatever it is
    blocked on (a server that sends its headers, or its body, a byte at a time)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._conn = conn
            if self.fired:
                self._shut(conn)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._conn is not None:
                self._shut(self._conn)

    @staticmethod
    def _shut(conn: http.client.HTTPConnection) -> None:
        sock = conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _connect(parts: urllib.parse.SplitResult, limits: Limits) -> http.client.HTTPConnection:
    host, port = parts.hostname or "", parts.port
    if parts.scheme.lower() == "https":
        return http.client.HTTPSConnection(
            host, port, timeout=limits.http_timeout, context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(host, port, timeout=limits.http_timeout)


def _download_once(url: str, landing: Landing, limits: Limits) -> _Hasher:
    deadline = time.monotonic() + deadline_total(limits)
    watchdog = _Watchdog(deadline)
    current, hops = url, 0
    try:
        while True:
            parts = check_hop(current, limits, first=url if current != url else None)
            conn = _connect(parts, limits)
            try:
                conn.connect()
                watchdog.watch(conn)
                target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
                conn.request(
                    "GET",
                    target,
                    headers={"User-Agent": USER_AGENT, "Accept": "application/pdf,*/*", "Connection": "close"},
                )
                response = conn.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location")
                    if not location:
                        raise FetchError("http_status", f"{current} answered HTTP {response.status} without a Location")
                    hops += 1
                    if hops > limits.max_redirects:
                        raise FetchError("fetch_policy", f"{url}: more than {limits.max_redirects} redirects")
                    current = urllib.parse.urljoin(current, location)
                    continue
                if response.status >= 400:
                    retriable = response.status >= 500 or response.status in (408, 429)
                    raise FetchError(
                        "http_status", f"{url} answered HTTP {response.status} {response.reason}", retriable=retriable
                    )
                return _receive(response, url, landing, limits, deadline)
            finally:
                conn.close()
    except FetchError:
        raise
    except TimeoutError as exc:
        if watchdog.fired:
            raise FetchError(
                "timeout", f"{url} took longer than {deadline_total(limits):.0f} s to arrive", retriable=True
            ) from exc
        raise FetchError("timeout", f"{url} did not answer within {limits.http_timeout:.0f} s", retriable=True) from exc
    except (http.client.IncompleteRead, ConnectionError, http.client.HTTPException, OSError) as exc:
        if watchdog.fired:
            raise FetchError(
                "timeout", f"{url} took longer than {deadline_total(limits):.0f} s to arrive", retriable=True
            ) from exc
        if isinstance(exc, (http.client.IncompleteRead, http.client.HTTPException, ConnectionResetError)):
            raise FetchError(
                "connection", f"{url}: the connection broke while reading ({exc.__class__.__name__})", retriable=True
            ) from exc
        raise FetchError("connection", f"{url} cannot be reached ({exc})", retriable=True) from exc
    finally:
        watchdog.cancel()


def _receive(
    response: http.client.HTTPResponse, url: str, landing: Landing, limits: Limits, deadline: float
) -> _Hasher:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limits.max_bytes:
        raise FetchError("too_large", f"{url} is {int(length):,} bytes, over the limit of {limits.max_bytes:,}")
    with landing.writer() as (dst, hasher):
        _pump(response, dst, hasher, limits, url, deadline)
    if length and length.isdigit() and hasher.size != int(length):
        assert hasher.tmp is not None
        hasher.tmp.unlink(missing_ok=True)
        raise FetchError(
            "connection", f"{url}: the body stopped after {hasher.size:,} of {int(length):,} bytes", retriable=True
        )
    return hasher
