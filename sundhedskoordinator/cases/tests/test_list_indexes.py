"""The case list is read through indexes that hold its default order (``CASE_ORDERS``): after
the municipality (``case_list_order``), and after the municipality and the state
(``case_state_order``), so that a list filtered by a rare state reads that state's cases in the
order shown. At a million cases Odense has 49 sent among 50,000: walked in the list's order,
every one of the 50,000 was read to find them."""

import pytest
from django.db import connection

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import CASE_ORDERS, DEFAULT_CASE_ORDER, list_cases
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    """The database's plan for ``queryset``; PostgreSQL's as if its tables were large."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_list_indexes_hold_the_default_order():
    order = list(CASE_ORDERS[DEFAULT_CASE_ORDER])
    fields = {index.name: index.fields for index in Case._meta.indexes}
    assert fields["case_list_order"] == ["municipality", *order]
    assert fields["case_state_order"] == ["municipality", "status", *order]


@pytest.mark.parametrize("table", [True, False], ids=["page", "api"])
def test_a_list_of_one_state_reads_that_states_cases_in_the_order_shown(world, table):
    caseworker = world.users["sagsbehandler"]
    for target in (Status.DRAFT, Status.REQUESTED, Status.READY):
        walk_case_to(
            new_case(citizen=world.citizen, caseworker=caseworker), target, cast=world.cast
        )
    requested = list_cases(user=caseworker, status=Status.REQUESTED, table=table)
    assert [case.status for case in requested] == [Status.REQUESTED]
    # The API reads the page's keys in this order, then their details by key.
    plan = _plan(requested if table else requested.values_list("pk", flat=True))
    assert "case_state_order" in plan, plan
    # Read in the order shown: nothing sorted afterwards.
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort Key" not in plan, plan


def test_a_searched_list_is_counted_from_the_search_index(world):
    """The count of a searched list tests each of the municipality's cases by its reference and
    citizen, all held in ``case_muni_search``: it can be read from the index alone, not the wide
    case rows (on PostgreSQL at a million an index-only scan, docs/performance-plans-1m.md)."""
    import re

    from django.test.utils import CaptureQueriesContext

    from sundhedskoordinator.citizens.search import Search

    caseworker = world.users["sagsbehandler"]
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker), Status.DRAFT, cast=world.cast
    )
    surname = world.citizen.name.split()[-1]
    searched = list_cases(user=caseworker, search=Search.parse(surname), table=True)
    expected = Case.objects.filter(citizen=world.citizen).count()
    with CaptureQueriesContext(connection) as counting:
        assert searched.count() == expected >= 1
    (sql,) = [q["sql"] for q in counting.captured_queries]
    read = set(re.findall(r'"cases_case"\."(\w+)"', sql))
    index = next(i for i in Case._meta.indexes if i.name == "case_muni_search")
    held = {Case._meta.get_field(name).column for name in index.fields}
    assert read <= held, (read, held)
    if connection.vendor == "sqlite":
        plan = _plan(searched.order_by().values("municipality_id"))
        assert "COVERING INDEX case_muni_search" in plan, plan
