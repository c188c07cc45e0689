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

    def _table_exists(self, connection: Any, table_name: str, schema: str | None) -> bool:
        found = connection.execute(
            text(
                f"select 1 from duckdb_tables() where schema_name = :s and table_name = :t and {_HERE} "
                f"union all select 1 from duckdb_views() where schema_name = :s and view_name = :t and {_HERE}"
            ),
            {"s": self._schema(schema), "t": table_name},
        ).first()
        return found is not None

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
        rows = connection.execute(
            text(
                "select column_name, data_type, is_nullable, column_default, comment from duckdb_columns() "
                f"where schema_name = :s and table_name = :t and {_HERE} order by column_index"
            ),
            {"s": self._schema(schema), "t": table_name},
        ).all()
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
        return connection.execute(
            text(
                "select constraint_column_names, constraint_name, referenced_table, referenced_column_names "
                "from duckdb_constraints() where schema_name = :s and table_name = :t "
                f"and {_HERE} and constraint_type = :k order by constraint_index"
            ),
            {"s": self._schema(schema), "t": table_name, "k": kind},
        ).all()

    @reflection.cache  # type: ignore[misc]
    def get_pk_constraint(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        rows = self._constraints(connection, table_name, schema, "PRIMARY KEY")
        if not rows:
            if not self._table_exists(connection, table_name, schema):
                raise exc.NoSuchTableError(table_name)
            return {"constrained_columns": [], "name": None}
        columns, name, _, _ = rows[0]
        return {"constrained_columns": list(columns), "name": name}

    @reflection.cache  # type: ignore[misc]
    def get_foreign_keys(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        rows = self._constraints(connection, table_name, schema, "FOREIGN KEY")
        if not rows and not self._table_exists(connection, table_name, schema):
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
            for columns, name, referenced, referenced_columns in rows
        ]

    @reflection.cache  # type: ignore[misc]
    def get_unique_constraints(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return [
            {"name": name, "column_names": list(columns)}
            for columns, name, _, _ in self._constraints(connection, table_name, schema, "UNIQUE")
        ]

    @reflection.cache  # type: ignore[misc]
    def get_check_constraints(
        self, connection: Any, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        rows = connection.execute(
            text(
                "select constraint_name, expression from duckdb_constraints() where schema_name = :s "
                f"and table_name = :t and {_HERE} and constraint_type = 'CHECK' "
                "order by constraint_index"
            ),
            {"s": self._schema(schema), "t": table_name},
        ).all()
        return [{"name": name, "sqltext": expression} for name, expression in rows]

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
        row = connection.execute(
            text(
                f"select comment from duckdb_tables() where schema_name = :s and table_name = :t and {_HERE} "
                f"union all select comment from duckdb_views() where schema_name = :s and view_name = :t and {_HERE}"
            ),
            {"s": self._schema(schema), "t": table_name},
        ).first()
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
