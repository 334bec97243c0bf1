"""The API's case list has the pages' order and search: open cases first by their next deadline,
a search by reference or name, and a CPR number refused in the URL."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.access.policy import grants_for
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import CASE_ORDERS, page_with_details
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.organisations.models import Municipality

pytestmark = pytest.mark.django_db


def _three(world):
    caseworker = world.users["sagsbehandler"]
    closed = walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker),
        Status.CLOSED,
        cast=world.cast,
        meeting=world.meeting,
    )
    scheduled = walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    draft = new_case(citizen=world.citizen, caseworker=caseworker)
    return closed, scheduled, draft


def _refs(response):
    assert response.status_code == 200, response.content
    return [c["reference"] for c in response.json()["items"]]


def test_open_cases_by_next_deadline_first_then_the_other_orders(world, api):
    closed, scheduled, draft = _three(world)
    client = api("sagsbehandler")
    assert _refs(client.get("/cases")) == [scheduled.reference, draft.reference, closed.reference]
    assert _refs(client.get("/cases", order="newest")) == [
        draft.reference,
        scheduled.reference,
        closed.reference,
    ]
    assert _refs(client.get("/cases", order="reference")) == [
        closed.reference,
        scheduled.reference,
        draft.reference,
    ]
    refused = client.get("/cases", order="sideways")
    assert refused.status_code == 400 and "order" in refused.json()["error"]["fields"]


def test_search_by_reference_or_name_but_never_by_cpr_in_the_url(world, api):
    _closed, scheduled, _draft = _three(world)
    client = api("sagsbehandler")
    assert _refs(client.get("/cases", q=scheduled.reference)) == [scheduled.reference]
    assert len(_refs(client.get("/cases", q="sørensen"))) == 3
    assert _refs(client.get("/cases", q="nobody")) == []
    for cpr in ("1203851234", "120385-1234"):
        refused = client.get("/cases", q=cpr)
        assert refused.status_code == 400
        assert "q" in refused.json()["error"]["fields"]
        body = refused.content.decode()
        assert "1203851234" not in body and "120385-1234" not in body  # not echoed back


def test_the_api_offers_exactly_the_orders_the_selector_knows():
    from typing import get_args

    from sundhedskoordinator.api.cases import CaseOrder
    from sundhedskoordinator.cases.selectors import CASE_ORDERS

    assert set(get_args(CaseOrder)) == set(CASE_ORDERS)


def test_a_page_keeps_the_lists_order_and_reads_its_details_by_key(world, api):
    """The page's cases are found in the list's order, and their details, with the citizen's
    facts as EXISTS columns, read for those cases alone: by their keys within the user's scope,
    with no order and no LIMIT. Read with the list's order and LIMIT instead, the facts were
    planned for every case of the list (PostgreSQL hashed every resource course)."""
    closed, scheduled, draft = _three(world)
    client = api("sagsbehandler")
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/cases", page_size=2)
    (details,) = [q["sql"] for q in queries.captured_queries if '"in_course"' in q["sql"]]
    assert _refs(first) == [scheduled.reference, draft.reference]
    assert first.json()["count"] == 3
    assert _refs(client.get("/cases", page_size=2, page=2)) == [closed.reference]
    assert _refs(client.get("/cases", page_size=2, page=3)) == []
    where = details.rsplit(" WHERE ", 1)[1]
    (keys,) = re.findall(r'"cases_case"\."id" IN \(([\d, ]+)\)', where)
    assert sorted(int(key) for key in keys.split(", ")) == sorted([scheduled.pk, draft.pk])
    assert "ORDER BY" not in where and "LIMIT" not in where, details


@pytest.mark.parametrize("order", sorted(CASE_ORDERS))
def test_pages_of_one_joined_are_the_whole_list_in_every_order(world, api, order):
    """Read one case a page, the pages together are the list read whole, in each order: the
    page's keys are taken in the order and the details put back in it."""
    _three(world)
    new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client = api("sagsbehandler")
    whole = _refs(client.get("/cases", page_size=100, order=order))
    assert len(whole) == len(set(whole)) == 4
    pages = [_refs(client.get("/cases", page_size=1, page=n, order=order)) for n in range(1, 6)]
    assert pages == [[reference] for reference in whole] + [[]]


def test_the_details_of_a_page_are_read_only_within_the_users_scope(world):
    """Handed the key of a case outside the user's scope (as if it had left it between the two
    reads), the details read leaves it out."""
    copenhagen = Municipality.objects.get(code="101")
    theirs = new_case(
        citizen=citizen_services.create_citizen(
            actor=world.users["sagsbehandler2"],
            cpr="0202921234",
            name="Ole Hansen",
            municipality=copenhagen,
            course_start=dt.date(2026, 1, 1),
        ),
        caseworker=world.users["sagsbehandler2"],
    )
    ours = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    caseworker = world.users["sagsbehandler"]
    every_case = Case.objects.filter(pk__in=[ours.pk, theirs.pk]).order_by("pk")
    page = page_with_details(every_case, 0, 10, user=caseworker, grants=grants_for(caseworker))
    assert [case.pk for case in page] == [ours.pk]
    assert page[0].in_course and page[0].has_written_guidance
