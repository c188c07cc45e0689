"""Cell text: joining wrapped lines, removing indents, reading amounts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from .errors import TextParseError

#: Characters a publisher indents with: ASCII and full-width spaces, NBSP, tabs.
INDENT_CHARS = " \u3000\u00a0\t"
_WS = re.compile(r"\s+")


def join_lines(lines: Iterable[str]) -> str | None:
    """Join the wrapped lines of one cell: line breaks go, the leading indent goes.

    Nothing else changes (full-width punctuation and inner spaces stay). An empty cell
    gives ``None``.
    """
    parts = [ln.strip("\r\n") for ln in lines]
    text = "".join(parts)
    text = text.lstrip(INDENT_CHARS).rstrip(INDENT_CHARS)
    return text or None


def squash(text: str | None) -> str:
    """``text`` without any whitespace: the form used to compare and match labels."""
    if not text:
        return ""
    return _WS.sub("", text.replace("\u3000", ""))


_AMOUNT = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
_EMPTY_MARKS = {"", "-", "—", "－", "/", "——"}


def parse_amount(text: str | None) -> Decimal | None:
    """Read a printed amount (``2,925.54``, ``2925.54``, ``0.00``); empty gives ``None``.

    Raises :class:`TextParseError` for text that is not an amount.
    """
    if text is None:
        return None
    t = unicodedata.normalize("NFKC", text)
    t = t.replace(" ", "").replace("\u3000", "").replace("\u00a0", "")
    if t in _EMPTY_MARKS:
        return None
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    if not _AMOUNT.match(t):
        raise TextParseError(f"not an amount: {text!r}")
    t = t.replace(",", "").replace("−", "-")
    try:
        value = Decimal(t)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise TextParseError(f"not an amount: {text!r}") from exc
    return -value if negative else value


def looks_like_amount(text: str | None) -> bool:
    try:
        return parse_amount(text) is not None
    except TextParseError:
        return False
