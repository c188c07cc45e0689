"""Speed and memory of ``jixiao parse``, measured as whole commands beside two references.

* naive: pdfplumber's default ``extract_tables()`` on every page;
* floor: a pypdfium2 text scan of every page plus pdfplumber reading the characters of
  the table pages alone — what any correct parser must at least do.

For every PDF of the corpus (and a generated 200-page 部门预算) it prints the median
wall time of N runs, pages per second, peak memory (max RSS of the command), and the
ratio to the floor. Targets: ≤ 1.5× the floor on every full document; ≤ 300 MB peak on
the 200-page document.

    .venv/bin/python benchmarks/parse.py [--corpus tests/fixtures/corpus] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "dt = time.perf_counter() - t\n"
    "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
)


def measure(cmd: list[str], runs: int) -> tuple[float, float, int]:
    """(median seconds, peak MB, exit code) of a command run ``runs`` times."""
    times, peaks, code = [], [], 0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, check=True)
        dt, rss_kb, code_s = out.stdout.split()
        times.append(float(dt))
        peaks.append(int(rss_kb) / 1024)
        code = int(code_s)
    return statistics.median(times), max(peaks), code


def table_pages(path: Path) -> tuple[int, int, int]:
    """(first, last, page_count) of the table, as jixiao reads it."""
    out = subprocess.run([str(BIN / "jixiao"), "parse", str(path), "--indent", "0"], capture_output=True, text=True)
    doc = json.loads(out.stdout)
    doc = doc[0] if isinstance(doc, list) else doc
    first, last = doc["document"]["pages"]
    return first, last, doc["document"]["page_count"]


def big_document(folder: Path, pages: int = 200) -> Path:
    sys.path[:0] = [str(ROOT), str(ROOT / "pipelines")]
    from tests.support.synth import Knobs, generate

    knobs = Knobs(document="full", layout="compact", row_split=True, filler_pages=0)
    pdf, truth, _ = generate(2024, knobs, year=2024)
    base = truth["document"]["pages"][1]
    pdf, truth, _ = generate(
        2024,
        Knobs(document="full", layout="compact", row_split=True, filler_pages=max(0, pages - base)),
        year=2024,
    )
    path = folder / "big_200pages_2024.pdf"
    path.write_bytes(pdf)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "tests" / "fixtures" / "corpus"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-naive", action="store_true", help="skip the (slow) naive reference")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        files = [*sorted(Path(args.corpus).glob("*.pdf")), big_document(Path(tmp))]
        index = {}
        idx_path = Path(args.corpus) / "index.json"
        if idx_path.exists():
            index = {e["file"]: e.get("document") for e in json.loads(idx_path.read_text())}
        header = (
            f"{'document':<24}{'kind':>11}{'pages':>6}{'jixiao s':>10}{'pages/s':>9}{'peak MB':>9}"
            f"{'floor s':>9}{'× floor':>9}{'floor MB':>9}{'naive s':>9}{'naive MB':>9}"
        )
        print(header)
        print("-" * len(header))
        worst_full = 0.0
        for path in files:
            first, last, count = table_pages(path)
            kind = index.get(path.name) or ("full" if count > last - first + 1 else "table_only")
            j_s, j_mb, code = measure([str(BIN / "jixiao"), "parse", str(path)], args.runs)
            f_s, f_mb, _ = measure(
                [sys.executable, str(HERE / "_floor.py"), str(path), str(first), str(last)], args.runs
            )
            if args.no_naive:
                n_s = n_mb = float("nan")
            else:
                n_s, n_mb, _ = measure([sys.executable, str(HERE / "_naive.py"), str(path)], 1)
            ratio = j_s / f_s
            if kind == "full":
                worst_full = max(worst_full, ratio)
            print(
                f"{path.stem:<24}{kind:>11}{count:>6}{j_s:>10.2f}{count / j_s:>9.1f}{j_mb:>9.0f}"
                f"{f_s:>9.2f}{ratio:>9.2f}{f_mb:>9.0f}{n_s:>9.2f}{n_mb:>9.0f}"
                + ("" if code == 0 else f"  (exit {code})")
            )
        print()
        print(f"worst ratio to the floor on a full document: {worst_full:.2f} (target ≤ 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
