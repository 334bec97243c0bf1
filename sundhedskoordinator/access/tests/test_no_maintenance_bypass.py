"""The append-only tables refuse UPDATE and DELETE at run time with no way around it: the
refusal holds on SQLite and PostgreSQL for every such table, and no switch lifts it (only a
migration may change the triggers)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from sundhedskoordinator.access.models import AccessAction
from sundhedskoordinator.access.services import log_access
from sundhedskoordinator.billing.tests.test_services import FEB_10, FEBRUARY, approve, rate
from sundhedskoordinator.cases.walk import new_case

pytestmark = pytest.mark.django_db

APPEND_ONLY_TABLES = [
    "access_accesslog",
    "audit_caseevent",
    "audit_adminlogentry",
    "billing_settlement",
    "billing_settlementline",
]


@pytest.fixture
def one_row_each(world: Any, treat: Any) -> None:
    from sundhedskoordinator.audit.admin_log import record_admin_change
    from sundhedskoordinator.audit.models import AdminAction

    log_access(
        user=world.users["sagsbehandler"], action=AccessAction.VIEW, object_type="case", object_id=1
    )
    new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    record_admin_change(
        actor=world.users["admin"],
        action=AdminAction.CHANGED,
        instance=world.users["leder"],
        changes={"last_name": ["Dahl", "Holm"]},
    )
    rate(world, "2000.00", FEB_10.replace(day=1))
    treat(FEB_10)
    approve(world, FEBRUARY)


def _some_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id LIMIT 1")  # noqa: S608 - fixed names
        row = cursor.fetchone()
    assert row, f"{table} has no row to try"
    return int(row[0])


def _try(sql: str, *params: Any) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_database_refuses_update_and_delete(one_row_each: None, table: str) -> None:
    pk = _some_id(table)
    _try(f"UPDATE {table} SET id = id WHERE id = %s", pk)  # noqa: S608 - fixed names
    _try(f"DELETE FROM {table} WHERE id = %s", pk)  # noqa: S608 - fixed names
    assert _some_id(table) == pk


@pytest.mark.django_db(transaction=True)
def test_the_test_suites_flush_still_empties_them(one_row_each: None) -> None:
    """After this test the suite flushes the database with DELETE on SQLite: ``conftest.py``
    drops the triggers for the flush and creates them again, which the next tests rely on."""
    assert all(_some_id(table) for table in APPEND_ONLY_TABLES)


def _maintenance_table_exists() -> bool:
    return "append_only_maintenance" in connection.introspection.table_names()


def test_no_maintenance_switch_exists(db: None) -> None:
    assert not _maintenance_table_exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = dict(cursor.fetchall())
        for table in APPEND_ONLY_TABLES:
            for operation in ("update", "delete"):
                sql = triggers[f"{table}_no_{operation}"]
                assert " WHEN " not in sql.upper(), sql


def test_recreating_the_old_switch_lifts_nothing(one_row_each: None) -> None:
    """A row in a table of the old switch's name changes nothing: the triggers ask for none."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE append_only_maintenance (reason text)")
        cursor.execute("INSERT INTO append_only_maintenance VALUES ('flush')")
    try:
        for table in APPEND_ONLY_TABLES:
            _try(f"DELETE FROM {table} WHERE id = %s", _some_id(table))  # noqa: S608
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE append_only_maintenance")
