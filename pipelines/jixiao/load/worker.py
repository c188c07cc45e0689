"""Running the parser in separate processes, under a time limit.

A hostile or broken PDF can make a PDF library spin or crash; in a worker process that
costs one document, never the load. Workers are fresh interpreters
(``python -m jixiao.load.parse_worker``) that stay up for many documents; a worker that
runs over its time is killed and replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from ..parser.errors import LimitExceededError, ParserCrashError, ParseTimeoutError, error_from_kind

#: Signals a process dies of when it runs out of memory (an allocation that fails in C code
#: aborts; the kernel's OOM killer kills) or of CPU time (SIGXCPU).
_MEMORY_DEATHS = {signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS}


class _Worker:
    def __init__(self, memory_bytes: int = 0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jixiao.load.parse_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "JIXIAO_WORKER_MEMORY": str(memory_bytes)},
        )
        self.memory_bytes = memory_bytes
        self.peak_rss = 0  # the largest resident size seen while it worked
        self._buffer = b""

    def request(self, payload: dict[str, Any], seconds: float) -> dict[str, Any]:
        """Send one request; the answer, or TimeoutError / EOFError."""
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write((json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8"))
            stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise EOFError("the parser process is gone") from exc
        line = self._read_line(stdout, time.monotonic() + seconds)
        return json.loads(line)

    def _read_line(self, stream: IO[bytes], deadline: float) -> bytes:
        fd = stream.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                if not sel.select(min(left, 0.2)):
                    self._sample()
                    continue
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise EOFError("the parser process died")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _sample(self) -> None:
        """Note the worker's resident size (to tell a death from memory from a crash)."""
        try:
            with open(f"/proc/{self.proc.pid}/statm", "rb") as fh:
                rss = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return
        self.peak_rss = max(self.peak_rss, rss)

    def death(self) -> str:
        """Why a worker that stopped answering died: memory, cpu, or crash."""
        code = self.proc.returncode
        if code is None:
            return "crash"
        if code == -signal.SIGXCPU:
            return "cpu"
        if self.memory_bytes and (
            (code < 0 and -code in _MEMORY_DEATHS and self.peak_rss > self.memory_bytes // 3)
            or (code == -signal.SIGABRT)
        ):
            return "memory"
        return "crash"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)

    def stop(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.kill()


class ParserPool:
    """Up to ``size`` parser processes, shared by the threads of one load."""

    def __init__(
        self, size: int = 1, *, memory_bytes: int = 0, cpu_seconds: float = 0, reader: str | None = None
    ) -> None:
        self.size = max(1, size)
        self.memory_bytes = memory_bytes
        self.cpu_seconds = cpu_seconds
        self.reader = reader  # None: the parser's default
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._started = 0
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(self.size)

    def __enter__(self) -> ParserPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                self._started += 1
            return _Worker(self.memory_bytes)

    def parse(
        self, path: Path, *, year: int | None, seconds: float, max_pages: int, max_bytes: int, source: str | None = None
    ) -> list[dict[str, Any]]:
        """Parse ``path`` in a worker; returns the extractions as JSON-able dicts.

        Raises the parser's typed errors, :class:`ParseTimeoutError` when the time runs
        out (the worker is killed) and :class:`ParserCrashError` when the worker dies.
        """
        name = source or str(path)
        payload = {
            "path": str(path),
            "year": year,
            "max_pages": max_pages,
            "max_bytes": max_bytes,
            "cpu_seconds": self.cpu_seconds or None,
            "reader": self.reader,
        }
        with self._slots:
            worker = self._take()
            try:
                answer = worker.request(payload, seconds)
            except TimeoutError:
                worker.kill()
                raise ParseTimeoutError(f"parsing took longer than {seconds:g} s; stopped", source=name) from None
            except EOFError as exc:
                worker.kill()
                why = worker.death()
                if why == "memory":
                    raise LimitExceededError(
                        f"the parser ran out of its memory limit of {self.memory_bytes / 2**20:,.0f} MiB"
                        " (a decompression bomb?); stopped",
                        source=name,
                    ) from exc
                if why == "cpu":
                    raise LimitExceededError(
                        f"parsing used more than {self.cpu_seconds:g} s of CPU time; stopped", source=name
                    ) from exc
                raise ParserCrashError(
                    f"the parser process died (exit code {worker.proc.returncode})", source=name
                ) from exc
            self._idle.put(worker)
        if "ok" in answer:
            return answer["ok"]
        kind, message, page = answer["error"]
        raise error_from_kind(kind, message, source=name, page=page)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return


def parse_isolated(
    path: Path,
    *,
    year: int | None,
    seconds: float,
    max_pages: int,
    max_bytes: int,
    source: str | None = None,
    memory_bytes: int = 0,
    cpu_seconds: float = 0,
    reader: str | None = None,
) -> list[dict[str, Any]]:
    """Parse one document in a worker process of its own."""
    with ParserPool(1, memory_bytes=memory_bytes, cpu_seconds=cpu_seconds, reader=reader) as pool:
        return pool.parse(path, year=year, seconds=seconds, max_pages=max_pages, max_bytes=max_bytes, source=source)
