"""Searching for a piece of text inside a column without reading the whole table, on
PostgreSQL: a GIN trigram index (``pg_trgm``) on the column's upper case, the very expression
Django's ``icontains`` compares (``UPPER(column) LIKE UPPER('%text%')``), so that a search by
name among a million citizens reads the index instead of every row. SQLite has no such index;
there the operation does nothing and a search reads the table as before."""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation


class TrigramIndex(Operation):
    """Create (and on reversal drop) a trigram index ``name`` on ``UPPER(column)`` of ``table``,
    on PostgreSQL only. The ``pg_trgm`` extension comes first (``TrigramExtension``)."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, table: str, column: str, name: str) -> None:
        self.table, self.column, self.name = table, column, name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"table": self.table, "column": self.column, "name": self.name},
        )

    def state_forwards(self, app_label: str, state: Any) -> None:
        # Not part of the models' state: an index of one database engine only.
        pass

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {quote(self.table)} "
            f"USING gin (UPPER({quote(self.column)}) gin_trgm_ops)"
        )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self) -> str:
        return f"Trigram index {self.name} on UPPER({self.table}.{self.column}) (PostgreSQL)"

    @property
    def migration_name_fragment(self) -> str:
        return f"trigram_{self.name}"
