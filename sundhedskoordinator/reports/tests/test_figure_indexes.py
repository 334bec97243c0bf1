"""The statistics are counted from indexes alone (``cases.models.FIGURE_COLUMNS``): every column
the figures' queries read of the cases, their first advice and decision and the agenda items
(which keep what the figures need of their dispatch and conversation) is held in that table's
figure index, so that PostgreSQL can count them by index-only scans and SQLite from covering
indexes, without reading the wide rows (the case's texts, the package's snapshot) of a region's
year. At a million cases on PostgreSQL this
took a year and a region from about 600 to about 250 ms (docs/performance.md). A column added to
a figure's query and not to its index fails here, for every reader and with a team chosen.
No figure reads the dispatches themselves, and the conversations only for a team's advice.
(Where a plan reaches a row through another index, as a case through its key from an item, the
database may still read that row.)"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World
from sundhedskoordinator.cases.choices import Outcome, Status
from sundhedskoordinator.cases.models import (
    FIGURE_COLUMNS,
    Advice,
    AgendaItem,
    Case,
    Conversation,
    Decision,
)
from sundhedskoordinator.reports.selectors import StatisticsFilter, statistics_and_months

pytestmark = pytest.mark.django_db

#: The figure index of each table the statistics count.
INDEXES = {
    model._meta.db_table: (key, model)
    for key, model in (
        ("case", Case),
        ("advice", Advice),
        ("decision", Decision),
        ("item", AgendaItem),
        ("conversation", Conversation),
    )
}


def _columns(key: str, model: Any) -> set[str]:
    index = next(i for i in model._meta.indexes if list(i.fields) == FIGURE_COLUMNS[key])
    return {model._meta.get_field(name).column for name in index.fields}


def _read(sql: str) -> dict[str, set[str]]:
    """The columns ``sql`` reads of each table. A table joined under an alias (Django's
    ``"cases_case" "T7"``, a subquery's ``"U0"``) is named by its table; a qualifier that is
    neither fails the test, so no read is left unchecked."""
    tables = set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql))
    aliases = {alias: table for table, alias in re.findall(r'(?:FROM|JOIN) "(\w+)" "(\w+)"', sql)}
    read: dict[str, set[str]] = {}
    for qualifier, column in re.findall(r'"(\w+)"\."(\w+)"', sql):
        table = aliases.get(qualifier, qualifier)
        assert table in tables, (qualifier, sql)
        read.setdefault(table, set()).add(column)
    return read


@pytest.fixture
def figures(world: World, treat: Any) -> None:
    """Every kind of row the figures count: advice and a decision, a late dispatch, a
    conversation, a cancelled item."""
    treat(dt.date(2026, 2, 17), Status.DECIDED, requested_days_before=30, outcome=Outcome.ADJUST)
    treat(
        dt.date(2026, 3, 17),
        Status.ADVISED,
        requested_days_before=40,
        sent_late_on=dt.date(2026, 3, 10),
        advice_minutes=40,
    )
    treat(dt.date(2026, 3, 10), cancelled=True, requested_days_before=30)


@pytest.mark.parametrize("team", [False, True], ids=["all", "team"])
@pytest.mark.parametrize("reader", ["klinisk", "leder"])
def test_the_statistics_read_only_what_the_figure_indexes_hold(world, figures, reader, team):
    period = StatisticsFilter(
        dt.date(2026, 1, 1), dt.date(2026, 12, 31), team_id=world.team.pk if team else None
    )
    with CaptureQueriesContext(connection) as captured:
        shown, months = statistics_and_months(user=world.users[reader], filters=period)
    # The world was counted: the test is not passing on empty queries.
    # Three packages sent (the cancelled item had been sent too), one conversation cancelled.
    assert shown["dispatches"] == 3 and shown["cancellations_total"] == 1
    assert sum(row["count"] for row in shown["outcomes"]) == 1
    assert shown["minutes_conversation_to_advice"].count == 2
    checked = set()
    for query in captured.captured_queries:
        read = _read(query["sql"])
        assert "meetings_dispatch" not in read, query["sql"]
        for table, columns in read.items():
            if table in INDEXES:
                held = _columns(*INDEXES[table])
                assert columns <= held, (table, columns - held, query["sql"])
                checked.add(table)
    # The conversations are read only to find the advice given at a team's meetings.
    assert checked == set(INDEXES) - ({"cases_conversation"} if not team else set()), checked
    if connection.vendor == "sqlite":
        _counted_from_case_alive(captured.captured_queries)


def _counted_from_case_alive(queries: list[dict[str, Any]]) -> None:
    """SQLite's plans search the cases alive in the period in ``case_alive`` alone (a case looked
    up by its key from an item is one row). For one row of a dispatch, a decision or a
    conversation SQLite prefers the unique index of its item or case and reads the row;
    PostgreSQL's choice at a small size is its own, and its plans at a million, with the figure
    indexes, are in docs/performance-plans-1m.md."""
    searched = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plan = [str(row[-1]) for row in cursor.fetchall()]
            searched += [
                line
                for line in plan
                if " cases_case " in f"{line} " and "INTEGER PRIMARY KEY" not in line
            ]
    assert searched and all("COVERING INDEX case_alive" in line for line in searched), searched
