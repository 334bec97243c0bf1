"""The cost of a list or a detail does not grow with the number of cases or documents, and stays
within the budget the design allows for one request (12 queries). The figures below were counted
by capturing the queries of each request and reading them, and are written down here by hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import (
    SAMPLE_CONCERN,
    SAMPLE_OFFER,
    SAMPLE_PDF,
    new_case,
    walk_case_to,
)

pytestmark = pytest.mark.django_db

#: The most queries one list or detail request may cost.
BUDGET = 12

#: ``GET /cases`` as a caseworker, whatever the number of cases on the page:
LIST_QUERIES = sum(
    [
        1,  # the bearer token, joined with its user, and the user's role memberships as one
        #     column (the policy's grants, read once for the whole request)
        1,  # COUNT(*) of the cases in scope, for "count"
        1,  # the page's keys, in the list's order
        1,  # the page's cases by those keys, joined with citizen, municipality, responsible,
        #     offer (with who registered it), concern and decision, with the written-guidance
        #     flag and whether the citizen is in a ressourceforløb today as EXISTS subqueries
        1,  # prefetch: each case's agenda history with meeting, team, people, dispatch and the
        #     conversation held at the item (joined: "held" is whether there is one); the live
        #     item is the one not cancelled
        1,  # prefetch: the offer's versions, with who recorded each
        1,  # prefetch: the advice versions
    ]
)
#: ``GET /cases/{id}`` as the responsible caseworker, who reads health data:
DETAIL_QUERIES = sum(
    [
        1,  # the bearer token, joined with its user, with the user's role memberships
        1,  # the case in scope, joined as in the list
        1,  # prefetch: the agenda history, with the conversations (the live item among them)
        1,  # prefetch: the offer's versions
        1,  # prefetch: the advice versions
        1,  # INSERT of the access-log row for the read of health data (the organisation's name
        #     came with the grants)
    ]
)


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _cases(world, count):
    states = [Status.DRAFT, Status.REQUESTED, Status.SCHEDULED, Status.ADVISED, Status.CLOSED]
    for i in range(count):
        case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
        walk_case_to(case, states[i % len(states)], cast=world.cast, meeting=world.meeting)


def test_case_list_costs_the_same_for_few_and_many_cases(world, api):
    client = api("sagsbehandler")
    _cases(world, 2)
    few = _queries(client, "/cases")
    _cases(world, 8)
    assert client.get("/cases").json()["count"] == 10
    many = _queries(client, "/cases")
    assert few == many == LIST_QUERIES == 7
    assert LIST_QUERIES <= BUDGET


def test_case_list_costs_the_same_for_a_user_with_many_roles(world, api, demo_users):
    from sundhedskoordinator.organisations.choices import Role
    from sundhedskoordinator.organisations.models import Municipality, Region
    from sundhedskoordinator.organisations.services import grant_role

    _cases(world, 3)
    client = api("sagsbehandler")
    before = _queries(client, "/cases")
    user = demo_users["sagsbehandler"]
    for municipality in Municipality.objects.all():
        grant_role(user=user, role=Role.SECRETARIAT, municipality=municipality)
        grant_role(user=user, role=Role.MANAGER, municipality=municipality)
    for region in Region.objects.all():
        grant_role(user=user, role=Role.CLINICAL_ADMIN, region=region)
    assert _queries(client, "/cases") == before == LIST_QUERIES


def test_case_detail_costs_the_same_with_more_documents(world, api):
    client = api("sagsbehandler")
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    few = _queries(client, f"/cases/{case.pk}")
    other = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.REQUESTED,
        cast=world.cast,
    )
    for _ in range(5):
        services.add_document(
            actor=world.users["sagsbehandler"],
            case_id=other.pk,
            kind="other",
            filename="bilag.pdf",
            content=SAMPLE_PDF,
        )
    assert _queries(client, f"/cases/{other.pk}") == few == DETAIL_QUERIES == 6
    assert DETAIL_QUERIES <= BUDGET
    assert len(client.get(f"/cases/{other.pk}/documents").json()) == 5


#: ``POST /cases`` by a caseworker, with the offer and the citizen's description, in a year whose
#: case numbers have begun (the first case of a year also makes the year's row):
CREATE_QUERIES = sum(
    [
        1,  # the bearer token, joined with its user, with the user's role memberships
        1,  # the citizen in scope (without the ressourceforløb and guidance history), with
        #     whether they had written guidance by today (BEK 2409/2021 § 2)
        1,  # the transaction begins (a savepoint inside the test's own transaction)
        1,  # UPDATE of the year's case sequence, answering its new last number (RETURNING;
        #     the row stays locked until the commit)
        1,  # INSERT of the case (a new case has no offer nor description: nothing is looked up)
        1,  # INSERT of the offer (who registered it is the authenticated user: not looked up)
        1,  # INSERT of the offer's first version (a new offer has no versions before it)
        1,  # INSERT of the citizen's description
        1,  # INSERT of the case's event
        1,  # the transaction ends
        1,  # the case in scope as the answer shows it, joined as in the detail (a case made
        #     now has had no agenda items and no advice: those are not read)
        1,  # prefetch: the offer's versions
        1,  # INSERT of the access-log row: the answer shows the description it wrote
    ]
)
#: ``POST /cases/{id}/submit`` by the responsible caseworker on a complete draft:
SUBMIT_QUERIES = sum(
    [
        1,  # the bearer token, joined with its user, with the user's role memberships
        1,  # the transaction begins
        1,  # the case locked, found only in the user's scope (out of scope: 404 before anything
        #     is written), with its citizen, municipality and region, responsible caseworker,
        #     offer and description, and whether the citizen is in a ressourceforløb today
        1,  # the case's agenda items (who is on the case)
        1,  # the region's collaboration agreement of today (the groups with the right)
        1,  # UPDATE of the case with its list order, in one statement
        1,  # INSERT of the case's event
        1,  # the transaction ends
        1,  # the case in scope as the answer shows it
        1,  # prefetch: the agenda history
        1,  # prefetch: the offer's versions
        1,  # prefetch: the advice versions
        1,  # INSERT of the access-log row
    ]
)


def _posted(client, path, body):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(path, body)
    assert response.status_code in (200, 201), response.content
    return response.json(), len(ctx.captured_queries)


def test_creating_and_requesting_a_case_cost_what_the_writes_need(world, api):
    """The two writes of the load benchmark, counted by hand above: nothing is read that the
    action knows already (a new case's missing offer, the acting user, a new offer's versions)."""
    client = api("sagsbehandler")
    body = {"citizen": world.citizen.pk, "offer": SAMPLE_OFFER, "health_concern": SAMPLE_CONCERN}
    _posted(client, "/cases", body)  # the year's first case makes the year's sequence row
    for _ in range(2):
        created, creating = _posted(client, "/cases", body)
        assert creating == CREATE_QUERIES == 13
        # What the answer did not read (the new case's agenda history and advice) is what a
        # read of the case gives: the answer is the case as it is.
        again = client.get(f"/cases/{created['id']}").json()
        assert created == again
        assert [v["version"] for v in created["offer_history"]] == [1]
        submitted, submitting = _posted(
            client, f"/cases/{created['id']}/submit", {"channel": "meeting"}
        )
        assert submitting == SUBMIT_QUERIES == 13
        assert submitted["status"] == Status.REQUESTED
