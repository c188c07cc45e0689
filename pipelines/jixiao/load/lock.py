"""One load at a time per data folder.

A load (``jixiao load``) holds the data folder exclusively: a second load on the same
folder waits for it (up to ``wait`` seconds) or refuses with a clear message, instead of
staging the same documents at once. Dagster's partition runs stage documents side by side:
they share the folder with each other, never with a load.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = ".jixiao.lock"


class DataFolderBusy(Exception):
    """Another load holds the data folder."""


@contextlib.contextmanager
def hold(data_dir: Path, *, exclusive: bool = True, wait: float = 0.0, what: str = "a load") -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fh = open(path, "a+")  # noqa: SIM115 - held for the whole block
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise DataFolderBusy(
                        f"{data_dir} is in use by {holder}; wait for it to finish"
                        " (or give --wait SECONDS, or another --data-dir)"
                    ) from None
                time.sleep(0.2)
        if exclusive:
            fh.seek(0)
            fh.truncate()
            fh.write(f"{what} (pid {os.getpid()}, since {datetime.now(UTC).isoformat(timespec='seconds')})")
            fh.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
