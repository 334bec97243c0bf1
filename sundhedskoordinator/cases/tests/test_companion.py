"""The citizen's right to bring a companion (bisidder, BEK 2409/2021 § 3): she (or her
caseworker for her) names the companion and their relation to her while the case has a time,
up to the moment the conversation begins (Tuesday 15 December 2026 09:00 Copenhagen, 08:00
UTC). The name is health content: shown only to those on the case, never in the event."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services, workflow
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db

JUST_BEFORE = dt.datetime(2026, 12, 15, 7, 59, tzinfo=dt.UTC)
AT_THE_START = dt.datetime(2026, 12, 15, 8, 0, tzinfo=dt.UTC)


def _case(world, status=Status.SCHEDULED):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        status,
        cast=world.cast,
        meeting=world.meeting,
    )


def _item(case):
    return AgendaItem.objects.get(case=case, cancelled_at__isnull=True)


def test_the_citizen_names_her_companion_on_her_case_page(client, world):
    case = _case(world)
    client.force_login(world.users["borger"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Tag en bisidder med" in page
    response = client.post(
        reverse("cases:companion", args=[case.pk]),
        {"companion-name": "Hanne Hansen", "companion-relation": "søster", "version": case.version},
    )
    assert response.status_code == 302
    item = _item(case)
    assert (item.companion_name, item.companion_relation) == ("Hanne Hansen", "søster")
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert event.kind == "companion_set" and event.data == {"companion": True}
    assert "Hanne" not in str(event.data)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Hanne Hansen (søster)" in page and "Ret bisidderen" in page


@pytest.mark.parametrize(("moment", "allowed"), [(JUST_BEFORE, True), (AT_THE_START, False)])
def test_a_companion_is_named_before_the_conversation_begins(world, moment, allowed):
    case = _case(world, Status.SENT)
    with clock.frozen(moment):
        if allowed:
            services.set_companion(
                actor=world.users["sagsbehandler"], case_id=case.pk, name="Ole", relation="ven"
            )
            assert _item(case).companion_name == "Ole"
        else:
            with pytest.raises(DomainError) as refused:
                services.set_companion(
                    actor=world.users["borger"], case_id=case.pk, name="Ole", relation="ven"
                )
            assert refused.value.code == workflow.INVALID_TRANSITION
            assert _item(case).companion_name == ""


def test_an_empty_name_takes_the_companion_off_and_a_relation_needs_a_name(world):
    case = _case(world)
    borger = world.users["borger"]
    services.set_companion(actor=borger, case_id=case.pk, name="Ole", relation="ven")
    with pytest.raises(DomainError) as refused:
        services.set_companion(actor=borger, case_id=case.pk, name=" ", relation="ven")
    assert "name" in refused.value.fields and _item(case).companion_name == "Ole"
    services.set_companion(actor=borger, case_id=case.pk, name="", relation="")
    assert (_item(case).companion_name, _item(case).companion_relation) == ("", "")


def test_only_those_on_the_case_name_the_companion_and_see_it(client, world, api):
    case = _case(world, Status.SENT)
    services.set_companion(
        actor=world.users["borger"], case_id=case.pk, name="Hanne Hansen", relation="søster"
    )
    # The secretariat plans the meeting but is not the citizen's side of it.
    refused = api("sekretariat").post(f"/cases/{case.pk}/companion", {"name": "X"})
    assert refused.status_code == 403
    assert _item(case).companion_name == "Hanne Hansen"
    body = api("sekretariat").get(f"/cases/{case.pk}").json()
    assert (
        body["agenda_item"]["companion"] == "" and body["agenda_item"]["companion_relation"] == ""
    )
    body = api("sagsbehandler").get(f"/cases/{case.pk}").json()
    assert body["agenda_item"]["companion_relation"] == "søster"


def test_too_long_a_name_is_refused_before_anything_is_written(world):
    case = _case(world)
    with pytest.raises(DomainError) as refused:
        services.set_companion(actor=world.users["borger"], case_id=case.pk, name="x" * 201)
    assert "name" in refused.value.fields
    assert _item(case).companion_name == ""
