"""The admin cannot delete citizens, users or organisation units. Django's delete confirmation
page (and an inline's "slet" box, through its list of protected objects) names every related row:
for a citizen or a caseworker that is whether she has a case and how far it has come, which the
administrator, who is on no case, may not learn (DESIGN section 2). Users are deactivated
instead, citizens leave by the retention job, and regions, municipalities and teams stay."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.cases.workflow import Status
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.organisations.models import Municipality, RehabTeam
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

PASSWORD_BACKEND = "sundhedskoordinator.web.auth.PasswordBackend"


@pytest.fixture
def admin_client(client: Any, world: Any) -> Any:
    client.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    return client


@pytest.fixture
def scheduled(world: Any) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)


#: The admin pages whose objects are never deleted there.
NEVER_DELETED = [
    "citizens_citizen",
    "organisations_user",
    "organisations_region",
    "organisations_municipality",
    "organisations_rehabteam",
]


def _objects(world: Any) -> dict[str, Any]:
    return {
        "citizens_citizen": world.citizen,
        "organisations_user": world.users["sagsbehandler"],
        "organisations_region": world.team.municipality.region,
        "organisations_municipality": world.team.municipality,
        "organisations_rehabteam": world.team,
    }


@pytest.mark.parametrize("name", NEVER_DELETED)
def test_the_delete_page_is_refused_and_names_no_case(
    admin_client: Any, world: Any, scheduled: Case, name: str
) -> None:
    obj = _objects(world)[name]
    page = admin_client.get(reverse(f"admin:{name}_delete", args=[obj.pk]))
    assert page.status_code == 403
    assert str(scheduled) not in page.content.decode()
    answer = admin_client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"})
    assert answer.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("name", NEVER_DELETED)
def test_the_list_offers_no_delete_action(admin_client: Any, world: Any, name: str) -> None:
    page = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert page.status_code == 200
    assert 'value="delete_selected"' not in page.content.decode()


def test_the_bulk_delete_action_cannot_be_posted(
    admin_client: Any, world: Any, scheduled: Case
) -> None:
    admin_client.post(
        reverse("admin:citizens_citizen_changelist"),
        {"action": "delete_selected", "_selected_action": [world.citizen.pk], "post": "yes"},
    )
    assert Citizen.objects.filter(pk=world.citizen.pk).exists()


@pytest.mark.parametrize(
    ("name", "parent", "prefix"),
    [
        ("organisations_region", "region", "municipalities"),
        ("organisations_municipality", "municipality", "rehab_teams"),
    ],
)
def test_an_inline_has_no_delete_box(
    admin_client: Any, world: Any, scheduled: Case, name: str, parent: str, prefix: str
) -> None:
    """The inline's delete box would answer with the protected rows under the unit (its
    citizens, their cases); it is not offered, and a forged one deletes nothing."""
    obj = {"region": world.team.municipality.region, "municipality": world.team.municipality}[
        parent
    ]
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    page = admin_client.get(url)
    assert not re.search(rf'name="{prefix}-\d+-DELETE"', page.content.decode())
    data = form_data(page)
    data[f"{prefix}-0-DELETE"] = "on"
    answer = admin_client.post(url, data)
    assert str(scheduled) not in answer.content.decode()
    assert RehabTeam.objects.filter(pk=world.team.pk).exists()
    assert Municipality.objects.filter(pk=world.team.municipality.pk).exists()
