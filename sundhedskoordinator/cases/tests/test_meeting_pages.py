"""The pages of a meeting that changes (issue 16): the secretariat changes and cancels a meeting
from its agenda, the list counts each meeting's cases, a case is moved or its conversation
cancelled with a fixed reason from the case page, and the start pages show what waits.

The world's meeting is Tuesday 15 December 2026 09:00-12:00; the clock stands at Monday
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
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _case(world: World, state: Status, meeting: Meeting | None = None) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, state, cast=world.cast, meeting=meeting or world.meeting)


def _other_meeting(world: World, day: dt.date = dt.date(2026, 12, 17)) -> Meeting:
    return meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(day, 9),
        ends_at=local(day, 12),
    )


def _text(response: Any) -> str:
    return response.content.decode()


def test_the_secretariat_moves_the_meeting_from_its_agenda(client: Any, world: World) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    client.force_login(world.users["sekretariat"])
    agenda = _text(client.get(reverse("meetings:agenda", args=[world.meeting.pk])))
    assert reverse("meetings:change", args=[world.meeting.pk]) in agenda
    page = client.get(reverse("meetings:change", args=[world.meeting.pk]))
    assert 'value="2026-12-15T09:00"' in _text(page)  # the meeting's own time, to edit
    form = {
        "starts_at": "2026-12-19T09:00",  # a Saturday
        "ends_at": "2026-12-19T12:00",
        "location": "Mødelokale 2",
        "reason": "Lederen er på kursus.",
        "extraordinary_reason": "",
    }
    refused = client.post(reverse("meetings:change", args=[world.meeting.pk]), form)
    assert refused.status_code == 200
    assert "Lørdag 19. december er ikke en hverdag" in _text(refused)
    assert 'value="Mødelokale 2"' in _text(refused)  # the input is kept
    world.meeting.refresh_from_db()
    assert world.meeting.date == dt.date(2026, 12, 15)

    moved = client.post(
        reverse("meetings:change", args=[world.meeting.pk]),
        {**form, "starts_at": "2026-12-17T09:00", "ends_at": "2026-12-17T12:00"},
    )
    assert moved["Location"] == reverse("meetings:agenda", args=[world.meeting.pk])
    world.meeting.refresh_from_db()
    assert (world.meeting.date, world.meeting.location) == (dt.date(2026, 12, 17), "Mødelokale 2")
    assert AgendaItem.objects.get(case=scheduled).starts_at == local(dt.date(2026, 12, 17), 9)
    agenda = _text(client.get(reverse("meetings:agenda", args=[world.meeting.pk])))
    assert "Lederen er på kursus." in agenda  # the change, in the meeting's history
    assert "Udsendt dagsorden v1" in agenda


def test_cancelling_a_meeting_asks_for_the_tick_and_can_move_the_cases(
    client: Any, world: World
) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    other = _other_meeting(world)
    client.force_login(world.users["sekretariat"])
    url = reverse("meetings:cancel", args=[world.meeting.pk])
    form = {"reason_code": "coordinator_ill", "reason": "", "move_to": other.pk}
    unconfirmed = client.post(url, form)
    assert "Sæt flueben for at bekræfte." in _text(unconfirmed)
    assert Meeting.objects.get(pk=world.meeting.pk).cancelled_at is None

    done = client.post(url, {**form, "confirm": "on"})
    assert done["Location"] == reverse("meetings:agenda", args=[world.meeting.pk])
    new = AgendaItem.objects.get(case=scheduled, cancelled_at__isnull=True)
    assert new.meeting_id == other.pk
    agenda = _text(client.get(reverse("meetings:agenda", args=[world.meeting.pk])))
    assert "Mødet er aflyst" in agenda and "Sundhedskoordinatoren er syg" in agenda
    assert reverse("meetings:change", args=[world.meeting.pk]) not in agenda
    # The cancelled meeting is no longer offered for scheduling.
    ready = _case(world, Status.READY)
    page = _text(client.get(reverse("cases:detail", args=[ready.pk])))
    assert f'<option value="{world.meeting.pk}"' not in page
    assert f'<option value="{other.pk}"' in page


@pytest.mark.parametrize("username", ["koordinator", "sagsbehandler"])
def test_who_sees_the_meeting_but_does_not_plan_it_is_led_back(
    client: Any, world: World, username: str
) -> None:
    client.force_login(world.users[username])
    for name in ("meetings:change", "meetings:cancel"):
        answer = client.post(
            reverse(name, args=[world.meeting.pk]), {"reason_code": "other", "confirm": "on"}
        )
        assert answer["Location"] == reverse("meetings:agenda", args=[world.meeting.pk])
    world.meeting.refresh_from_db()
    assert world.meeting.cancelled_at is None


def test_another_municipalitys_secretariat_finds_no_meeting(client: Any, world: World) -> None:
    client.force_login(world.users["sekretariat2"])
    assert client.get(reverse("meetings:change", args=[world.meeting.pk])).status_code == 404
    assert client.get(reverse("meetings:cancel", args=[world.meeting.pk])).status_code == 404


def test_the_meeting_list_counts_cases_and_what_is_not_sent(client: Any, world: World) -> None:
    _case(world, Status.SCHEDULED)
    _case(world, Status.SENT)
    _other_meeting(world)
    client.force_login(world.users["sekretariat"])
    page = _text(client.get(reverse("meetings:list")))
    assert "2 sager · 1 ikke sendt" in page
    assert "0 sager" in page  # the new meeting of 17 December


def test_past_meetings_the_latest_first_and_coming_ones_late_when_their_deadline_passed(
    client: Any, world: World
) -> None:
    """On 16 December the meeting of the 15th is past and listed alone among the past ones; the
    coming meeting of the 17th (deadline 3 December) has no case, so any case put on it now is
    late; the one of 19 January (deadline 5 January) is not. On 18 December both December
    meetings are past, the latest first."""
    _case(world, Status.SCHEDULED)
    december = _other_meeting(world)
    january = _other_meeting(world, dt.date(2027, 1, 19))
    with clock.frozen(local(dt.date(2026, 12, 16), 10)):
        client.force_login(world.users["sekretariat"])
        past = _text(client.get(reverse("meetings:list") + "?tidligere=1"))
        coming = _text(client.get(reverse("meetings:list")))
    agenda = lambda meeting: reverse("meetings:agenda", args=[meeting.pk])  # noqa: E731
    assert agenda(world.meeting) in past and "1 sag · 1 ikke sendt" in past
    assert agenda(december) not in past and "Overskredet" not in past
    assert agenda(world.meeting) not in coming
    assert coming.index(agenda(december)) < coming.index(agenda(january))
    assert coming.count("Overskredet") == 1
    assert coming.index("Overskredet") < coming.index(agenda(january))
    with clock.frozen(local(dt.date(2026, 12, 18), 10)):
        client.force_login(world.users["sekretariat"])
        past = _text(client.get(reverse("meetings:list") + "?tidligere=1"))
    assert past.index(agenda(december)) < past.index(agenda(world.meeting))


def test_the_meeting_list_counts_for_the_meetings_shown_alone(client: Any, world: World) -> None:
    """The meetings shown are taken in their order first, then their cases counted for them
    alone, by their keys: counted before the LIMIT, every meeting of the list (every past one,
    at a million cases thousands) was grouped with its items first."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _case(world, Status.SCHEDULED)
    later = _other_meeting(world)
    client.force_login(world.users["sekretariat"])
    with CaptureQueriesContext(connection) as queries:
        page = _text(client.get(reverse("meetings:list")))
    (counting,) = [q["sql"] for q in queries.captured_queries if '"case_count"' in q["sql"]]
    assert page.index("1 sag ·") < page.index("0 sager")  # 15 December, then 17 December
    where = counting.rsplit(" WHERE ", 1)[1]
    (keys,) = re.findall(r'"meetings_meeting"\."id" IN \(([\d, ]+)\)', where)
    assert sorted(int(key) for key in keys.split(", ")) == sorted([world.meeting.pk, later.pk])
    assert "LIMIT" not in counting.rsplit(" FROM ", 1)[1], counting


def test_a_case_is_moved_and_a_conversation_cancelled_from_the_case_page(
    client: Any, world: World
) -> None:
    scheduled = _case(world, Status.SCHEDULED)
    other = _other_meeting(world)
    client.force_login(world.users["sekretariat"])
    page = _text(client.get(reverse("cases:detail", args=[scheduled.pk])))
    assert "Flyt til et andet møde" in page
    moved = client.post(
        reverse("cases:move", args=[scheduled.pk]),
        {"version": scheduled.version, "move-meeting": other.pk, "move-late_reason": ""},
    )
    assert moved.status_code == 302
    assert AgendaItem.objects.get(case=scheduled, cancelled_at__isnull=True).meeting_id == other.pk

    sent = _case(world, Status.SENT)
    with clock.frozen(local(dt.date(2026, 12, 15), 9, 10)):
        client.force_login(world.users["koordinator"])
        answer = client.post(
            reverse("cases:cancel", args=[sent.pk]),
            {
                "version": Case.objects.get(pk=sent.pk).version,
                "cancel-reason_code": "citizen_absent",
                "cancel-reason": "",
                "cancel-confirm": "on",
            },
        )
    assert answer.status_code == 302
    item = AgendaItem.objects.get(case=sent)
    assert item.cancel_code == "citizen_absent"
    assert Case.objects.get(pk=sent.pk).status == Status.READY


def test_the_start_pages_show_what_waits_after_a_meeting_passed(client: Any, world: World) -> None:
    sent = _case(world, Status.SENT)
    ready = _case(world, Status.READY)
    with clock.frozen(local(dt.date(2026, 12, 15), 8)):
        client.force_login(world.users["koordinator"])
        today = _text(client.get(reverse("web:start")))
        assert "Mine samtaler" in today and sent.reference in today
    with clock.frozen(local(dt.date(2026, 12, 16), 9)):
        client.force_login(world.users["sekretariat"])
        start = _text(client.get(reverse("web:start")))
        assert "1 sag er klar til et møde" in start and ready.reference in start
        assert "Møder holdt uden registreret samtale" in start and sent.reference in start
        case_page = _text(client.get(reverse("cases:detail", args=[sent.pk])))
        assert "samtalen er ikke registreret" in case_page
        client.force_login(world.users["koordinator"])
        coordinator = _text(client.get(reverse("web:start")))
        assert "Samtaler, der ikke er registreret" in coordinator
        assert sent.reference in coordinator
