"""Database triggers that refuse UPDATE and DELETE on a table, for the logs that are only ever
appended to and for locked records. Migrations create them; nothing at run time lifts them (there
is no switch: the application cannot change a row even if a bug tells it to). Anyone who may run
DDL on the database could drop a trigger: these guard against the application, not the DBA.

SQLite drops a table's triggers when a later migration remakes the table; such a migration must
call :func:`refuse_changes` again (the append-only tests fail until it does). On PostgreSQL the
test suite's flush is a TRUNCATE, which row triggers do not see; on SQLite only the test suite's
flush drops and recreates them (``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: The PostgreSQL function every such trigger calls; it names the table in the error.
_POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ "
    "LANGUAGE plpgsql"
)


def refusal_statements(vendor: str, table: str, *, reason: str = "is append-only") -> list[str]:
    """The SQL that makes ``table`` refuse every UPDATE and DELETE, replacing any trigger of the
    same name (so a migration may run it again over an older definition)."""
    if vendor == "sqlite":
        statements = []
        for operation in ("update", "delete"):
            name = f"{table}_no_{operation}"
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {reason}'); END",
            ]
        return statements
    if vendor == "postgresql":
        return [
            _POSTGRESQL_FUNCTION,
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()",
        ]
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def removal_statements(vendor: str, table: str) -> list[str]:
    """The SQL that takes the refusal away again (only for reversing a migration)."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def refuse_changes(schema_editor: Any, tables: Iterable[str], *, reason: str = "") -> None:
    """Make each of ``tables`` append-only; for a migration's ``RunPython``."""
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for table in tables:
            for sql in refusal_statements(vendor, table, reason=reason or "is append-only"):
                cursor.execute(sql)


def allow_changes(schema_editor: Any, tables: Iterable[str]) -> None:
    """Reverse :func:`refuse_changes`."""
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for table in tables:
            for sql in removal_statements(vendor, table):
                cursor.execute(sql)
