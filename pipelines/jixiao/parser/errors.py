"""Typed errors raised by the parser.

Every failure the parser can detect is a :class:`ParseError` subclass with a stable
``kind`` code (recorded by the pipeline in its load-errors table) and a message that
names the document and, where it applies, the page.
"""

from __future__ import annotations


class ParseError(Exception):
    """Base class of everything the parsing library raises on bad input."""

    kind: str = "parse_error"

    def __init__(self, message: str, *, source: str | None = None, page: int | None = None) -> None:
        self.message = message
        self.source = source
        self.page = page
        super().__init__(self.describe())

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled with its fields (a parallel page reader sends errors between processes)."""
        return (_rebuild, (type(self), self.message, self.source, self.page))

    def describe(self) -> str:
        where = self.source or "<input>"
        if self.page is not None:
            where += f", page {self.page}"
        return f"{where}: {self.message} [{self.kind}]"


def _rebuild(cls: type[ParseError], message: str, source: str | None, page: int | None) -> ParseError:
    return cls(message, source=source, page=page)


class MissingFileError(ParseError):
    kind = "missing_file"


class EmptyFileError(ParseError):
    kind = "empty_file"


class NotPdfError(ParseError):
    kind = "not_pdf"


class CorruptPdfError(ParseError):
    kind = "corrupt_pdf"


class EncryptedPdfError(ParseError):
    kind = "encrypted"


class NoTextLayerError(ParseError):
    kind = "no_text_layer"


class NoPerformanceTableError(ParseError):
    kind = "no_performance_table"


class UnmappedColumnsError(ParseError):
    """The table was found but its header could not be mapped to known columns."""

    kind = "unmapped_columns"


class TableReadError(ParseError):
    """A located table whose layout the readers could not follow (the other tables of the
    document are still read)."""

    kind = "table_unreadable"


class MultipleTablesError(ParseError):
    """The file holds more than one department's table and the caller asked for one."""

    kind = "multiple_tables"


class LimitExceededError(ParseError):
    """A size, page-count or time limit set by the caller was exceeded."""

    kind = "limit_exceeded"


class TextParseError(ParseError):
    """A piece of cell text (indicator, amount) could not be read."""

    kind = "text_parse_error"


class ParseTimeoutError(LimitExceededError):
    """The parser ran longer than the time allowed for one document."""

    kind = "parse_timeout"


class ParserCrashError(ParseError):
    """The parser process died (a crash in a PDF library) or failed unexpectedly."""

    kind = "parser_crash"


ERROR_KINDS: dict[str, type[ParseError]] = {
    cls.kind: cls
    for cls in (
        ParseError,
        MissingFileError,
        EmptyFileError,
        NotPdfError,
        CorruptPdfError,
        EncryptedPdfError,
        NoTextLayerError,
        NoPerformanceTableError,
        UnmappedColumnsError,
        TableReadError,
        MultipleTablesError,
        LimitExceededError,
        TextParseError,
        ParseTimeoutError,
        ParserCrashError,
    )
}


def error_from_kind(kind: str, message: str, *, source: str | None = None, page: int | None = None) -> ParseError:
    """Rebuild a typed error (e.g. one reported by a parser subprocess)."""
    return ERROR_KINDS.get(kind, ParseError)(message, source=source, page=page)
