"""The landing folder: every fetched document, stored by content (sha256), every
version kept. A file lands under its final name only once complete (write to a
temporary name, then rename), so a crash never leaves half a document in place."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


class Landing:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._log_lock = threading.Lock()

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.pdf"

    @contextmanager
    def writer(self) -> Iterator[tuple[IO[bytes], _Hasher]]:
        """A temporary file to stream a download into, hashed as it is written."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-", suffix=".part")
        hasher = _Hasher()
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh, hasher
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        hasher.tmp = Path(tmp)

    def commit(self, hasher: _Hasher) -> Path:
        """Move a completed download to its content address (a no-op if already there)."""
        assert hasher.tmp is not None
        final = self.path_for(hasher.hexdigest())
        if final.exists():
            hasher.tmp.unlink(missing_ok=True)
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(hasher.tmp, final)
        return final

    def first_fetched(self, sha256: str) -> str:
        """When this exact document first landed (ISO 8601, UTC): its file's time."""
        mtime = self.path_for(sha256).stat().st_mtime
        return datetime.fromtimestamp(mtime, UTC).isoformat(timespec="seconds")

    def record(self, key: str, location: str, sha256: str, size: int) -> str:
        """Append to the fetch log; returns when this document was first fetched."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        line = json.dumps(
            {"key": key, "location": location, "sha256": sha256, "bytes": size, "fetched_at": at}, ensure_ascii=False
        )
        self.root.mkdir(parents=True, exist_ok=True)
        with self._log_lock, (self.root / "fetches.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return self.first_fetched(sha256)

    def clean_incoming(self, older_than: float = 3600.0) -> None:
        """Remove downloads a crash left unfinished (old ones only: another process may
        be downloading right now)."""
        cutoff = time.time() - older_than
        for part in self.root.glob(".incoming-*.part"):
            with contextlib.suppress(FileNotFoundError):
                if part.stat().st_mtime < cutoff:
                    part.unlink(missing_ok=True)


class _Hasher:
    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.tmp: Path | None = None

    def update(self, chunk: bytes) -> None:
        self._h.update(chunk)
        self.size += len(chunk)
        if len(self.head) < 1024:
            self.head += chunk[: 1024 - len(self.head)]

    def hexdigest(self) -> str:
        return self._h.hexdigest()
