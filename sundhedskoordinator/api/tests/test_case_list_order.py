"""The API's case list has the pages' order and search: open cases first by their next deadline,
a search by reference or name, and a CPR number refused in the URL."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to

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
    facts as EXISTS columns, read for those cases alone: by their keys, nothing else in the
    WHERE, no order and no LIMIT. Read with the list's filter, order and LIMIT instead, the
    facts were planned for every case of the list (PostgreSQL hashed every resource course)."""
    closed, scheduled, draft = _three(world)
    client = api("sagsbehandler")
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/cases", page_size=2)
    (details,) = [q["sql"] for q in queries.captured_queries if '"in_course"' in q["sql"]]
    assert _refs(first) == [scheduled.reference, draft.reference]
    assert first.json()["count"] == 3
    assert _refs(client.get("/cases", page_size=2, page=2)) == [closed.reference]
    assert _refs(client.get("/cases", page_size=2, page=3)) == []
    assert _refs(client.get("/cases", page_size=1, page=2, order="newest")) == [scheduled.reference]
    where = details.rsplit(" WHERE ", 1)[1]
    assert re.fullmatch(rf'"cases_case"\."id" IN \({scheduled.pk}, {draft.pk}\)', where) or (
        re.fullmatch(rf'"cases_case"\."id" IN \({draft.pk}, {scheduled.pk}\)', where)
    ), details
