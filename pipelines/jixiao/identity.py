"""Identity across years: the same project (or indicator) under a different spelling.

Real tables rename things: ``2024-2025年信息化运维项目`` becomes
``中共广州市委外事工作委员会办公室2025-2026年信息化运维项目``; an indicator is reworded. A
project keeps its identity within its department and unit when

1. a curated alias (``project_aliases.csv``) says so, or
2. its normalized name is the same (year ranges, the department's own name as a prefix,
   spaces and full/half-width punctuation dropped), or
3. its normalized name is close enough (rapidfuzz) to a project of the department's
   previous year that found no other match.

Every match records its method and score, so that an analyst can review it. Used by the
dbt Python models ``int_project_identity`` and ``int_indicator_identity``.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

PROJECT_THRESHOLD = 85.0
INDICATOR_THRESHOLD = 80.0

_PUNCT = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
        "［": "[",
        "］": "]",
        "：": ":",
        "；": ";",
        "，": ",",
        "、": ",",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "—": "-",
        "－": "-",
        "～": "~",
    }
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[-~至到—–]\s*(?:(?:19|20)?\d{2})\s*年度?")
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?")
_SPACES = re.compile(r"[\s\u3000]+")


def normalize_project_name(name: str | None, department: str | None = None) -> str:
    """The name as compared across years."""
    if not name:
        return ""
    text = _SPACES.sub("", name)
    dept = _SPACES.sub("", department or "")
    if dept and text.startswith(dept) and len(text) > len(dept):
        text = text[len(dept) :]
    text = text.translate(_PUNCT)
    text = _YEAR_RANGE.sub("", text)
    text = _LEADING_YEAR.sub("", text)
    return text.lower()


def normalize_indicator_name(name: str | None) -> str:
    if not name:
        return ""
    return _SPACES.sub("", name).translate(_PUNCT).rstrip("。.;；").lower()


def stable_id(*parts: object) -> str:
    return hashlib.md5("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Item:
    """One thing to identify: a project row (or an indicator) in one year."""

    key: tuple[object, ...]  # the row's own key (document, row number[, seq])
    scope: tuple[object, ...]  # where identity can hold (department, unit[, project, categories])
    year: int
    name: str  # as published
    normalized: str


@dataclass(frozen=True)
class Match:
    key: tuple[object, ...]
    identity: str
    method: str  # first_seen | exact | normalized | alias | fuzzy | new
    score: float | None  # similarity of the normalized names, 0–100; None when nothing was matched
    matched_name: str | None  # the name it was matched to (the identity's name the year before)
    matched_year: int | None


def assign(
    items: Iterable[Item], *, aliases: dict[tuple[object, str], str] | None = None, threshold: float = PROJECT_THRESHOLD
) -> list[Match]:
    """Give every item an identity that holds across years within its scope.

    ``aliases`` maps (scope[0], normalized alias) to the normalized name it stands for
    (curated overrides, applied before anything else).
    """
    aliases = aliases or {}
    by_scope: dict[tuple[object, ...], list[Item]] = defaultdict(list)
    for it in items:
        by_scope[it.scope].append(it)
    out: list[Match] = []
    for scope, members in by_scope.items():
        out.extend(_assign_scope(scope, members, aliases, threshold))
    return out


@dataclass
class _Known:
    identity: str
    canonical: str  # normalized name after aliases
    name: str
    year: int


def _assign_scope(
    scope: tuple[object, ...], members: list[Item], aliases: dict[tuple[object, str], str], threshold: float
) -> list[Match]:
    out: list[Match] = []
    known: list[_Known] = []  # every identity seen so far, latest state
    years = sorted({m.year for m in members})
    for i, year in enumerate(years):
        prev_year = years[i - 1] if i else None
        rows = sorted((m for m in members if m.year == year), key=lambda m: str(m.key))
        taken: set[str] = set()
        pending: list[tuple[Item, str, str]] = []  # (item, canonical, method if alias)
        for it in rows:
            alias = aliases.get((scope[0], it.normalized))
            canonical = alias or it.normalized
            hit = next((k for k in reversed(known) if k.canonical == canonical and k.identity not in taken), None)
            if hit is None:
                pending.append((it, canonical, "alias" if alias else ""))
                continue
            method = "alias" if alias else ("exact" if hit.name == it.name else "normalized")
            out.append(Match(it.key, hit.identity, method, 100.0, hit.name, hit.year))
            taken.add(hit.identity)
            hit.name, hit.year = it.name, year
        # fuzzy: what is left this year against what the previous year left unmatched
        open_prev = [k for k in known if k.year == prev_year and k.identity not in taken]
        pairs = sorted(
            ((fuzz.ratio(c, k.canonical), n, k) for n, (_, c, _) in enumerate(pending) for k in open_prev),
            key=lambda t: (-t[0], t[1], t[2].identity),
        )
        matched: dict[int, tuple[_Known, float]] = {}
        for score, n, k in pairs:
            if score < threshold or n in matched or k.identity in taken:
                continue
            matched[n] = (k, score)
            taken.add(k.identity)
        for n, (it, canonical, alias_method) in enumerate(pending):
            if n in matched:
                k, score = matched[n]
                out.append(Match(it.key, k.identity, "fuzzy", round(score, 1), k.name, k.year))
                k.name, k.year, k.canonical = it.name, year, canonical
                continue
            identity = stable_id(*scope, canonical)
            salt = 1
            while identity in taken or any(k.identity == identity for k in known if k.year == year):
                salt += 1
                identity = stable_id(*scope, canonical, salt)
            taken.add(identity)
            method = alias_method or ("first_seen" if prev_year is None else "new")
            out.append(Match(it.key, identity, method, 100.0 if alias_method else None, None, None))
            existing = next((k for k in known if k.identity == identity), None)
            if existing is None:
                known.append(_Known(identity, canonical, it.name, year))
            else:
                existing.name, existing.year = it.name, year
    return out


def as_relation(session: Any, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[object]]) -> Any:
    """Rows as a DuckDB relation in a dbt Python model's session (no pandas needed): one
    insert of a list per column (row-by-row inserts cost a second per thousand rows)."""
    cols = ", ".join(f"{c} {t}" for c, t in columns)
    session.execute(f"create or replace temp table {name} ({cols})")
    if rows:
        lists = {f"c{i}": [r[i] for r in rows] for i in range(len(columns))}
        values = ", ".join(f"unnest($c{i}::{t}[])" for i, (_, t) in enumerate(columns))
        session.execute(f"insert into {name} select {values}", lists)
    return session.sql(f"select * from {name}")
