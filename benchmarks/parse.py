"""Speed and memory of ``jixiao parse``, as whole commands, against the PDFium floor.

* floor: ``_floor.py``, one process reading every page's characters with their boxes and
  every path object with pypdfium2 — what any parser reading the document with PDFium must
  at least do;
* ``jixiao parse`` with each page reader (``--reader pdfium``, the default, and
  ``--reader pdfplumber``), with the machine's cores (``--jobs`` left to its default);
* optionally ``--before DIR``: ``jixiao parse`` of another checkout's ``pipelines`` folder
  (the code before a change), run the same way.

For every real document with a target table (tests/fixtures/real), every document of the
generated corpus and a generated 200-page 部门预算, it prints the median wall time of the
runs, the ratio to the floor measured in the same run, and the peak memory of the command
(all its processes together, sampled every 20 ms). Targets with the PDFium reader, on the
real documents: ≤ 3× the floor (median), ≤ 4× (worst); ≤ 300 MB on the 200-page document.
The code measured is byte-compiled first, as an installed package is: an interpreter started
with PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start.

    .venv/bin/python benchmarks/parse.py [--runs 3] [--slow-runs 1] [--before ../main/pipelines]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

_MEASURE = r"""
import os, subprocess, sys, time
PAGE = os.sysconf("SC_PAGE_SIZE")

def tree(pid):
    out = [pid]
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as fh:
            for child in fh.read().split():
                out += tree(int(child))
    return out

def rss(pid):
    total = 0
    try:
        pids = tree(pid)
    except OSError:
        return 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total

t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = 0
while proc.poll() is None:
    peak = max(peak, rss(proc.pid))
    time.sleep(0.02)
dt = time.perf_counter() - t
print(dt, peak, proc.returncode)
"""


@dataclass
class Result:
    seconds: float
    peak_mb: float
    code: int


def measure(cmd: list[str], env: dict[str, str] | None, runs: int) -> Result:
    """Median wall time, the largest peak memory and the exit code of ``runs`` runs."""
    times, peaks, code = [], [], 0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, check=True, env=env
        )
        dt, peak, code_s = out.stdout.split()
        times.append(float(dt))
        peaks.append(int(peak) / 2**20)
        code = int(code_s)
    return Result(statistics.median(times), max(peaks), code)


def jixiao(pipelines: Path, path: Path, *options: str) -> tuple[list[str], dict[str, str]]:
    """``jixiao parse`` of the code in ``pipelines`` (not the installed copy)."""
    env = {**os.environ, "PYTHONPATH": str(pipelines)}
    return [sys.executable, "-m", "jixiao.cli", "parse", str(path), *options], env


def big_document(folder: Path, pages: int = 200) -> Path:
    sys.path[:0] = [str(ROOT), str(ROOT / "pipelines")]
    from tests.support.synth import Knobs, generate

    pdf, truth, _ = generate(2024, Knobs(document="full", layout="compact", row_split=True), year=2024)
    base = truth["document"]["pages"][1]
    knobs = Knobs(document="full", layout="compact", row_split=True, filler_pages=max(0, pages - base))
    pdf, _, _ = generate(2024, knobs, year=2024)
    path = folder / "big_200pages_2024.pdf"
    path.write_bytes(pdf)
    return path


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default=str(ROOT / "tests" / "fixtures" / "real"))
    ap.add_argument("--corpus", default=str(ROOT / "tests" / "fixtures" / "corpus"))
    ap.add_argument("--runs", type=int, default=3, help="runs of the floor and of the PDFium reader")
    ap.add_argument("--slow-runs", type=int, default=1, help="runs of the pdfplumber reader and of --before")
    ap.add_argument("--before", metavar="PIPELINES", help="another checkout's pipelines folder, timed too")
    ap.add_argument("--only", nargs="*", help="only documents whose name contains one of these")
    args = ap.parse_args()

    here = ROOT / "pipelines"
    before = Path(args.before).resolve() if args.before else None
    for code in (here, before):
        if code is not None:  # as an installed package is (even where PYTHONDONTWRITEBYTECODE is set)
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(code)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        truths = Path(args.real).glob("*.truth.json")
        real = sorted(t.with_name(t.name.removesuffix(".truth.json") + ".pdf") for t in truths)
        docs = [("real", p) for p in real]
        docs += [("generated", p) for p in sorted(Path(args.corpus).glob("*.pdf"))]
        docs.append(("generated", big_document(Path(tmp))))
        if args.only:
            docs = [(k, p) for k, p in docs if any(o in p.name for o in args.only)]

        head = f"{'document':<36}{'kind':>10}{'pages':>6}{'floor s':>9}{'pdfium s':>9}{'×floor':>7}{'MB':>6}"
        head += f"{'plumber s':>10}{'×floor':>7}{'MB':>6}"
        if before:
            head += f"{'before s':>9}{'×floor':>7}{'MB':>6}"
        print(head)
        print("-" * len(head))
        ratios: dict[str, dict[str, list[float]]] = {}
        for kind, path in docs:
            floor = measure([sys.executable, str(HERE / "_floor.py"), str(path)], None, args.runs)
            pdfium = measure(*jixiao(here, path, "--reader", "pdfium"), runs=args.runs)
            plumber = measure(*jixiao(here, path, "--reader", "pdfplumber"), runs=args.slow_runs)
            line = f"{path.stem[:35]:<36}{kind:>10}{page_count(path):>6}{floor.seconds:>9.2f}"
            columns = [("pdfium", pdfium), ("pdfplumber", plumber)]
            if before:
                columns.append(("before", measure(*jixiao(before, path), runs=args.slow_runs)))
            for name, res in columns:
                ratio = res.seconds / floor.seconds
                ratios.setdefault(kind, {}).setdefault(name, []).append(ratio)
                width = 9 if name != "pdfplumber" else 10
                line += f"{res.seconds:>{width}.2f}{ratio:>7.2f}{res.peak_mb:>6.0f}"
                if res.code not in (0, 2):
                    line += f" (exit {res.code})"
            print(line, flush=True)
        print()
        for kind, by_reader in ratios.items():
            for name, values in by_reader.items():
                print(
                    f"{kind:>9} {name:<10} × floor: median {statistics.median(values):.2f}, worst {max(values):.2f}"
                    + ("   (targets with pdfium: ≤ 3 median, ≤ 4 worst)" if (kind, name) == ("real", "pdfium") else "")
                )
        print(f"cores: {len(os.sched_getaffinity(0))}; load average before the last run: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
