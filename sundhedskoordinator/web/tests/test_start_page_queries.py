"""The start page reads the user's grants once, and costs the same for a secretariat in one
municipality as for one in many (issue 18: a fixed number of queries per page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, Region
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db


def _start(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return ctx.captured_queries


def _membership_reads(queries) -> int:
    return sum(1 for q in queries if 'FROM "organisations_rolemembership"' in q["sql"])


@pytest.mark.parametrize("username", ["sagsbehandler", "sekretariat", "koordinator", "borger"])
def test_the_start_page_reads_the_grants_once(client, world, username):
    assert _membership_reads(_start(client, world.users[username])) == 1


def test_the_start_page_costs_the_same_for_a_secretariat_of_many_municipalities(client, world):
    user = world.users["sekretariat"]
    one = len(_start(client, user))
    region = Region.objects.create(code="9000", name="Region 0", clinical_function_name="KF 0")
    for n in range(5):
        municipality = Municipality.objects.create(code=f"9{n:02d}", name=f"K{n}", region=region)
        grant_role(user=user, role=Role.SECRETARIAT, municipality=municipality)
    assert len(_start(client, user)) == one
