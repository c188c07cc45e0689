"""The ``jixiao`` command.

``jixiao parse`` imports only the parsing library, so that it starts fast; the load,
report and export commands import the warehouse and Dagster code when they run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .report.text import LANGUAGES

EXIT_OK = 0
EXIT_INPUT = 2  # the input was refused (a ParseError): one line on stderr says why
EXIT_INTERNAL = 3  # a bug: one line on stderr, the traceback with --debug


def _parse_command(args: argparse.Namespace) -> int:
    from .parser import parse_pdf
    from .parser.page_pool import default_jobs

    jobs = args.jobs if args.jobs is not None else default_jobs()
    extractions = parse_pdf(args.file, year=args.year, max_pages=args.max_pages, reader=args.reader, jobs=jobs)
    if len(extractions) > 1 and args.single:
        from .parser import MultipleTablesError

        names = ", ".join(e.document.department or "?" for e in extractions)
        raise MultipleTablesError(
            f"the file holds {len(extractions)} departments' tables ({names}); drop --single to get them all",
            source=args.file,
        )
    if args.format == "json":
        docs = [e.to_dict() for e in extractions]
        payload: Any = docs[0] if len(docs) == 1 else docs
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=args.indent)
        sys.stdout.write("\n")
    else:
        from .parse_report import render_extraction

        sys.stdout.write("\n\n".join(render_extraction(e) for e in extractions) + "\n")
    return EXIT_OK


def _load_command(args: argparse.Namespace) -> int:
    from .load.cli import run_load

    return run_load(args)


def _report_command(args: argparse.Namespace) -> int:
    from .report.cli import run_report

    return run_report(args)


def _export_command(args: argparse.Namespace) -> int:
    from .export import run_export

    return run_export(args)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="jixiao",
        description="Budget performance targets (项目支出绩效目标表) from published PDFs into DuckDB.",
    )
    from . import __version__
    from .parser import DEFAULT_READER, PARSER_VERSION, READERS

    ap.add_argument(
        "--version", action="version", version=f"jixiao {__version__} (parser {PARSER_VERSION})"
    )
    ap.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, details: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=f"{summary}. {details}")

    p = command(
        "parse",
        "extract the performance tables of one PDF",
        "Prints every 项目支出绩效目标表 and 部门整体支出绩效目标表 of the file as JSON (the extraction "
        "contract, docs/extraction.md) or as text tables. Nothing is written; exit 2 with one line when "
        "the file is refused.",
    )
    p.add_argument("file", help="a budget PDF (a full 部门预算 or the table alone)")
    p.add_argument(
        "--format",
        choices=("json", "table"),
        default="json",
        help="json: the extraction as records (default); table: the rows and indicators as text tables",
    )
    p.add_argument("--year", type=int, help="the budget year, overriding what the document says")
    p.add_argument("--single", action="store_true", help="fail if the file holds more than one table")
    p.add_argument("--max-pages", type=int, default=2000, help="refuse documents longer than this")
    p.add_argument("--indent", type=int, default=1, help="JSON indent (0 for one line per document)")
    p.add_argument(
        "--reader",
        choices=READERS,
        default=DEFAULT_READER,
        help=f"the engine reading the pages (default: {DEFAULT_READER}); every reader gives the same output",
    )
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes reading the pages of a long document in parallel (default: the cores available)",
    )
    p.set_defaults(func=_parse_command)

    lo = command(
        "load",
        "load the documents of manifests into the warehouse",
        "Fetches, parses and stages every listed document (unchanged ones are skipped), builds the "
        "warehouse with dbt and publishes it in one rename. Exit 0: all loaded; 1: published without "
        "the documents listed as failed; 2: not published (the published warehouse is unchanged).",
    )
    lo.add_argument(
        "--manifest",
        action="append",
        metavar="YAML",
        help="a manifest (repeatable); default: sources/samples.yaml and sources/real.yaml",
    )
    lo.add_argument("--warehouse", help="the DuckDB file to publish (default: data/warehouse.duckdb)")
    lo.add_argument("--data-dir", help="landing and staging folder (default: data/)")
    lo.add_argument("--quiet", action="store_true", help="no progress, only the summary")
    lo.add_argument(
        "--force", action="store_true", help="read every file again, parse and rebuild even what has not changed"
    )
    lo.add_argument(
        "--rebuild",
        action="store_true",
        help="build the warehouse from nothing from the staged documents, parsing only what changed "
        "(after a build you doubt, or for a compact file: the next load grows it again)",
    )
    lo.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="if another load holds the data folder, wait this long for it (default: refuse at once)",
    )
    lo.set_defaults(func=_load_command)

    r = command(
        "report",
        "write a self-contained HTML report for one department",
        "Funding by year, projects new, dropped and renamed, and indicator targets tightened or loosened, "
        "from the published warehouse.",
    )
    r.add_argument("--department", required=True, help="the department's name as in dim_department (or an alias)")
    r.add_argument("--years", metavar="FIRST-LAST", help="a range such as 2023-2026 (default: every year loaded)")
    r.add_argument("--out", metavar="HTML", help="the file to write (default: reports/<department>_<years>.html)")
    r.add_argument("--warehouse", metavar="DUCKDB", help="the warehouse to read (default: data/warehouse.duckdb)")
    r.add_argument("--lang", choices=LANGUAGES, default="zh", help="the report's language (default: zh, Chinese)")
    r.set_defaults(func=_report_command)

    e = command(
        "export",
        "write every dimension, fact and mart as Parquet or CSV, with a Fiscal Data Package",
        "One file per table, plus fiscal/project_funding.csv and datapackage.json describing it.",
    )
    e.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="file format (default: parquet)"
    )
    e.add_argument("--out", metavar="FOLDER", help="the folder to write (default: export/)")
    e.add_argument("--warehouse", metavar="DUCKDB", help="the warehouse to read (default: data/warehouse.duckdb)")
    e.set_defaults(func=_export_command)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .parser.errors import ParseError
    from .settings import SettingsError

    try:
        return int(args.func(args))
    except ParseError as exc:
        print(f"jixiao: error: {exc.describe()}", file=sys.stderr)
        return EXIT_INPUT
    except SettingsError as exc:
        print(f"jixiao: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("jixiao: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if getattr(args, "debug", False):
            raise
        print(f"jixiao: internal error: {exc.__class__.__name__}: {exc} (rerun with --debug)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
