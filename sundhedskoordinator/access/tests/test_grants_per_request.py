"""A user's grants (role memberships) are read once per request, however many policy questions
the request asks (issue: "a user's grants are read once per request"), and a role taken away
counts from the next question on, even within the same request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.access import policy
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import RoleMembership

pytestmark = pytest.mark.django_db


def _membership_reads(queries) -> int:
    """Reads of one user's grants: SELECTs from the membership table itself (not the queries
    that join it to find, e.g., the caseworkers a case can be handed to)."""
    return sum(1 for q in queries if 'FROM "organisations_rolemembership"' in q["sql"])


@pytest.fixture
def scheduled(world):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )


def test_an_api_read_of_a_case_reads_the_grants_once(world, api, scheduled):
    client = api("sagsbehandler")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/cases/{scheduled.pk}").status_code == 200
    assert _membership_reads(queries.captured_queries) == 1


def test_an_api_action_reads_the_grants_once(world, api, scheduled):
    client = api("sekretariat")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/cases/{scheduled.pk}/unschedule", {"reason": "Flyttes."})
    assert response.status_code == 200, response.content
    assert _membership_reads(queries.captured_queries) == 1


def test_the_case_page_reads_the_grants_once(world, scheduled):
    client = Client()
    client.force_login(world.users["sagsbehandler"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/sager/{scheduled.pk}/").status_code == 200
    assert _membership_reads(queries.captured_queries) == 1


def test_a_role_taken_away_counts_at_once_within_a_request(world):
    user = world.users["jobformidler"]
    with policy.grants_cached():
        assert policy.holds_role(user, Role.JOB_BROKER)
        RoleMembership.objects.get(user=user, role=Role.JOB_BROKER).delete()
        assert not policy.holds_role(user, Role.JOB_BROKER)


def test_outside_a_request_every_question_reads_afresh(world):
    user = world.users["jobformidler"]
    with CaptureQueriesContext(connection) as queries:
        policy.grants_for(user)
        policy.grants_for(user)
    assert _membership_reads(queries.captured_queries) == 2


def test_the_bearer_tokens_read_brings_the_grants_as_the_policy_reads_them(world):
    """A user with roles in two municipalities and a region: the grants that come with the token
    (one query in all) are the ones ``grants_for`` reads on its own, organisation names included,
    and the rest of the request asks nothing more of the memberships."""
    from sundhedskoordinator.api.tokens import issue_token, user_for_token
    from sundhedskoordinator.organisations.models import Municipality, Region
    from sundhedskoordinator.organisations.services import grant_role

    user = world.users["sagsbehandler"]
    svendborg = Municipality.objects.get(code="479")
    grant_role(user=user, role=Role.SECRETARIAT, municipality=svendborg)
    grant_role(user=user, role=Role.CLINICAL_ADMIN, region=Region.objects.get(code="1083"))
    expected = {
        (Role.CASEWORKER, world.citizen.municipality_id, None, "Odense Kommune"),
        (Role.SECRETARIAT, svendborg.pk, None, "Svendborg Kommune"),
        (Role.CLINICAL_ADMIN, None, Region.objects.get(code="1083").pk, "Region Syddanmark"),
    }
    token = issue_token(user=user, second_factor=True)
    with policy.grants_cached(), CaptureQueriesContext(connection) as queries:
        found = user_for_token(token)
        assert found == user
        grants = policy.grants_for(found)
        policy.holds_role(found, Role.SECRETARIAT)
    assert len(queries.captured_queries) == 1
    assert {(g.role, g.municipality_id, g.region_id, g.organisation) for g in grants} == expected
    assert [g.role for g in grants] == sorted(g.role for g in grants)
    assert set(grants) == set(policy.grants_for(user))
