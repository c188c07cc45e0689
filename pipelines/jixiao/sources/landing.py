"""The landing folder: every fetched document, stored by content (sha256), every
version kept. A file lands under its final name only once complete (write to a
temporary name, then rename), so a crash never leaves half a document in place.

The landing folder may be an fsspec URL (``JIXIAO_STORE``, see ``jixiao.storage``):
:class:`RemoteLanding` keeps a local copy of what it lands (the parser reads local files)
and uploads each document once, whole, under its content address."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from .. import storage


class Landing:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._log_lock = threading.Lock()

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.pdf"

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

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

    def record(self, key: str, location: str, sha256: str, size: int, source: list[int] | None = None) -> str:
        """Append to the fetch log and point the document at what it fetched (what a later
        parse of it, on any machine, reads); returns when this document was first fetched.
        ``source`` is a local file's :func:`file_state` when it was read (see :meth:`unchanged`)."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        line = json.dumps(
            {"key": key, "location": location, "sha256": sha256, "bytes": size, "fetched_at": at}, ensure_ascii=False
        )
        self.root.mkdir(parents=True, exist_ok=True)
        with self._log_lock, (self.root / "fetches.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        first = self.first_fetched(sha256)
        pointer = self._pointer(key)
        pointer.parent.mkdir(parents=True, exist_ok=True)
        storage.write_json(pointer, _pointer_record(key, location, sha256, size, first, source))
        return first

    def unchanged(self, key: str, location: str, state: list[int]) -> dict[str, object] | None:
        """The document's last fetch, if it was of this same local file (``location``), which
        has not been touched since (the same :func:`file_state`: size, inode, modification
        and change times) and whose copy is still landed: then it need not be read again.
        ``make`` and ``rsync`` trust a file's size and times the same way."""
        found = self.last_fetched(key)
        if found is None or found.get("location") != location or found.get("source") != state:
            return None
        return found

    def last_fetched(self, key: str) -> dict[str, object] | None:
        """What the document's last fetch landed (``record``'s pointer), if it landed."""
        try:
            found: dict[str, object] = json.loads(self._pointer(key).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return found if self.has(str(found.get("sha256", ""))) else None

    def _pointer(self, key: str) -> Path:
        if not key or key in (".", "..") or "/" in key or "\\" in key or "\x00" in key:
            raise ValueError(f"{key!r} is not a document key")
        return self.root / "documents" / f"{key}.json"

    def clean_incoming(self, older_than: float = 3600.0) -> None:
        """Remove downloads a crash left unfinished (old ones only: another process may
        be downloading right now)."""
        cutoff = time.time() - older_than
        for part in self.root.glob(".incoming-*.part"):
            with contextlib.suppress(FileNotFoundError):
                if part.stat().st_mtime < cutoff:
                    part.unlink(missing_ok=True)


def file_state(stat: os.stat_result) -> list[int]:
    """What says a local file was not touched: its size, inode, modification and change
    times (a copy that keeps the modification time still changes the change time)."""
    return [stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns]


def _pointer_record(
    key: str, location: str, sha256: str, size: int, first: str, source: list[int] | None
) -> dict[str, object]:
    found: dict[str, object] = {"key": key, "location": location, "sha256": sha256, "bytes": size, "fetched_at": first}
    if source is not None:
        found["source"] = source
    return found


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


class RemoteLanding(Landing):
    """The landing folder in an object store, with a local cache of the documents (what the
    parser reads). A document is uploaded once, whole, under its content address; the
    document's pointer (``documents/<key>.json``) is written after it."""

    def __init__(self, url: str, cache: Path) -> None:
        super().__init__(cache)
        self.url = url.rstrip("/")
        self.fs, _ = storage.filesystem(self.url)

    def _remote(self, sha256: str, suffix: str = ".pdf") -> str:
        return storage.join(self.url, sha256[:2], f"{sha256}{suffix}")

    def has(self, sha256: str) -> bool:
        return bool(self.fs.exists(self._remote(sha256)))

    def commit(self, hasher: _Hasher) -> Path:
        final = super().commit(hasher)  # into the local cache
        sha = hasher.hexdigest()
        if not self.fs.exists(self._remote(sha)):
            self.fs.put_file(str(final), self._remote(sha))
            first = datetime.now(UTC).isoformat(timespec="seconds")
            self.fs.pipe_file(self._remote(sha, ".json"), json.dumps({"first_fetched": first}).encode())
        return final

    def first_fetched(self, sha256: str) -> str:
        try:
            return str(json.loads(self.fs.cat_file(self._remote(sha256, ".json")))["first_fetched"])
        except (FileNotFoundError, ValueError, KeyError):
            return super().first_fetched(sha256)

    def record(self, key: str, location: str, sha256: str, size: int, source: list[int] | None = None) -> str:
        first = self.first_fetched(sha256)
        pointer = _pointer_record(key, location, sha256, size, first, source)
        self.fs.pipe_file(self._remote_pointer(key), json.dumps(pointer, ensure_ascii=False).encode("utf-8"))
        return first

    def _remote_pointer(self, key: str) -> str:
        self._pointer(key)  # the same check of the key
        return storage.join(self.url, "documents", f"{key}.json")

    def last_fetched(self, key: str) -> dict[str, object] | None:
        try:
            found: dict[str, object] = json.loads(self.fs.cat_file(self._remote_pointer(key)))
        except (FileNotFoundError, ValueError):
            return None
        sha = str(found.get("sha256", ""))
        local = self.path_for(sha)
        if not local.exists():  # fetched on another machine: copy it here for the parser
            if not self.has(sha):
                return None
            local.parent.mkdir(parents=True, exist_ok=True)
            tmp = local.with_name(f".{local.name}.{uuid.uuid4().hex}.part")
            self.fs.get_file(self._remote(sha), str(tmp))
            os.replace(tmp, local)
        return found


def open_landing(location: storage.Location, cache: Path) -> Landing:
    """The landing folder at a local folder, or at an fsspec URL with a local cache."""
    if storage.is_local(location):
        return Landing(storage.local_path(location))
    return RemoteLanding(str(location), cache)
