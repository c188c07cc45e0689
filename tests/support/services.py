"""PostgreSQL, Redis, RabbitMQ and Celery workers from the system's packages, on this machine,
for the distributed tests and benchmark: each on its own port and folder, stopped with its
process group.

``ensure_binaries`` finds ``initdb``/``postgres`` and ``redis-server``, ``rabbitmq_server``
RabbitMQ's; when they are missing and this runs as root with ``apt-get``, they install
Debian's ``postgresql``, ``redis-server`` and ``rabbitmq-server`` packages (what CI's image
needs once); else they say what is missing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGES = ("postgresql", "redis-server")


class Unavailable(RuntimeError):
    """The services cannot be started here (the reason says why)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_bin() -> Path | None:
    for name in ("initdb", "postgres", "pg_ctl"):
        found = shutil.which(name)
        if found and name == "initdb":
            return Path(found).resolve().parent
    # Debian keeps them out of PATH, under the server's major version
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _redis_bin() -> Path | None:
    found = shutil.which("redis-server")
    return Path(found) if found else None


def _apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"apt-get install {' '.join(packages)} failed: {done.stderr[-500:]}")


def ensure_binaries() -> tuple[Path, Path]:
    """The folder of PostgreSQL's server programs and the redis-server program."""
    pg, redis = _postgres_bin(), _redis_bin()
    if pg is None or redis is None:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            _apt_install(*PACKAGES)
            pg, redis = _postgres_bin(), _redis_bin()
        missing = [n for n, b in (("postgresql (initdb, postgres)", pg), ("redis-server", redis)) if b is None]
        if missing:
            raise Unavailable(
                f"{' and '.join(missing)} not installed, and this is not root with apt-get to install them"
            )
    assert pg is not None and redis is not None
    return pg, redis


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Unavailable(f"{what} exited with code {proc.returncode} before answering on port {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise Unavailable(f"{what} did not answer on port {port} within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
    """Stop a process started in its own session, with everything it started."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


@dataclass
class Postgres:
    port: int
    folder: Path
    proc: subprocess.Popen[bytes]
    user: str = "dagster"
    db: str = "postgres"

    @property
    def env(self) -> dict[str, str]:
        """The variables ``deploy/dagster.yaml`` reads."""
        return {
            "DAGSTER_POSTGRES_HOST": "127.0.0.1",
            "DAGSTER_POSTGRES_PORT": str(self.port),
            "DAGSTER_POSTGRES_USER": self.user,
            "DAGSTER_POSTGRES_PASSWORD": "",
            "DAGSTER_POSTGRES_DB": self.db,
        }

    def database(self, name: str) -> Postgres:
        """The same server with a new, empty database ``name`` (one Dagster instance each)."""
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=self.db)
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(f'create database "{name}"')
        finally:
            con.close()
        return replace(self, db=name)


@contextlib.contextmanager
def postgres(pg_bin: Path) -> Iterator[Postgres]:
    """A throwaway cluster (initdb into a new folder, trust authentication on 127.0.0.1).
    PostgreSQL refuses to run as root: as root, it runs as the ``postgres`` account the
    Debian package creates."""
    folder = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
    data = folder / "data"
    run_as: str | None = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise Unavailable("running as root and there is no postgres account to run PostgreSQL as") from exc
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = "postgres"
    port = free_port()
    init = subprocess.run(
        [str(pg_bin / "initdb"), "-D", str(data), "-U", "dagster", "--auth=trust", "-E", "UTF8", "--no-sync"],
        capture_output=True, text=True, user=run_as,
    )
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"initdb failed: {init.stderr[-500:]}")
    proc = subprocess.Popen(
        [str(pg_bin / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", str(folder),
         "-c", "fsync=off", "-c", "max_connections=200", "-c", "shared_buffers=64MB"],
        stdout=subprocess.DEVNULL, stderr=open(folder / "postgres.log", "wb"),  # noqa: SIM115
        user=run_as, start_new_session=True,
    )
    try:
        _wait_port(port, proc, "postgres")
        ready = time.monotonic() + 30
        while subprocess.run([str(pg_bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                             capture_output=True).returncode != 0:
            if time.monotonic() > ready:
                raise Unavailable("postgres did not become ready")
            time.sleep(0.2)
        yield Postgres(port, folder, proc)
    finally:
        stop(proc, signal.SIGINT)  # fast shutdown
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Redis:
    port: int
    proc: subprocess.Popen[bytes]

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@contextlib.contextmanager
def redis(redis_bin: Path) -> Iterator[Redis]:
    folder = Path(tempfile.mkdtemp(prefix="jixiao-redis-"))
    port = free_port()
    proc = subprocess.Popen(
        [str(redis_bin), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        _wait_port(port, proc, "redis-server")
        yield Redis(port, proc)
    finally:
        stop(proc)
        shutil.rmtree(folder, ignore_errors=True)


#: where Debian's package puts RabbitMQ's own start script (``/usr/sbin/rabbitmq-server`` is a
#: wrapper that runs it as the ``rabbitmq`` account, with the package's folders)
RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


def rabbitmq_server() -> Path:
    """RabbitMQ's start script (installing Debian's ``rabbitmq-server`` as root when missing)."""
    if not RABBITMQ_SERVER.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        _apt_install("rabbitmq-server")
    if not RABBITMQ_SERVER.exists():
        raise Unavailable(f"rabbitmq-server not installed ({RABBITMQ_SERVER}), and this is not root with apt-get")
    return RABBITMQ_SERVER


@dataclass
class RabbitMQ:
    port: int
    proc: subprocess.Popen[bytes]
    folder: Path

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"


@contextlib.contextmanager
def rabbitmq(server: Path) -> Iterator[RabbitMQ]:
    """A throwaway RabbitMQ node: its own name, ports, database, logs and Erlang cookie in a new
    folder, and its own Erlang port mapper (stopped with it; the package's, if running, is left
    alone). The ``guest`` account may connect from 127.0.0.1 only, RabbitMQ's default."""
    folder = Path(tempfile.mkdtemp(prefix="jixiao-rabbitmq-"))
    port, dist, epmd = free_port(), free_port(), free_port()
    (folder / "enabled_plugins").write_text("[].\n", encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(folder),  # the Erlang cookie
        "RABBITMQ_NODENAME": f"jixiao{port}@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(dist),
        "ERL_EPMD_PORT": str(epmd),
        "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
        "RABBITMQ_LOG_BASE": str(folder / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(folder / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(folder / "rabbitmq"),  # none: the defaults
        "RABBITMQ_PID_FILE": str(folder / "pid"),
    }
    proc = subprocess.Popen([str(server)], env=env, cwd=folder, stdout=open(folder / "server.log", "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_port(port, proc, "rabbitmq-server", timeout=120)
        yield RabbitMQ(port, proc, folder)
    finally:
        stop(proc)
        epmd_bin = shutil.which("epmd") or next(iter(glob.glob("/usr/lib/erlang/erts-*/bin/epmd")), None)
        if epmd_bin:  # the port mapper the node started detaches from its session
            subprocess.run([epmd_bin, "-port", str(epmd), "-kill"], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Worker:
    """A Celery worker started with dagster-celery's own CLI (``dagster-celery worker start``)."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    queues: tuple[str, ...] = field(default=("dagster",))

    def kill(self) -> None:
        """SIGKILL the worker and everything it started: a machine lost mid-task."""
        stop(self.proc, signal.SIGKILL)

    def stop(self) -> None:
        stop(self.proc, signal.SIGTERM)


def start_worker(
    name: str,
    config_yaml: Path,
    env: Mapping[str, str],
    log_dir: Path,
    *,
    queues: tuple[str, ...] = ("dagster",),
    concurrency: int = 1,
    cwd: Path | None = None,
) -> Worker:
    bindir = Path(sys.executable).parent  # dagster-celery runs `celery` from the PATH
    exe = bindir / "dagster-celery"
    env = {**env, "PATH": os.pathsep.join([str(bindir), env.get("PATH", os.defpath)])}
    log = log_dir / f"celery-{name}.log"
    args = [str(exe), "worker", "start", "-A", "dagster_celery.app", "-y", str(config_yaml), "-n", name]
    for q in queues:
        args += ["-q", q]
    args += ["--", f"--concurrency={concurrency}", f"--logfile={log}"]
    proc = subprocess.Popen(args, env=dict(env), cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=open(log_dir / f"celery-{name}.err", "wb"),  # noqa: SIM115
                            start_new_session=True)
    return Worker(name, proc, log, queues)


def wait_for_workers(broker_url: str, workers: list[Worker], timeout: float = 120.0) -> None:
    """Until every worker answers a ping on the broker."""
    from celery import Celery

    names = [w.name for w in workers]
    app = Celery(broker=broker_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            dead = [w.name for w in workers if w.proc.poll() is not None]
            if dead:
                raise Unavailable(f"celery workers {dead} exited (see their logs in {workers[0].log.parent})")
            answers = app.control.ping(timeout=1.0) or []
            seen = {k.split("@", 1)[0] for a in answers for k in a}
            if set(names) <= seen:
                return
            time.sleep(1)
    finally:
        app.close()
    raise Unavailable(f"celery workers {names} did not answer within {timeout:.0f} s")
