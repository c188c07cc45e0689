"""``jixiao load``: the whole load in this process, with progress and a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..settings import load_settings
from ..textable import pad, render, truncate
from ..warehouse.dbt import docs_folder
from .lock import DataFolderBusy
from .pipeline import DocumentOutcome, LoadResult, run

EXIT_OK = 0
EXIT_SOME_FAILED = 1  # the warehouse was published without the failed documents
EXIT_NOT_PUBLISHED = 2  # the warehouse could not be built; the published one is unchanged


class Printer:
    """Progress on stderr (one line per document), so stdout keeps the summary."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if self.quiet:
            return
        if event == "start":
            print(f"loading {data['documents']} documents", file=sys.stderr, flush=True)
        elif event == "document":
            o: DocumentOutcome = data["outcome"]
            width = len(str(data["total"]))
            head = f"[{data['index']:>{width}}/{data['total']}] {pad(truncate(o.key, 36), 36)}"
            if o.status == "loaded":
                secs = sum(o.timings.values())
                note = "" if o.reconciled else "  (totals do not reconcile)"
                tail = f"loaded     {o.rows:>4} rows {o.indicators:>4} indicators  {secs:5.1f} s{note}"
            elif o.status == "unchanged":
                tail = "unchanged  (same document, already parsed)"
            else:
                tail = f"FAILED     {o.stage}: {o.kind}"
            print(f"{head}  {tail}", file=sys.stderr, flush=True)
        elif event == "warehouse":
            step = {
                "staging": f"building the warehouse from {data.get('documents', 0)} documents",
                "dbt": "running dbt build",
                "docs": "writing the documentation site (dbt docs)",
                "publish": "publishing",
            }[data["step"]]
            print(f"warehouse: {step}…", file=sys.stderr, flush=True)


def run_load(args: argparse.Namespace) -> int:
    settings = load_settings().with_paths(
        data_dir=Path(args.data_dir) if args.data_dir else None,
        warehouse=Path(args.warehouse) if args.warehouse else None,
    )
    manifests = [Path(m) for m in args.manifest] if args.manifest else settings.default_manifests
    try:
        result = run(
            manifests,
            settings,
            progress=Printer(args.quiet),
            force=getattr(args, "force", False),
            rebuild=getattr(args, "rebuild", False),
            wait=float(getattr(args, "wait", 0) or 0),
        )
    except DataFolderBusy as exc:
        print(f"jixiao: error: {exc}", file=sys.stderr)
        return EXIT_NOT_PUBLISHED
    print(summary(result, manifests))
    if result.warehouse is None or result.warehouse.status == "failed":
        return EXIT_NOT_PUBLISHED
    return EXIT_SOME_FAILED if result.failed or result.problems or result.manifest_errors else EXIT_OK


def summary(result: LoadResult, manifests: list[Path]) -> str:
    docs = result.documents
    loaded = [d for d in docs if d.status == "loaded"]
    unchanged = [d for d in docs if d.status == "unchanged"]
    lines = [
        "",
        f"jixiao load: {', '.join(str(m) for m in manifests)}",
        f"  documents  {len(loaded)} loaded, {len(unchanged)} unchanged, {len(result.failed)} failed"
        + (
            f", {len(result.problems) + len(result.manifest_errors)} manifest entries refused"
            if result.problems or result.manifest_errors
            else ""
        ),
    ]
    for d in result.failed:
        lines.append(f"    ✗ {d.key} ({d.stage}, {d.kind}): {d.message}")
    for p in result.problems:
        lines.append(f"    ✗ {p}")
    for m in result.manifest_errors:
        lines.append(f"    ✗ {m}")
    wh = result.warehouse
    if wh is not None:
        if wh.status == "unchanged":
            lines.append(f"  warehouse  unchanged (nothing new to load): {wh.path}")
        elif wh.status == "failed":
            lines.append(f"  warehouse  NOT published — {wh.message}")
        else:
            c = wh.counts
            n = len(wh.changed)
            how = "built from nothing" if wh.full else f"{n} document{'s' if n != 1 else ''} changed"
            lines.append(f"  warehouse  published {wh.path} ({how})")
            if wh.message:  # published, with a warning (no documentation site)
                lines.append(f"    ! {wh.message}")
            else:
                lines.append(f"  docs       {docs_folder(wh.path) / 'index.html'}")
            lines.append(
                f"  rows       {c.get('raw_funding_rows', 0)} funding rows, "
                f"{c.get('raw_indicators', 0)} indicators from {c.get('raw_documents', 0)} documents"
            )
        if wh.dbt is not None:
            t = wh.dbt
            lines.append(
                f"  checks     {len(t.tests)} dbt tests: {t.count('pass')} pass, {t.count('warn')} warn, "
                f"{t.count('fail') + t.count('error')} fail"
            )
            for test in [x for x in t.tests if x.status in ("warn", "fail", "error")][:8]:
                lines.append(f"    ! {test.status}: {test.name} ({test.failures} rows)")
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in (wh.timings if wh else {}).items())
    lines.append(f"  time       {result.seconds:.1f} s" + (f" ({timing})" if timing else ""))
    if wh is not None and wh.status in ("built", "unchanged") and wh.path.exists():
        lines += ["", *largest_changes(wh.path)]
    return "\n".join(lines)


def largest_changes(warehouse: Path, n: int = 5) -> list[str]:
    """The five largest year-over-year funding changes of projects (万元)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """
            select department_name, project_name, prev_year, budget_year, prev_amount_wan, amount_wan,
                   change_wan, change_pct, status
            from mart_project_funding_yoy
            where status in ('continued', 'new', 'dropped')
            order by abs(change_wan) desc, department_name, project_name
            limit ?
            """,
            [n],
        ).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    if not rows:
        return ["No year-over-year changes yet (each department has a single year)."]
    table = render(
        ["department", "project", "years", "before", "after", "change", "%", "status"],
        [
            [
                truncate(r[0], 16),
                truncate(r[1] or "", 24),
                f"{r[2]}→{r[3]}",
                _num(r[4]),
                _num(r[5]),
                _num(r[6], sign=True),
                "" if r[7] is None else f"{r[7]:+.1f}",
                r[8],
            ]
            for r in rows
        ],
        right=[3, 4, 5, 6],
    )
    return ["Largest year-over-year funding changes (万元):", table]


def _num(v: Any, sign: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:+,.2f}" if sign else f"{v:,.2f}"
