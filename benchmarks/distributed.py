"""The load on the distributed deployment against ``jixiao load`` on one machine, and the
time to add one document to a full warehouse.

1. Generates N documents (``benchmarks/load.py``'s departments × years; 304 × 2021-2025 =
   1,520 by default).
2. ``jixiao load`` of all of them (one machine: its own pool of ``--workers`` parser processes).
3. The same documents through Dagster on the deployment of ``deploy/``: PostgreSQL and Redis
   (the system's packages), ``--workers`` Celery document workers (one task at a time each)
   and the warehouse worker as separate processes, the daemon and the webserver; one
   backfill of everything ("Materialize all"), ``--batch`` documents per run. Prints the total
   time, the document phase, documents per second per worker, and the warehouse run.
4. One new document (a department's next year) added to the full warehouse: through Dagster
   (a run of its partition, then a run of the warehouse assets, each timed from launch to
   end) and through ``jixiao load`` (the warehouse build's own timings: raw tables, dbt,
   publish).
5. ``--scale-to``: the warehouse grown to that many documents by listing copies of the staged
   documents under other cities' names (the same rows, their text renamed: no parsing), loaded
   by ``jixiao load``; then one more new document added and timed, to show that adding one
   does not grow with the warehouse.
6. At that size, Dagster's warehouse job (``build_warehouse``: raw tables, dbt, publish) in a
   process of its own with a SQLite instance and the in-process executor, on the same data
   folder: once from nothing (its own build file), then after one more document is staged.
   This is the warehouse run of section 3 at 10,000 documents, without the deployment around
   it.

Everything runs on this machine; the figures are wall times.

    .venv/bin/python benchmarks/distributed.py [--departments 304] [--years 2021-2025] [--workers 2]
        [--batch 40] [--scale-to 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "pipelines"), str(ROOT / "benchmarks")]

import duckdb  # noqa: E402
import yaml  # noqa: E402
from tests.support import services  # noqa: E402
from tests.support.dagster_api import answers, backfill_status, launch_run, materialize_everything, wait  # noqa: E402
from tests.support.synth import Knobs, generate  # noqa: E402

from jixiao.load.pipeline import LoadResult, run  # noqa: E402
from jixiao.settings import Settings, load_settings  # noqa: E402
from jixiao.sources.manifest import load_manifest  # noqa: E402
from jixiao.staging.schema import DOCUMENT_TABLES  # noqa: E402
from load import department_names, make_sources, year_list  # noqa: E402

#: the cities the warehouse is grown with (a copy of a Guangzhou department is the city's)
CITIES = ("深圳", "佛山", "东莞", "珠海", "中山", "惠州", "汕头", "湛江", "江门", "肇庆", "茂名", "韶关")
def add_document(folder: Path, manifest: Path, department: str, year: int, seed: int) -> str:
    """One more generated document in the manifest; its key."""
    knobs = Knobs(document="full", layout="compact", row_split=True)
    pdf, _, _ = generate(seed, knobs, department=department, year=year, projects=(3, 8), units=3)
    path = folder / "docs" / f"added_{seed}.pdf"
    path.write_bytes(pdf)
    with manifest.open("a", encoding="utf-8") as fh:
        fh.write(f"  - department: {department}\n    year: {year}\n    path: docs/{path.name}\n")
    return f"{year}-{department}"


def warehouse_line(title: str, result: LoadResult, wall: float) -> None:
    wh = result.warehouse
    assert wh is not None
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in wh.timings.items())
    docs = wh.counts.get("raw_documents", 0)
    print(f"  {title:<40} {wall:8.1f} s   warehouse {wh.status}"
          f" ({'from nothing' if wh.full else f'{len(wh.changed)} documents changed'}; {timings}); {docs} documents")


# ---------------------------------------------------------------- one machine


def single_machine(manifest: Path, data: Path, workers: int) -> tuple[Settings, float, LoadResult]:
    settings = replace(load_settings().with_paths(data_dir=data), workers=workers)
    t = time.perf_counter()
    result = run([manifest], settings)
    return settings, time.perf_counter() - t, result


# ---------------------------------------------------------------- the deployment


def step_times(instance: Any, run_id: str) -> dict[str, float]:
    """Each step's time in a run, from its start to its success (seconds), and, within the
    dbt step, the dbt process's (``dbt process``: from dagster-dbt's "Running dbt command" to
    its "Finished dbt command"; the rest of the step is starting it and writing its events)."""
    start: dict[str, float] = {}
    took: dict[str, float] = {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None:
            message = str(record.user_message or "")
            if message.startswith("Running dbt command"):
                start["dbt process"] = record.timestamp
            elif message.startswith("Finished dbt command") and "dbt process" in start:
                took["dbt process"] = record.timestamp - start["dbt process"]
            continue
        if not event.step_key:
            continue
        if event.event_type_value == "STEP_START":
            start[event.step_key] = record.timestamp
        elif event.event_type_value == "STEP_SUCCESS" and event.step_key in start:
            took[event.step_key] = record.timestamp - start[event.step_key]
    return took


class Deployment:
    """deploy/'s services on this machine (see tests/test_distributed.py)."""

    def __init__(self, folder: Path, manifest: Path, workers: int, batch: int) -> None:
        self.folder, self.manifest, self.workers, self.batch = folder, manifest, workers, batch
        self.stack = contextlib.ExitStack()

    def __enter__(self) -> Deployment:
        pg_bin, redis_bin = services.ensure_binaries()
        pg = self.stack.enter_context(services.postgres(pg_bin))
        rd = self.stack.enter_context(services.redis(redis_bin))
        home = self.folder / "dagster_home"
        home.mkdir(parents=True)
        shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
        self.env = {
            **os.environ, **pg.env,
            "DAGSTER_HOME": str(home), "DO_NOT_TRACK": "1",
            # a run only orchestrates: one per worker slot keeps them all busy, one more for the warehouse
            "DAGSTER_MAX_CONCURRENT_RUNS": str(self.workers + 1),
            "JIXIAO_EXECUTOR": "celery", "JIXIAO_PARTITIONS_PER_RUN": str(self.batch),
            "JIXIAO_CELERY_BROKER": rd.url(0), "JIXIAO_CELERY_BACKEND": rd.url(1),
            "JIXIAO_DATA_DIR": str(self.folder / "data"), "JIXIAO_MANIFESTS": str(self.manifest),
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "pipelines"), os.environ.get("PYTHONPATH")) if p),
        }
        saved = dict(os.environ)

        def restore() -> None:
            os.environ.clear()
            os.environ.update(saved)

        self.stack.callback(restore)
        os.environ.update(self.env)
        import dagster as dg

        self.dg = dg
        self.instance = dg.DagsterInstance.get()
        self.stack.callback(self.instance.dispose)
        logs = self.folder / "logs"
        logs.mkdir()
        from jixiao.defs.executors import celery_config

        configs = {}
        for kind, warehouse in (("documents", False), ("warehouse", True)):
            configs[kind] = self.folder / f"celery-{kind}.yaml"
            configs[kind].write_text(yaml.safe_dump({"execution": {"config": celery_config(warehouse=warehouse)}}),
                                     encoding="utf-8")
        workers = [services.start_worker(f"doc{i}", configs["documents"], self.env, logs, cwd=ROOT)
                   for i in range(self.workers)]
        workers.append(services.start_worker("warehouse", configs["warehouse"], self.env, logs,
                                             queues=("warehouse",), cwd=ROOT))
        for w in workers:
            self.stack.callback(w.stop)
        bindir = Path(sys.executable).parent
        workspace = str(ROOT / "workspace.yaml")
        for sensor in ("manifest_sensor", "warehouse_automation"):  # nothing runs but what is launched here
            subprocess.run([str(bindir / "dagster"), "sensor", "stop", sensor, "-w", workspace], cwd=ROOT,
                           env=self.env, check=True, capture_output=True, timeout=300)
        port = services.free_port()
        for args in ([str(bindir / "dagster-daemon"), "run", "-w", workspace],
                     [str(bindir / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)]):
            proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                    stderr=open(logs / f"{Path(args[0]).name}.log", "wb"),
                                    start_new_session=True)
            self.stack.callback(services.stop, proc)
        services.wait_for_workers(rd.url(0), workers, timeout=300)
        self.url = f"http://127.0.0.1:{port}/graphql"
        wait("the webserver", lambda: answers(self.url), 300)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    def add_partitions(self, keys: list[str]) -> None:
        self.instance.add_dynamic_partitions("documents", keys)

    def backfill(self, launch: Any, timeout: float) -> tuple[str, float]:
        t = time.time()
        backfill_id = launch()
        status = wait("the backfill", lambda: backfill_status(self.instance, backfill_id), timeout, every=2)
        if status != "COMPLETED_SUCCESS":
            raise RuntimeError(f"backfill {backfill_id} ended {status}")
        return backfill_id, time.time() - t

    def runs(self, backfill_id: str) -> list[Any]:
        return list(self.instance.get_run_records(self.dg.RunsFilter(tags={"dagster/backfill": backfill_id})))

    def steps(self, run_id: str) -> dict[str, float]:
        return step_times(self.instance, run_id)

    def launch_run(self, job: str, tags: dict[str, str] | None = None) -> tuple[float, str]:
        """A run of ``job``, from launch to end (seconds), and its id."""
        t = time.time()
        run_id = launch_run(self.url, job, tags)
        done = {self.dg.DagsterRunStatus.SUCCESS, self.dg.DagsterRunStatus.FAILURE, self.dg.DagsterRunStatus.CANCELED}

        def ended() -> Any:
            found = self.instance.get_run_by_id(run_id)
            return found.status if found is not None and found.status in done else None

        status = wait("the run", ended, 1800, every=0.5)
        if status != self.dg.DagsterRunStatus.SUCCESS:
            raise RuntimeError(f"run {run_id} of {job} ended {status}")
        return time.time() - t, run_id


def distributed(folder: Path, manifest: Path, keys: list[str], workers: int, batch: int,
                new: tuple[Path, str, int, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with Deployment(folder, manifest, workers, batch) as d:
        d.add_partitions(keys)
        backfill_id, total = d.backfill(lambda: materialize_everything(d.url, "materialize all"), 4 * 3600)
        runs = d.runs(backfill_id)
        doc_runs = [r for r in runs if any(t.startswith("dagster/asset_partition_range") or t == "dagster/partition"
                                           for t in r.dagster_run.tags)]
        wh_runs = [r for r in runs if r not in doc_runs]
        first = min(r.create_timestamp.timestamp() for r in runs)
        docs_end = max(r.end_time for r in doc_runs if r.end_time)
        out |= {"total": total, "documents": docs_end - first, "runs": len(runs), "document_runs": len(doc_runs),
                "warehouse": sum((r.end_time or 0) - (r.start_time or 0) for r in wh_runs),
                "warehouse_steps": d.steps(wh_runs[0].dagster_run.run_id) if wh_runs else {}}
        # one new document: the run the manifest sensor would launch for it, then the warehouse assets' run
        docs_folder, department, year, seed = new
        key = add_document(docs_folder, manifest, department, year, seed)
        d.add_partitions([key])
        out["add_one_document_run"], _ = d.launch_run("ingest_documents", {"dagster/partition": key})
        out["add_one_warehouse_run"], run_id = d.launch_run("build_warehouse")
        out["add_one_warehouse_steps"] = d.steps(run_id)
        out["added"] = key
        con = duckdb.connect(str(folder / "data" / "warehouse.duckdb"), read_only=True)
        try:
            out["published_documents"] = con.execute("select count(*) from dim_document").fetchone()[0]  # type: ignore[index]
        finally:
            con.close()
    return out


def _steps(took: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in took.items())


# ---------------------------------------------------------------- growing the warehouse


def grow(settings: Settings, manifest: Path, target: int, out: Path) -> int:
    """A manifest listing the manifest's documents and enough copies of them, under other
    cities' names, to reach ``target`` documents; each copy's staged rows are the original's
    with 广州 renamed (so nothing is parsed). Returns the number of documents listed."""
    listed = load_manifest(manifest).entries
    lines = manifest.read_text(encoding="utf-8").rstrip("\n").splitlines()
    total = len(listed)
    staging = settings.staging_dir
    con = duckdb.connect()
    try:
        for city in CITIES:
            if total >= target:
                break
            for e in listed:
                if total >= target:
                    break
                if "广州" not in e.department:
                    continue
                department = e.department.replace("广州", city)
                key = f"{e.year}-{department}"
                current = json.loads((staging / e.key / "current.json").read_text(encoding="utf-8"))
                src = staging / e.key / current["version"]
                dst = staging / key / current["version"]
                if not (staging / key / "current.json").exists():
                    dst.mkdir(parents=True, exist_ok=True)
                    for table in DOCUMENT_TABLES:
                        renamed = ", ".join(
                            f"replace(\"{c}\", '广州', '{city}') as \"{c}\"" if t == "VARCHAR" else f'"{c}"'
                            for c, t in table.columns
                        )
                        source, target_file = str(src / f"{table.name}.parquet"), str(dst / f"{table.name}.parquet")
                        con.execute(f"copy (select {renamed} from read_parquet('{source}')) to '{target_file}' "
                                    "(format parquet)")
                    (staging / key / "current.json").write_text(json.dumps(current, ensure_ascii=False),
                                                                encoding="utf-8")
                path = Path(e.path or "")
                lines += [f"  - department: {department}", f"    year: {e.year}",
                          f"    path: {os.path.relpath(path, out.parent)}"]
                total += 1
    finally:
        con.close()
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total


# ---------------------------------------------------------------- Dagster's warehouse job at scale


def dagster_warehouse_run(data: Path, manifest: Path, home: Path) -> dict[str, Any]:
    """One run of the ``build_warehouse`` job, in a child process (its own environment and
    instance): its wall time from the child's start and each step's time."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {**os.environ, "DAGSTER_HOME": str(home), "JIXIAO_DATA_DIR": str(data), "JIXIAO_MANIFESTS": str(manifest),
           "JIXIAO_EXECUTOR": "in_process", "DO_NOT_TRACK": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "pipelines"), os.environ.get("PYTHONPATH")) if p)}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--warehouse-run"], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=3600)
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found | {"wall": time.perf_counter() - t}


def _warehouse_run_here() -> None:
    """(the child of :func:`dagster_warehouse_run`)"""
    import dagster as dg

    from jixiao.defs.definitions import defs

    instance = dg.DagsterInstance.get()
    t = time.perf_counter()
    result = defs().resolve_job_def("build_warehouse").execute_in_process(instance=instance, raise_on_error=False)
    run = time.perf_counter() - t
    print(json.dumps({"success": result.success, "run": run, "steps": step_times(instance, result.run_id),
                      "events": len(instance.all_logs(result.run_id))}))


def stage_one(settings: Settings, manifest: Path, key: str) -> None:
    """Fetch, parse and stage the manifest's document ``key`` (what its Dagster document run does)."""
    from jixiao.load.pipeline import Workspace, ingest
    from jixiao.load.worker import ParserPool

    (entry,) = [e for e in load_manifest(manifest).entries if e.key == key]
    with ParserPool(1) as parsers:
        outcome = ingest(entry, Workspace.open(settings, parsers))
    if outcome.status != "loaded":
        raise RuntimeError(f"{key}: {outcome.status} {outcome.message}")


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--departments", type=int, default=304)
    ap.add_argument("--years", default="2021-2025")
    ap.add_argument("--workers", type=int, default=2, help="Celery document workers, and jixiao load's workers")
    ap.add_argument("--batch", type=int, default=40, help="documents per backfill run (JIXIAO_PARTITIONS_PER_RUN)")
    ap.add_argument("--scale-to", type=int, default=10000, help="grow the warehouse to this many documents (0: no)")
    ap.add_argument("--skip-distributed", action="store_true")
    ap.add_argument("--keep", help="keep everything in this folder")
    ap.add_argument("--warehouse-run", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.warehouse_run:
        _warehouse_run_here()
        return 0
    os.environ["DO_NOT_TRACK"] = "1"
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="jixiao-distributed-"))
    try:
        years = year_list(args.years)
        t = time.perf_counter()
        manifest, pages, count = make_sources(folder / "sources", args.departments, years)
        dist_manifest = folder / "sources" / "dagster.yaml"
        shutil.copy(manifest, dist_manifest)
        keys = [e.key for e in load_manifest(manifest).entries]
        print(f"generated {count} documents ({pages} pages) in {time.perf_counter() - t:.1f} s (not counted);"
              f" warehouse in DuckDB storage version {load_settings().storage_version} (JIXIAO_STORAGE_VERSION)")
        nxt = years[-1] + 1
        first_department = department_names(args.departments)[0]

        print(f"\n1. jixiao load, one machine, {args.workers} parser workers")
        settings, wall, result = single_machine(manifest, folder / "cli", args.workers)
        failed = len(result.failed)
        print(f"  total                                    {wall:8.1f} s   {count / wall:.2f} documents/s"
              f" ({failed} failed)")
        warehouse_line("of which the warehouse (from nothing)", result, sum(result.warehouse.timings.values()))  # type: ignore[union-attr]

        if not args.skip_distributed:
            print(f"\n2. Dagster on Celery: {args.workers} document workers + the warehouse worker,"
                  f" PostgreSQL, Redis; {args.batch} documents per run")
            d = distributed(folder / "deployment", dist_manifest, keys, args.workers, args.batch,
                            (folder / "sources", first_department, nxt, 90001))
            print(f"  total (launch → warehouse published)     {d['total']:8.1f} s   {d['runs']} runs "
                  f"({d['document_runs']} of documents)")
            print(f"  documents (launch → last document run)   {d['documents']:8.1f} s   "
                  f"{count / d['documents']:.2f} documents/s, {count / d['documents'] / args.workers:.2f} per worker")
            print(f"  warehouse run (from nothing)             {d['warehouse']:8.1f} s   "
                  f"steps: {_steps(d['warehouse_steps'])}")
            print(f"  one new document ({d['added']}), launch → end of each run:")
            print(f"    its document run                       {d['add_one_document_run']:8.1f} s")
            print(f"    then the warehouse run                 {d['add_one_warehouse_run']:8.1f} s   "
                  f"steps: {_steps(d['add_one_warehouse_steps'])}; {d['published_documents']} documents published")

        print("\n3. one new document added to the full warehouse, jixiao load")
        key = add_document(folder / "sources", manifest, first_department, nxt, 90001)
        t = time.perf_counter()
        result = run([manifest], settings)
        warehouse_line(f"+ {key}", result, time.perf_counter() - t)

        if args.scale_to:
            grown = folder / "sources" / "grown.yaml"
            total = grow(settings, manifest, args.scale_to, grown)
            print(f"\n4. the warehouse grown to {total} documents (copies under other cities' names), jixiao load")
            t = time.perf_counter()
            result = run([grown], settings)
            warehouse_line(f"load of the {total - count - 1} copies", result, time.perf_counter() - t)
            for i, department in enumerate(department_names(args.departments)[1:3]):
                key = add_document(folder / "sources", grown, department, nxt, 90002 + i)
                t = time.perf_counter()
                result = run([grown], settings)
                warehouse_line(f"+ {key}", result, time.perf_counter() - t)

            print(f"\n5. Dagster's warehouse job at {total + 2} documents (its own process, SQLite instance,"
                  " in-process executor)")
            home = folder / "dagster_home_scale"
            for title, new_key in (("from nothing", None), ("one more document", 3)):
                if new_key is not None:
                    department = department_names(args.departments)[new_key]
                    key = add_document(folder / "sources", grown, department, nxt, 90002 + new_key)
                    stage_one(settings, grown, key)
                    title = f"+ {key}"
                w = dagster_warehouse_run(settings.data_dir, grown, home)
                ended = "succeeded" if w["success"] else "FAILED"
                print(f"  {title:<40} {w['wall']:8.1f} s   run {w['run']:.1f} s ({ended}, {w['events']} events);"
                      f" steps: {_steps(w['steps'])}")
        print("\ntarget: adding one document to the full warehouse ≤ 15 s, whatever its size")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
