"""The agenda as the secretariat's workbench (issue 16, point 2): cases are scheduled, moved up
or down, sent and taken off from the agenda itself, with htmx answering with the work area and
the outcome said in it, and without scripts by the agenda page again. The world's meeting is
Tuesday 15 December 2026 09:00-12:00, deadline Tuesday 1 December; the clock stands at Monday
23 November 2026."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import World, local
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem, Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _case(world: World, state: Status) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, state, cast=world.cast, meeting=world.meeting)


def _item_url(world: World, item: AgendaItem, action: str) -> str:
    return reverse("meetings:item", args=[world.meeting.pk, item.pk, action])


def test_scheduling_from_the_agenda_stays_on_the_agenda(client: Any, world: World) -> None:
    ready = _case(world, Status.READY)
    client.force_login(world.users["sekretariat"])
    url = reverse("meetings:schedule", args=[world.meeting.pk])
    body = {
        "case": ready.pk,
        "version": ready.version,
        "coordinator": world.users["koordinator"].pk,
    }
    answer = client.post(url, body, headers=HTMX)
    text = answer.content.decode()
    assert answer.status_code == 200
    assert text.startswith('<div id="agenda-work">')  # the work area only
    assert f"{ready.reference} er sat på dagsordenen." in text
    assert Case.objects.get(pk=ready.pk).status == Status.SCHEDULED
    # Without scripts: back to the agenda page.
    other = _case(world, Status.READY)
    plain = client.post(url, {**body, "case": other.pk, "version": other.version})
    assert plain["Location"] == reverse("meetings:agenda", args=[world.meeting.pk])


def test_a_refusal_is_said_in_the_work_area(client: Any, world: World) -> None:
    ready = _case(world, Status.READY)
    with clock.frozen(local(dt.date(2026, 12, 2), 10)):  # the day after the deadline
        client.force_login(world.users["sekretariat"])
        answer = client.post(
            reverse("meetings:schedule", args=[world.meeting.pk]),
            {
                "case": ready.pk,
                "version": ready.version,
                "coordinator": world.users["koordinator"].pk,
            },
            headers=HTMX,
        )
    text = answer.content.decode()
    assert "Fristen for at sende sagen til sundhedskoordinatoren er overskredet" in text
    assert 'name="late_reason"' in text  # the field to give the reason is there
    assert Case.objects.get(pk=ready.pk).status == Status.READY


def test_items_are_reordered_sent_and_taken_off_from_the_agenda(client: Any, world: World) -> None:
    first, second = _case(world, Status.SCHEDULED), _case(world, Status.SCHEDULED)
    a, b = (AgendaItem.objects.get(case=c) for c in (first, second))
    client.force_login(world.users["sekretariat"])
    page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
    assert _item_url(world, b, "op") in page and _item_url(world, a, "op") not in page

    client.post(_item_url(world, b, "op"), headers=HTMX)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.starts_at == local(dt.date(2026, 12, 15), 9) < a.starts_at

    client.post(_item_url(world, b, "send"), headers=HTMX)
    assert Case.objects.get(pk=second.pk).status == Status.SENT

    unconfirmed = client.post(
        _item_url(world, a, "tag-af"), {f"item{a.pk}-reason_code": "other"}, headers=HTMX
    )
    assert "Sæt flueben for at bekræfte." in unconfirmed.content.decode()
    assert Case.objects.get(pk=first.pk).status == Status.SCHEDULED
    client.post(
        _item_url(world, a, "tag-af"),
        {f"item{a.pk}-reason_code": "meeting_moved", f"item{a.pk}-confirm": "on"},
        headers=HTMX,
    )
    assert Case.objects.get(pk=first.pk).status == Status.READY
    assert AgendaItem.objects.get(pk=a.pk).cancel_code == "meeting_moved"
    assert client.post(_item_url(world, b, "slet"), headers=HTMX).status_code == 404


@pytest.mark.parametrize("username", ["koordinator", "sagsbehandler"])
def test_who_does_not_plan_the_meeting_changes_nothing_from_the_agenda(
    client: Any, world: World, username: str
) -> None:
    first, second = _case(world, Status.SCHEDULED), _case(world, Status.SCHEDULED)
    b = AgendaItem.objects.get(case=second)
    client.force_login(world.users[username])
    page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
    assert _item_url(world, b, "op") not in page  # not offered
    for action in ("op", "send"):
        client.post(_item_url(world, b, action), headers=HTMX)
    b.refresh_from_db()
    assert b.starts_at == local(dt.date(2026, 12, 15), 9, 45)
    assert Case.objects.get(pk=second.pk).status == Status.SCHEDULED
    assert Case.objects.get(pk=first.pk).status == Status.SCHEDULED
