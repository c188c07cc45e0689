"""Documents through Dagster against ``jixiao load``, on the same documents and machine.

Dagster: a fresh instance (its own DAGSTER_HOME, runs queued with the same concurrency as
the CLI's workers) and the Dagster daemon; the manifest sensor registers the documents
and launches one run per document, as in production; declarative automation then builds
the warehouse. The CLI: ``jixiao load`` on the same manifest into another data folder.

Prints, for both, the wall time of the document stage (first document started → last
document staged) and that time per document, the mean time of one document's run from
launch to end, and the warehouse build time. The floor is the CLI's per-document time
measured in the same run; the target is Dagster within 3 s of it.

    .venv/bin/python benchmarks/dagster_runs.py [--manifest sources/samples.yaml] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "pipelines"))

import dagster as dg  # noqa: E402

from jixiao.load.pipeline import run  # noqa: E402
from jixiao.settings import load_settings  # noqa: E402
from jixiao.sources.manifest import load_manifest  # noqa: E402

INSTANCE = """telemetry:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: {workers}
    dequeue_interval_seconds: 1
"""


def dagster_side(manifest: Path, folder: Path, workers: int, documents: int, timeout: float) -> dict[str, float]:
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(INSTANCE.format(workers=workers), encoding="utf-8")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "JIXIAO_DATA_DIR": str(folder / "dagster_data"),
        "JIXIAO_MANIFESTS": str(manifest),
        "DO_NOT_TRACK": "1",
    }
    bindir = Path(sys.executable).parent
    t0 = time.time()
    daemon = subprocess.Popen(
        [str(bindir / "dagster-daemon"), "run", "-w", str(ROOT / "workspace.yaml")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            while time.time() - t0 < timeout:
                ingest = instance.get_run_records(dg.RunsFilter(job_name="ingest_documents"))
                built = [
                    r for r in instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.SUCCESS]))
                    if r.dagster_run.job_name == "__ASSET_JOB"
                ]
                done = [r for r in ingest if r.end_time]
                if len(done) >= documents and built:
                    break
                time.sleep(1)
            else:
                raise TimeoutError(f"Dagster did not ingest {documents} documents and build within {timeout:.0f} s")
            first = min(r.create_timestamp.timestamp() for r in ingest)
            last = max(r.end_time for r in done if r.end_time)
            runs = [r.end_time - r.create_timestamp.timestamp() for r in done if r.end_time]
            executing = [r.end_time - r.start_time for r in done if r.end_time and r.start_time]
            failed = [r for r in done if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS]
            (wh,) = built[:1]
            return {
                "stage": last - first,
                "per_document": (last - first) / documents,
                "run_launch_to_end": sum(runs) / len(runs),
                "run_executing": sum(executing) / len(executing),
                "failed": float(len(failed)),
                "warehouse": (wh.end_time or 0) - (wh.start_time or 0),
                "first_run_after_start": first - t0,
            }
    finally:
        os.killpg(daemon.pid, 15)
        daemon.wait(timeout=60)


def cli_side(manifest: Path, folder: Path, workers: int) -> dict[str, float]:
    settings = replace(load_settings().with_paths(data_dir=folder / "cli_data"), workers=workers)
    t0 = time.perf_counter()
    result = run([manifest], settings)
    wall = time.perf_counter() - t0
    wh = result.warehouse
    warehouse = sum(wh.timings.values()) if wh else 0.0
    n = len(result.documents)
    return {"stage": wall - warehouse, "per_document": (wall - warehouse) / n, "warehouse": warehouse,
            "failed": float(len(result.failed))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", default=str(ROOT / "sources" / "samples.yaml"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--keep", help="keep the instance and data folders here")
    args = ap.parse_args()
    manifest = Path(args.manifest).resolve()
    documents = len(load_manifest(manifest).entries)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="jixiao-dagster-bench-"))
    try:
        cli = cli_side(manifest, folder, args.workers)
        dag = dagster_side(manifest, folder, args.workers, documents, args.timeout)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{documents} documents of {manifest.name}, {args.workers} at a time")
    print(f"{'':32}{'jixiao load':>14}{'Dagster':>14}")
    print(f"{'document stage, wall (s)':32}{cli['stage']:14.1f}{dag['stage']:14.1f}")
    print(f"{'per document (s)':32}{cli['per_document']:14.2f}{dag['per_document']:14.2f}")
    print(f"{'one run, launch → end (s)':32}{'':14}{dag['run_launch_to_end']:14.2f}")
    print(f"{'one run, executing (s)':32}{'':14}{dag['run_executing']:14.2f}")
    print(f"{'warehouse build (s)':32}{cli['warehouse']:14.1f}{dag['warehouse']:14.1f}")
    print(f"{'failed documents':32}{cli['failed']:14.0f}{dag['failed']:14.0f}")
    diff = dag["per_document"] - cli["per_document"]
    print(f"\nDagster per document: {dag['per_document']:.2f} s = CLI + {diff:.2f} s "
          f"({dag['per_document'] / cli['per_document']:.1f}× the CLI floor); target: within 3 s of the CLI")
    return 0


if __name__ == "__main__":
    sys.exit(main())
