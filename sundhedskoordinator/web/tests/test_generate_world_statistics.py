"""After ``manage.py generate_world`` the database's planner knows how many rows each table
holds, the settlements written last included: with a count from before them, SQLite read a
year's settlement lines by scanning every line of the country (602 ms for one export at a million
cases). Generated outside a test transaction, as the command runs for the benchmarks: statistics
are not gathered inside one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from sundhedskoordinator.billing.models import Settlement, SettlementLine
from sundhedskoordinator.core import clock

#: A Monday, the suite's usual "now".
AT = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _planner_rows(model) -> list[int]:
    """The row counts the planner holds for ``model``'s table (one per index on SQLite)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            return [int(stat.split()[0]) for (stat,) in cursor.fetchall()]
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return [int(reltuples) for (reltuples,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_the_planner_counts_the_settlements_written_after_the_cases():
    with clock.frozen(AT):
        call_command("load_demo", verbosity=0)
        demo_lines = SettlementLine.objects.count()
        call_command("generate_world", cases=30, check=0, workers=1, verbosity=0)
    lines = SettlementLine.objects.count()
    assert lines > demo_lines, "the world's settlements hold lines of their own"
    for model, count in ((SettlementLine, lines), (Settlement, Settlement.objects.count())):
        counted = _planner_rows(model)
        assert counted, model
        assert set(counted) == {count}, (model, counted, count)
