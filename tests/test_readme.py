"""Every command the README shows works as written, in a copy of the repository.

The commands are read from the README itself: every line of its ``sh`` blocks, and every
``python`` block (the queries). They run in README order in a copy of the working tree
(what a clone holds), sharing this environment's ``.venv``:

* ``make load`` and every ``jixiao`` command run as written and must exit 0;
* the ``python`` blocks run, one after the other in one session, against the warehouse
  ``make load`` published, and every ``sql`` query answers exactly the table the README
  prints under it;
* ``make dev`` is started, must answer on http://localhost:3000, and is stopped;
* ``make test`` is this very suite: the test checks that CI runs exactly it instead of
  running it again inside itself;
* the benchmark scripts the README names (inline, they take minutes) must answer ``--help``.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
TYPE_NAME = re.compile(r"^(varchar|u?(tiny|small|big|huge)?int\d*|double|float|boolean|date|timestamp.*|decimal\(\d+,\d+\))$")


def readme_blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced block, in order."""
    return [(m.group(1), m.group(2)) for m in BLOCKS.finditer(README)]


def readme_commands() -> list[str]:
    commands = []
    for lang, text in readme_blocks():
        if lang != "sh":
            continue
        for line in text.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def readme_queries() -> list[tuple[str, list[list[str]]]]:
    """Every ``sql`` block with the table printed right after it: (query, rows of cells,
    the header first)."""
    blocks = readme_blocks()
    out = []
    for (lang, text), (_, shown) in itertools.pairwise(blocks):
        if lang == "sql" and shown.lstrip().startswith("┌"):
            rows = [
                [c.strip() for c in line.strip().strip("│").split("│")]
                for line in shown.splitlines()
                if line.strip().startswith("│")
            ]
            out.append((text, rows))
    return out


def _cell(value: object) -> str:
    """A value as DuckDB's box rendering prints it."""
    if isinstance(value, bool):
        return str(value).lower()
    return "NULL" if value is None else str(value)


def benchmark_scripts() -> list[str]:
    return sorted(set(re.findall(r"`\.venv/bin/python (benchmarks/\w+\.py)", README)))


def _copy_of_the_repository(dest: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    stamp = ROOT / ".venv" / ".installed"
    if stamp.exists():  # the environment is set up: make must not install it again
        before = stamp.stat().st_mtime - 1
        os.utime(dest / "pyproject.toml", (before, before))
    return dest


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    dest = _copy_of_the_repository(tmp_path_factory.mktemp("clone"))
    # the installed package is this checkout's (editable): its project root is the copy
    env = {**os.environ, "JIXIAO_HOME": str(dest), "DO_NOT_TRACK": "1"}
    for name in ("JIXIAO_DATA_DIR", "JIXIAO_WAREHOUSE", "JIXIAO_MANIFESTS", "JIXIAO_SOURCES", "DAGSTER_HOME"):
        env.pop(name, None)
    return dest, env


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _dev_server_answers(folder: Path, env: dict[str, str]) -> None:
    proc = subprocess.Popen(["make", "dev"], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if _serving("http://127.0.0.1:3000/server_info"):
                return
            time.sleep(2)
        raise AssertionError(f"make dev did not answer on port 3000 (exit code {proc.poll()})")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _queries_print_what_the_readme_shows(warehouse: Path) -> None:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for query, shown in readme_queries():
            rel = con.sql(query)
            header, *body = shown
            if body and all(TYPE_NAME.match(c) for c in body[0]):
                body = body[1:]  # the row of types under the names
            got = [[_cell(v) for v in row] for row in rel.fetchall()]
            assert rel.columns == header, query
            assert got == body, f"{query}\nthe README shows\n{body}\nthe warehouse answers\n{got}"
    finally:
        con.close()


def test_the_readme_shows_commands() -> None:
    commands = readme_commands()
    assert commands[:2] == ["make load", "make test"]
    assert any(c.startswith(".venv/bin/jixiao ") for c in commands)
    assert benchmark_scripts()


def test_ci_runs_the_readme_test_command() -> None:
    assert "exec make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_readme_command_works_as_written(clone: tuple[Path, dict[str, str]]) -> None:
    folder, env = clone
    queries = [text for lang, text in readme_blocks() if lang == "python"]
    ran = []
    for command in readme_commands():
        if command == "make test":
            continue  # this suite (see test_ci_runs_the_readme_test_command)
        if command == "make dev":
            _dev_server_answers(folder, env)
            ran.append(command)
            continue
        done = subprocess.run(command, shell=True, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        ran.append(command)
        if command == "make load":  # the queries read what it published, in one session as a reader would
            assert "warehouse  published" in done.stdout
            script = folder / "readme_queries.py"
            script.write_text("\n".join(queries), encoding="utf-8")
            q = subprocess.run([str(folder / ".venv" / "bin" / "python"), str(script)], cwd=folder, env=env,
                               capture_output=True, text=True, timeout=300)
            assert q.returncode == 0, f"the README's python blocks:\n{q.stderr[-3000:]}"
            _queries_print_what_the_readme_shows(folder / "data" / "warehouse.duckdb")
    assert "make load" in ran and len(ran) >= 5
    for script in benchmark_scripts():
        help_ = subprocess.run([str(folder / ".venv" / "bin" / "python"), script, "--help"], cwd=folder, env=env,
                               capture_output=True, text=True, timeout=120)
        assert help_.returncode == 0 and "usage:" in help_.stdout, f"{script}: {help_.stderr[-2000:]}"
