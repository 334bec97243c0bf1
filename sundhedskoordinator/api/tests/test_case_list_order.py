"""The API's case list has the pages' order and search: open cases first by their next deadline,
a search by reference or name, and a CPR number refused in the URL."""

import pytest

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
