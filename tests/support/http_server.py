"""A local HTTP server on 127.0.0.1 for the fetch tests: it serves PDFs and misbehaves on
request (status codes, HTML, a body cut short, a reset connection, silence)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/pdf"
    #: fail this many times with ``fail_status`` before answering normally
    failures: int = 0
    fail_status: int = 500
    #: misbehaviour: "reset" (close mid-body), "short" (promise more than sent), "silent" (never
    #: answer), "redirect" (to ``location``), "trickle" (the body a byte at a time), "slow_headers"
    #: (a header line at a time)
    mode: str | None = None
    location: str = ""
    #: "raw": ``body`` is the whole answer (status line, headers and body) as bytes, then close
    #: seconds between two bytes (trickle) or two header lines (slow_headers)
    pace: float = 0.5
    hits: int = 0


@dataclass
class LocalServer:
    host: str
    port: int
    routes: dict[str, Route] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def add(self, path: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
        self.routes[path] = Route(**kwargs)
        return self.url(path)


def _handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:  # type: ignore[no-untyped-def]
            pass

        def do_GET(self) -> None:
            route = server.routes.get(self.path.split("?")[0])
            if route is None:
                self._send(404, b"<html><body>404 \xe9\xa1\xb5\xe9\x9d\xa2\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8</body></html>",
                           "text/html; charset=utf-8")
                return
            route.hits += 1
            if route.hits <= route.failures:
                self._send(route.fail_status, b"<html>temporarily unavailable</html>", "text/html")
                return
            if route.mode == "silent":
                time.sleep(30)
                return
            if route.mode == "raw":
                with contextlib.suppress(OSError):
                    self.wfile.write(route.body)
                    self.wfile.flush()
                self.close_connection = True
                return
            if route.mode == "redirect":
                self.send_response(route.status if route.status in (301, 302, 303, 307, 308) else 302)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.mode == "slow_headers":
                with contextlib.suppress(OSError):
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    for i in range(200):
                        self.wfile.write(f"X-Slow-{i}: {i}\r\n".encode())
                        self.wfile.flush()
                        time.sleep(route.pace)
                return
            if route.mode == "trickle":
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    for i in range(len(route.body)):
                        self.wfile.write(route.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(route.pace)
                return
            if route.mode in ("reset", "short"):
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body[: len(route.body) // 3])
                self.wfile.flush()
                if route.mode == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
                return
            self._send(route.status, route.body, route.content_type)

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(ConnectionError):  # the client may hang up (a size limit)
                self.wfile.write(body)

    return Handler


@contextmanager
def serve() -> Iterator[LocalServer]:
    state = LocalServer("127.0.0.1", 0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
