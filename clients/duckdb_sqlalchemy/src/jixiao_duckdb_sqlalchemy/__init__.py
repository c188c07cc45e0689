"""duckdb-engine's dialect, reflecting tables from DuckDB's own catalog.

SQLAlchemy >= 2.0.45 reflects PostgreSQL-like databases with catalog queries DuckDB cannot
answer (``pg_catalog.pg_collation``, ``CAST(… AS REGCLASS)``); duckdb-engine inherits them.
:class:`DuckDBReflectingDialect` answers columns, comments, primary and foreign keys from
``duckdb_columns()``, ``duckdb_constraints()`` and ``duckdb_tables()`` instead.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy.types as sqltypes
from duckdb_engine import Dialect as _DuckDBDialect
from sqlalchemy import exc, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import reflection
from sqlalchemy.engine.default import DefaultDialect

__all__ = ["DuckDBReflectingDialect", "column_type"]

_SIMPLE: dict[str, sqltypes.TypeEngine[Any]] = {
    "VARCHAR": sqltypes.String(),
    "BOOLEAN": sqltypes.Boolean(),
    "TINYINT": sqltypes.SmallInteger(),
    "SMALLINT": sqltypes.SmallInteger(),
    "INTEGER": sqltypes.Integer(),
    "BIGINT": sqltypes.BigInteger(),
    "HUGEINT": sqltypes.Numeric(38, 0),
    "UTINYINT": sqltypes.SmallInteger(),
    "USMALLINT": sqltypes.Integer(),
    "UINTEGER": sqltypes.BigInteger(),
    "UBIGINT": sqltypes.Numeric(20, 0),
    "FLOAT": sqltypes.Float(),
    "DOUBLE": sqltypes.Double(),
    "DATE": sqltypes.Date(),
    "TIME": sqltypes.Time(),
    "TIMESTAMP": sqltypes.DateTime(),
    "TIMESTAMP WITH TIME ZONE": sqltypes.DateTime(timezone=True),
    "INTERVAL": sqltypes.Interval(),
    "BLOB": sqltypes.LargeBinary(),
    "UUID": sqltypes.Uuid(),
    "JSON": sqltypes.JSON(),
}
#: DuckDB's catalog functions list every attached database's objects: keep the connected one's.
_HERE = "database_name = current_database()"
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def column_type(data_type: str) -> sqltypes.TypeEngine[Any]:
    """The SQLAlchemy type of a DuckDB ``data_type`` (as ``duckdb_columns()`` spells it)."""
    name = data_type.strip().upper()
    if name.endswith("[]"):
        return ARRAY(column_type(name[:-2]))
    m = _DECIMAL.fullmatch(name)
    if m:
        return sqltypes.Numeric(int(m.group(1)), int(m.group(2)))
    if name in _SIMPLE:
        return _SIMPLE[name]
    return sqltypes.NullType()


class DuckDBReflectingDialect(_DuckDBDialect):  # type: ignore[misc]
    driver = "jixiao"
    supports_comments = True
    supports_statement_cache = False  # as duckdb-engine's

    # -- helpers -------------------------------------------------------------------

    @staticmethod
    def _schema(schema: str | None) -> str:
        if not schema:
            return "main"
        return schema.split(".")[-1]  # duckdb-engine lists schemas as "database.schema"

    def _rows(self, connection: Any, sql: str, table_name: str, schema: str | None) -> list[Any]:
        """The rows of a catalog query on one relation (``:s`` its schema, ``:t`` its name)."""
        return list(connection.execute(text(sql), {"s": self._schema(schema), "t": table_name}).all())

    def _relation(self, connection: Any, table_name: str, schema: str | None) -> Any:
        """The table's or view's catalog row (its comment), or None if there is no such relation."""
        rows = self._rows(
            connection,
            f"select comment from duckdb_tables() where schema_name = :s and table_name = :t and {_HERE} "
            f"union all select comment from duckdb_views() where schema_name = :s and view_name = :t and {_HERE}",
            table_name,
            schema,
        )
        return rows[0] if rows else None

    # -- names --------------------------------------------------------------------------

    @reflection.cache  # type: ignore[misc]
    def get_table_names(self, connection: Any, schema: str | None = None, **kw: Any) -> list[str]:
        """The tables of ``schema`` — of the default schema (``main``) when None, as SQLAlchemy
        means it, not of every schema."""
        rows = connection.execute(
            text(
                "select table_name from duckdb_tables() where schema_name = :s "
                f"and {_HERE} and not temporary order by table_name"
            ),
            {"s": self._schema(schema)},
        ).all()
        return [r[0] for r in rows]

    # -- single-table reflection ----------------------------------------------------

    @reflection.cache  # type: ignore[misc]
    def get_columns(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        rows = self._rows(
            connection,
            "select column_name, data_type, is_nullable, column_default, comment from duckdb_columns() "
            f"where schema_name = :s and table_name = :t and {_HERE} order by column_index",
            table_name,
            schema,
        )
        if not rows:
            raise exc.NoSuchTableError(table_name)
        return [
            {
                "name": name,
                "type": column_type(data_type),
                "nullable": bool(nullable),
                "default": default,
                "autoincrement": False,
                "comment": comment or None,
            }
            for name, data_type, nullable, default, comment in rows
        ]

    def _constraints(self, connection: Any, table_name: str, schema: str | None, kind: str) -> list[Any]:
        """(columns, name, referenced table, referenced columns, expression) of each constraint
        of ``kind`` (PRIMARY KEY, FOREIGN KEY, UNIQUE, CHECK) on the table."""
        return self._rows(
            connection,
            "select constraint_column_names, constraint_name, referenced_table, referenced_column_names, expression "
            f"from duckdb_constraints() where schema_name = :s and table_name = :t and {_HERE} "
            f"and constraint_type = '{kind}' order by constraint_index",
            table_name,
            schema,
        )

    @reflection.cache  # type: ignore[misc]
    def get_pk_constraint(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        rows = self._constraints(connection, table_name, schema, "PRIMARY KEY")
        if not rows:
            if self._relation(connection, table_name, schema) is None:
                raise exc.NoSuchTableError(table_name)
            return {"constrained_columns": [], "name": None}
        columns, name, *_ = rows[0]
        return {"constrained_columns": list(columns), "name": name}

    @reflection.cache  # type: ignore[misc]
    def get_foreign_keys(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        rows = self._constraints(connection, table_name, schema, "FOREIGN KEY")
        if not rows and self._relation(connection, table_name, schema) is None:
            raise exc.NoSuchTableError(table_name)
        return [
            {
                "name": name,
                "constrained_columns": list(columns),
                "referred_schema": schema,
                "referred_table": referenced,
                "referred_columns": list(referenced_columns),
                "options": {},
            }
            for columns, name, referenced, referenced_columns, _ in rows
        ]

    @reflection.cache  # type: ignore[misc]
    def get_unique_constraints(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return [
            {"name": name, "column_names": list(columns)}
            for columns, name, *_ in self._constraints(connection, table_name, schema, "UNIQUE")
        ]

    @reflection.cache  # type: ignore[misc]
    def get_check_constraints(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return [
            {"name": name, "sqltext": expression}
            for _, name, _, _, expression in self._constraints(connection, table_name, schema, "CHECK")
        ]

    def get_table_options(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        return {}  # no storage options, inheritance or tablespaces in DuckDB

    def get_indexes(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[Any]:
        return []  # keys are reflected as constraints; DuckDB's ART indexes are not for BI tools

    @reflection.cache  # type: ignore[misc]
    def get_table_comment(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        row = self._relation(connection, table_name, schema)
        if row is None:
            raise exc.NoSuchTableError(table_name)
        return {"text": row[0] or None}

    # -- the multi-table forms SQLAlchemy 2 calls: one table at a time, as above ------

    get_multi_columns = DefaultDialect.get_multi_columns
    get_multi_pk_constraint = DefaultDialect.get_multi_pk_constraint
    get_multi_foreign_keys = DefaultDialect.get_multi_foreign_keys
    get_multi_unique_constraints = DefaultDialect.get_multi_unique_constraints
    get_multi_table_comment = DefaultDialect.get_multi_table_comment
    get_multi_check_constraints = DefaultDialect.get_multi_check_constraints
    get_multi_indexes = DefaultDialect.get_multi_indexes
    get_multi_table_options = DefaultDialect.get_multi_table_options


dialect = DuckDBReflectingDialect
