"""``jixiao report --department NAME [--years 2023-2026] [--out FILE.html]``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..parser.errors import ParseError
from ..settings import load_settings
from .data import ReportError, load_report, parse_years
from .page import render_report


class ReportFailed(ParseError):
    """Raised to the CLI as one clear line."""

    kind = "report"


def run_report(args: argparse.Namespace) -> int:
    settings = load_settings()
    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse
    try:
        data = load_report(warehouse, args.department, parse_years(args.years))
    except ReportError as exc:
        raise ReportFailed(str(exc), source="jixiao report") from exc
    span = f"{data.years[0]}-{data.years[-1]}"
    out = Path(args.out) if args.out else settings.root / "reports" / f"{_slug(data.department)}_{span}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(data, getattr(args, "lang", "zh")), encoding="utf-8")
    print(f"report written to {out.resolve()}")
    return 0


def _slug(name: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", name)
