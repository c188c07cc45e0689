"""Running the parser on one document in a child process, under a time limit.

A hostile or broken PDF can make a PDF library spin or crash; in a child process that
costs one document, never the load. Children are forked from a clean fork server that
has the parser imported already, so starting one is cheap and safe beside threads.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..parser.errors import ParseError, ParserCrashError, ParseTimeoutError, error_from_kind

_CTX: Any = None


def _context() -> Any:
    global _CTX
    if _CTX is None:
        main_file = getattr(sys.modules.get("__main__"), "__file__", None)
        if not (sys.platform.startswith("linux") or sys.platform == "darwin"):  # pragma: no cover - Windows
            _CTX = mp.get_context("spawn")
        elif main_file is None or not Path(main_file).exists():
            # an interactive or piped __main__ cannot be re-imported by a fork server
            _CTX = mp.get_context("fork")
        else:
            _CTX = mp.get_context("forkserver")
            _CTX.set_forkserver_preload(["jixiao.parser"])
    return _CTX


def _child(conn: Connection, path: str, year: int | None, max_pages: int, max_bytes: int) -> None:
    try:
        from ..parser import parse_pdf

        result = [e.to_dict() for e in parse_pdf(path, year=year, max_pages=max_pages, max_bytes=max_bytes)]
        conn.send(("ok", result))
    except ParseError as exc:
        conn.send(("error", (exc.kind, exc.message, exc.page)))
    except Exception as exc:  # a bug in the parser: reported, not raised
        conn.send(("error", ("parser_crash", f"{exc.__class__.__name__}: {exc}", None)))
    finally:
        conn.close()


def parse_isolated(
    path: Path, *, year: int | None, seconds: float, max_pages: int, max_bytes: int, source: str | None = None
) -> list[dict[str, Any]]:
    """Parse ``path`` in a child process; returns the extractions as JSON-able dicts.

    Raises the parser's typed errors, :class:`ParseTimeoutError` when the time runs
    out (the child is killed) and :class:`ParserCrashError` when the child dies.
    """
    name = source or str(path)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, str(path), year, max_pages, max_bytes), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ParseTimeoutError(f"parsing took longer than {seconds:g} s; stopped", source=name)
        status, payload = receiver.recv()
    except EOFError as exc:
        proc.join(5)
        raise ParserCrashError(f"the parser process died (exit code {proc.exitcode})", source=name) from exc
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receiver.close()
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    kind, message, page = payload
    raise error_from_kind(kind, message, source=name, page=page)
