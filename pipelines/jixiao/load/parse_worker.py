"""A parser process: reads one JSON request per line on stdin, answers one JSON line on
stdout (``{"ok": [extraction, …]}`` or ``{"error": [kind, message, page]}``).

Started by :class:`jixiao.load.worker.ParserPool` as ``python -m jixiao.load.parse_worker``:
a fresh interpreter, so that nothing of the parent (threads, its main script) comes along.
"""

from __future__ import annotations

import json
import sys


def serve() -> int:
    from ..parser import parse_pdf
    from ..parser.errors import ParseError

    out = sys.stdout
    sys.stdout = sys.stderr  # anything a library prints must not corrupt the answers
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            result = [
                e.to_dict()
                for e in parse_pdf(
                    req["path"], year=req.get("year"), max_pages=req.get("max_pages"), max_bytes=req.get("max_bytes")
                )
            ]
            answer: dict[str, object] = {"ok": result}
        except ParseError as exc:
            answer = {"error": [exc.kind, exc.message, exc.page]}
        except Exception as exc:  # a bug in the parser: reported, not raised
            answer = {"error": ["parser_crash", f"{exc.__class__.__name__}: {exc}", None]}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
