"""The cost of a list or a detail does not grow with the number of cases or documents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import SAMPLE_PDF, new_case, walk_case_to

pytestmark = pytest.mark.django_db

#: Committed baselines: token + user, memberships, count, cases, and one query per prefetched
#: relation (active agenda items, the agenda history, conversations, advice). A detail read of
#: health data adds the access log: the organisation's name and the insert.
LIST_QUERIES = 8
DETAIL_QUERIES = 9


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
    assert few == many == LIST_QUERIES


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
    assert _queries(client, "/cases") == before


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
    assert _queries(client, f"/cases/{other.pk}") == few == DETAIL_QUERIES
    assert len(client.get(f"/cases/{other.pk}/documents").json()) == 5
