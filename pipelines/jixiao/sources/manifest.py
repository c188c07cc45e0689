"""Source manifests (``sources/*.yaml``): which documents to load.

::

    documents:
      - department: 中共广州市委外事工作委员会办公室
        year: 2025
        url: https://www.gz.gov.cn/.../2025年部门预算.pdf   # or path: samples/waiban_2025.pdf
        sha256: 9f2c…        # optional: the expected content
        region: 广州市       # optional: the city (and district:) the department belongs to
        notes: 附件2 on pages 16-18

A bad entry is refused with a message naming the file and line; the good entries of
the same manifest still load. A manifest that is not YAML, or not a list of entries, is
refused as a whole.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

ALLOWED_KEYS = {"department", "year", "url", "path", "sha256", "notes", "id", "region", "district"}
#: A region is a city-level division (广州市, 北京市, 恩施土家族苗族自治州), a district a 区/县.
_REGION_NAME = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:市|州|地区|盟)$")
_DISTRICT_NAME = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:区|县|市|旗)$")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")
#: An id is a folder name of its own: no separators, no parent, no leading dot.
_SAFE_ID = re.compile(r"^[^\W_][\w.\-（）()]{0,119}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: Aliases that expand a manifest beyond this many nodes, and beyond ALIAS_GROWTH times the nodes
#: it is written with, are a YAML bomb. (A long manifest is not: 10,000 entries are 70,000 nodes.)
MAX_NODES = 200_000
ALIAS_GROWTH = 4


class ManifestError(Exception):
    """The manifest as a whole cannot be read."""

    def __init__(self, message: str, *, file: Path, line: int | None = None) -> None:
        self.file, self.line = file, line
        where = f"{file}:{line}" if line else str(file)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Entry:
    """One document to load."""

    department: str
    year: int
    url: str | None
    path: Path | None  # resolved, inside the manifest's folder
    sha256: str | None
    notes: str | None
    manifest: Path
    line: int
    key_override: str | None = None
    region: str | None = None
    district: str | None = None

    @cached_property
    def key(self) -> str:
        """Stable identity of the document slot: year and department (with its region,
        where the manifest gives one the name does not already start with)."""
        return self.key_override or document_key(self.year, self.department, self.region)

    @cached_property
    def location(self) -> str:
        return self.url or str(self.path)

    @property
    def where(self) -> str:
        return f"{self.manifest}:{self.line}"

    def fingerprint(self) -> str:
        """Changes when the entry changes (so that a sensor can notice)."""
        raw = f"{self.department}|{self.year}|{self.location}|{self.sha256 or ''}"
        if self.region or self.district:
            raw += f"|{self.region or ''}|{self.district or ''}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Problem:
    """A refused entry: where it is and what is wrong."""

    manifest: Path
    line: int
    message: str
    department: str | None = None
    year: int | None = None

    region: str | None = None

    @property
    def key(self) -> str:
        if self.department and self.year:
            return document_key(self.year, self.department, self.region)
        return f"{self.manifest.name}:{self.line}"

    def __str__(self) -> str:
        return f"{self.manifest}:{self.line}: {self.message}"


def document_key(year: int, department: str, region: str | None = None) -> str:
    name = department.strip()
    if region and not name.startswith(region.strip()):
        name = f"{region.strip()}-{name}"
    return f"{year}-{_UNSAFE.sub('_', name)}"


@dataclass(frozen=True)
class Manifest:
    file: Path
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]


def expanded_size(root: yaml.Node) -> tuple[int, int]:
    """How many nodes the document would hold with every alias expanded, counted without
    expanding them (each node's size once, references counted by multiplication), and how
    many distinct nodes it is written with."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        sizes[id(node)] = min(1 + sum(sizes.get(id(c), 1) for c in children), 10**12)
    return sizes[id(root)], len(sizes)


#: libyaml's parser when PyYAML has it (composing a 10,000-entry manifest in pure Python takes seconds)
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(node: yaml.Node) -> object:
    """The value of a composed node, as ``yaml.safe_load`` would give it (its tag was resolved
    when it was composed; text, most of a manifest, is its node's value)."""
    if node is None:
        return None
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    return yaml.constructor.SafeConstructor().construct_document(node)


def _inside(base: str, rel: str, folders: dict[str, str]) -> str:
    """``os.path.realpath(base/rel)``, resolving each folder once per manifest (``folders``):
    10,000 entries in a few folders are 10,000 checks of a file name, not 50,000 of each
    folder on its way."""
    head, tail = os.path.split(os.path.join(base, rel))
    if tail in ("", ".", ".."):
        return os.path.realpath(os.path.join(head, tail))
    real = folders.get(head)
    if real is None:
        real = folders[head] = os.path.realpath(head)
    path = os.path.join(real, tail)
    return os.path.realpath(path) if os.path.islink(path) else path


def load_manifest(file: str | Path, *, schemes: tuple[str, ...] = ("http", "https")) -> Manifest:
    """Read and validate one manifest."""
    path = Path(file).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot be read ({exc})", file=path) from exc
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ManifestError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})", file=path, line=mark.line + 1 if mark else None
        ) from exc
    if root is None:
        return Manifest(path, (), ())
    # an alias needs an anchor (``&name``): without one the document is as big as written
    size, written = expanded_size(root) if "&" in text else (0, 0)
    if size > MAX_NODES and size > ALIAS_GROWTH * written:
        raise ManifestError(
            f"expands to more than {MAX_NODES:,} YAML nodes ({size:,}): aliases nested to blow it up are refused",
            file=path,
        )
    items = root
    if isinstance(root, yaml.MappingNode):
        found = [v for k, v in root.value if _scalar(k) == "documents"]
        if not found:
            raise ManifestError("expected a 'documents:' list", file=path, line=root.start_mark.line + 1)
        items = found[0]
    if not isinstance(items, yaml.SequenceNode):
        raise ManifestError("'documents' must be a list of entries", file=path, line=items.start_mark.line + 1)

    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    base = path.parent.resolve()
    folders: dict[str, str] = {}
    for node in items.value:
        result = _entry(node, path, base, schemes, folders)
        if isinstance(result, Problem):
            problems.append(result)
            continue
        if result.key in seen:
            problems.append(
                Problem(
                    path,
                    result.line,
                    f"duplicate entry for {result.department} {result.year} (first at line {seen[result.key]})",
                    result.department,
                    result.year,
                )
            )
            continue
        seen[result.key] = result.line
        entries.append(result)
    return Manifest(path, tuple(entries), tuple(problems))


def _entry(
    node: yaml.Node, manifest: Path, base: Path, schemes: tuple[str, ...], folders: dict[str, str]
) -> Entry | Problem:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        return Problem(manifest, line, "an entry must be a mapping (department:, year:, url: or path:)")
    fields: dict[str, object] = {}
    lines: dict[str, int] = {}
    for k, v in node.value:
        name = str(_scalar(k))
        fields[name] = _scalar(v)
        lines[name] = k.start_mark.line + 1
    department = fields.get("department")
    year = fields.get("year")
    dept = department.strip() if isinstance(department, str) else None
    yr = year if isinstance(year, int) and not isinstance(year, bool) else None

    region, district = fields.get("region"), fields.get("district")
    reg = region.strip() if isinstance(region, str) and region.strip() else None
    # a year out of range must not travel on (an INT32 column would overflow)
    good_year = yr if yr is not None and 1990 <= yr <= 2100 else None

    def bad(message: str, at: str | None = None) -> Problem:
        return Problem(manifest, lines.get(at, line) if at else line, message, dept, good_year, reg)

    for name, value in fields.items():
        if isinstance(value, str) and _CONTROL.search(value):
            return bad(f"'{name}' contains a control character (such as a NUL byte)", name)
    unknown = sorted(set(fields) - ALLOWED_KEYS)
    if unknown:
        return bad(f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(ALLOWED_KEYS))})", unknown[0])
    if not dept:
        return bad("'department' is missing or empty", "department")
    if yr is None or not 1990 <= yr <= 2100:
        return bad(f"'year' must be a year such as 2025, not {year!r}", "year")
    url, rel = fields.get("url"), fields.get("path")
    if (url is None) == (rel is None):
        return bad("give exactly one of 'url' or 'path'")
    resolved: Path | None = None
    if url is not None:
        if not isinstance(url, str):
            return bad("'url' must be text", "url")
        parsed = urlparse(url.strip())
        if parsed.scheme.lower() not in schemes:
            return bad(f"URL scheme {parsed.scheme or '(none)'!r} is not allowed (only {', '.join(schemes)})", "url")
        if not parsed.netloc:
            return bad(f"URL {url!r} has no host", "url")
        url = url.strip()
    else:
        if not isinstance(rel, str) or not rel.strip():
            return bad("'path' must be a relative file path", "path")
        candidate = rel.strip()  # (strings, not pathlib: once per entry)
        if os.path.isabs(candidate):
            return bad(f"path {rel!r} must be relative to the manifest's folder", "path")
        inside, folder = _inside(str(base), candidate, folders), str(base)
        if not (inside == folder or inside.startswith(folder.rstrip(os.sep) + os.sep)):
            return bad(f"path {rel!r} leaves the sources folder {base}", "path")
        resolved = Path(inside)
    if region is not None and not (reg and _REGION_NAME.match(reg)):
        return bad(f"'region' must be a city-level division such as 广州市, not {region!r}", "region")
    dist = district.strip() if isinstance(district, str) and district.strip() else None
    if district is not None and not (dist and _DISTRICT_NAME.match(dist)):
        return bad(f"'district' must be a district or county such as 普陀区, not {district!r}", "district")
    sha = fields.get("sha256")
    if sha is not None and not (isinstance(sha, str) and _SHA256.match(sha)):
        return bad("'sha256' must be 64 hexadecimal characters", "sha256")
    notes = fields.get("notes")
    given_id = fields.get("id")
    key: str | None = None
    if given_id is not None:
        ident = str(given_id).strip()
        if not _SAFE_ID.match(ident) or ident in (".", "..") or ".." in ident:
            return bad(f"'id' {given_id!r} must be a plain name (letters, digits, -, _, .; no path, no '..')", "id")
        key = ident
    return Entry(
        dept,
        yr,
        url,
        resolved,
        sha.lower() if isinstance(sha, str) else None,
        str(notes) if notes is not None else None,
        manifest,
        line,
        key,
        reg,
        dist,
    )
