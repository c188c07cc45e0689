"""A parser process: reads one JSON request per line on stdin, answers one JSON line on
stdout (``{"ok": [extraction, …]}`` or ``{"error": [kind, message, page]}``).

Started by :class:`jixiao.load.worker.ParserPool` as ``python -m jixiao.load.parse_worker``:
a fresh interpreter, so that nothing of the parent (threads, its main script) comes along.

Pages are read one after the other (``jobs=1``): the loader keeps one worker per core and
parses documents side by side, and a worker reading pages in parallel would oversubscribe
them. The operating system bounds what one document may cost: the process's address space
(``JIXIAO_WORKER_MEMORY`` bytes; a decompression bomb fails to allocate instead of taking the
machine) and, for each request, its CPU time (``cpu_seconds``: the kernel stops the process
with SIGXCPU). The parent reports either as ``limit_exceeded``.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def _limit_memory() -> None:
    limit = int(os.environ.get("JIXIAO_WORKER_MEMORY", "0") or 0)
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _limit_cpu(seconds: float | None) -> None:
    """CPU time for the next request: what the process has used so far, plus ``seconds``."""
    if not seconds:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = int(used + seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def serve() -> int:
    from ..parser import DEFAULT_READER, parse_pdf
    from ..parser.errors import ParseError

    _limit_memory()
    out = sys.stdout
    sys.stdout = sys.stderr  # anything a library prints must not corrupt the answers
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        _limit_cpu(req.get("cpu_seconds"))
        try:
            result = [
                e.to_dict()
                for e in parse_pdf(
                    req["path"],
                    year=req.get("year"),
                    max_pages=req.get("max_pages"),
                    max_bytes=req.get("max_bytes"),
                    reader=req.get("reader") or DEFAULT_READER,
                )
            ]
            answer: dict[str, object] = {"ok": result}
        except ParseError as exc:
            answer = {"error": [exc.kind, exc.message, exc.page]}
        except MemoryError:
            limit = int(os.environ.get("JIXIAO_WORKER_MEMORY", "0") or 0)
            answer = {
                "error": [
                    "limit_exceeded",
                    f"the document needs more memory than the parser's limit of {limit / 2**20:,.0f} MiB"
                    " (a decompression bomb?)",
                    None,
                ]
            }
        except Exception as exc:  # a bug in the parser: reported, not raised
            answer = {"error": ["parser_crash", f"{exc.__class__.__name__}: {exc}", None]}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
