"""The staging tables, one set of rows per document.

The raw tables keep what the parser read (amounts as the decimal text it produced);
dbt's ``stg_`` models give them types. Every row carries ``document_key`` so that a
document's rows can be replaced as a whole.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..parser.vocabulary import AMOUNT_KEYS

#: The warehouse schema the raw tables are loaded into (dbt's source ``jixiao_raw``); the
#: BI schema ``main`` holds only the dims, facts and marts.
RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type)

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]

    @property
    def columns_set(self) -> frozenset[str]:
        return frozenset(c for c, _ in self.columns)

    @property
    def relation(self) -> str:
        """The table in the warehouse: ``raw.<name>``."""
        return f"{RAW_SCHEMA}.{self.name}"

    def ddl(self, qualified: str | None = None) -> str:
        cols = ", ".join(f'"{c}" {t}' for c, t in self.columns)
        return f"CREATE TABLE {qualified or self.name} ({cols})"


DOCUMENTS = Table(
    "raw_documents",
    (
        ("document_key", "VARCHAR"),
        ("department", "VARCHAR"),
        ("year", "INTEGER"),
        ("department_in_document", "VARCHAR"),
        ("year_in_document", "INTEGER"),
        ("source_location", "VARCHAR"),
        ("manifest_file", "VARCHAR"),
        ("manifest_line", "INTEGER"),
        ("sha256", "VARCHAR"),
        ("bytes", "BIGINT"),
        ("fetched_at", "VARCHAR"),
        ("parsed_at", "VARCHAR"),
        ("parser_version", "VARCHAR"),
        ("page_count", "INTEGER"),
        ("table_first_page", "INTEGER"),
        ("table_last_page", "INTEGER"),
        ("layout", "VARCHAR"),
        ("currency_unit", "VARCHAR"),
        ("amount_columns", "VARCHAR"),
        ("row_count", "INTEGER"),
        ("indicator_count", "INTEGER"),
        ("reconciled", "BOOLEAN"),
        ("warnings", "VARCHAR"),
        ("notes", "VARCHAR"),
        ("region", "VARCHAR"),
        ("district", "VARCHAR"),
        ("region_source", "VARCHAR"),
        ("table_kinds", "VARCHAR"),
        ("department_layout", "VARCHAR"),
    ),
)

FUNDING_ROWS = Table(
    "raw_funding_rows",
    (
        ("document_key", "VARCHAR"),
        ("row_number", "INTEGER"),
        ("table_number", "INTEGER"),
        ("table_kind", "VARCHAR"),
        ("currency_unit", "VARCHAR"),
        ("row_type", "VARCHAR"),
        ("unit", "VARCHAR"),
        ("project", "VARCHAR"),
        ("project_code", "VARCHAR"),
        # every amount the parser reads, one column each (its vocabulary is the list)
        *((key, "VARCHAR") for key in AMOUNT_KEYS),
        ("goal", "VARCHAR"),
        ("long_term_goal", "VARCHAR"),
        ("indicators_raw", "VARCHAR"),
        ("implementing_unit", "VARCHAR"),
        ("supervising_department", "VARCHAR"),
        ("disclosed", "BOOLEAN"),
        ("page", "INTEGER"),
        ("warnings", "VARCHAR"),
    ),
)

INDICATORS = Table(
    "raw_indicators",
    (
        ("document_key", "VARCHAR"),
        ("row_number", "INTEGER"),
        ("unit", "VARCHAR"),
        ("project", "VARCHAR"),
        ("seq", "INTEGER"),
        ("level1", "VARCHAR"),
        ("level2", "VARCHAR"),
        ("indicator_name", "VARCHAR"),
        ("period_target", "VARCHAR"),
        ("annual_target", "VARCHAR"),
        ("op", "VARCHAR"),
        ("target_value", "VARCHAR"),
        ("value_unit", "VARCHAR"),
        ("page", "INTEGER"),
        ("table_kind", "VARCHAR"),
        ("nature", "VARCHAR"),
        ("weight", "VARCHAR"),
        ("core", "BOOLEAN"),
        ("scoring_rule", "VARCHAR"),
        ("value_type", "VARCHAR"),
    ),
)

TASKS = Table(
    "raw_tasks",
    (
        ("document_key", "VARCHAR"),
        ("row_number", "INTEGER"),
        ("seq", "INTEGER"),
        ("task_name", "VARCHAR"),
        ("content", "VARCHAR"),
        ("amount", "VARCHAR"),
        ("goal", "VARCHAR"),
    ),
)

CHECKS = Table(
    "raw_checks",
    (
        ("document_key", "VARCHAR"),
        ("check_name", "VARCHAR"),
        ("scope", "VARCHAR"),
        ("expected", "VARCHAR"),
        ("actual", "VARCHAR"),
        ("ok", "BOOLEAN"),
        ("status", "VARCHAR"),
        ("tolerance", "VARCHAR"),
        ("table_kind", "VARCHAR"),
    ),
)

LOAD_ERRORS = Table(
    "raw_load_errors",
    (
        ("document_key", "VARCHAR"),
        ("department", "VARCHAR"),
        ("year", "INTEGER"),
        ("stage", "VARCHAR"),
        ("error_kind", "VARCHAR"),
        ("message", "VARCHAR"),
        ("source_location", "VARCHAR"),
        ("occurred_at", "VARCHAR"),
    ),
)

CHANGES = Table(
    "raw_changes",
    (
        ("document_key", "VARCHAR"),
        # the department the warehouse held the document under before (dbt's department_id)
        ("previous_department_id", "VARCHAR"),
    ),
)

#: Tables staged per document (the load-errors table is kept beside them).
DOCUMENT_TABLES: tuple[Table, ...] = (DOCUMENTS, FUNDING_ROWS, INDICATORS, TASKS, CHECKS)
#: Every raw table of a build: the documents' rows, the load errors, and the documents whose
#: rows changed since the last build that passed its tests (what dbt recomputes).
ALL_TABLES: tuple[Table, ...] = (*DOCUMENT_TABLES, LOAD_ERRORS, CHANGES)


def schema_fingerprint(tables: tuple[Table, ...] = DOCUMENT_TABLES) -> str:
    """A short hash of the staged tables' definitions (names, columns, types, order). A staged
    version records it, so changing any column here (a new amount in the vocabulary, say)
    stages every document again without anyone bumping ``PARSER_VERSION``."""
    ddl = "\n".join(t.ddl() for t in tables)
    return hashlib.sha256(ddl.encode("utf-8")).hexdigest()[:12]


SCHEMA_FINGERPRINT = schema_fingerprint()
