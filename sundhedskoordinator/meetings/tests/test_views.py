import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_the_secretariat_creates_a_meeting_and_bad_input_is_shown_at_the_field(client, world):
    client.force_login(world.users["sekretariat"])
    assert "Nyt møde" in client.get(reverse("meetings:list")).content.decode()
    form = {
        "team": world.team.pk,
        "kind": "rehab_team",
        "starts_at": "2026-12-22T09:00",
        "ends_at": "2026-12-22T08:00",
        "location": "",
    }
    refused = client.post(reverse("meetings:create"), form)
    assert "Mødet skal slutte efter, det begynder." in refused.content.decode()
    assert 'value="2026-12-22T09:00"' in refused.content.decode()  # input kept
    created = client.post(reverse("meetings:create"), {**form, "ends_at": "2026-12-22T12:00"})
    meeting = Meeting.objects.get(date=dt.date(2026, 12, 22))
    assert created["Location"] == reverse("meetings:agenda", args=[meeting.pk])
    assert meeting.dispatch_deadline == dt.date(2026, 12, 8)


def test_others_cannot_create_meetings(client, world):
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("meetings:create"))
    assert page.status_code == 200
    assert "Nyt møde" not in client.get(reverse("meetings:list")).content.decode()
    refused = client.post(
        reverse("meetings:create"),
        {
            "team": world.team.pk,
            "kind": "rehab_team",
            "starts_at": "2026-12-22T09:00",
            "ends_at": "2026-12-22T12:00",
        },
    )
    assert refused.status_code == 200
    assert not Meeting.objects.filter(date=dt.date(2026, 12, 22)).exists()


def test_the_agenda_warns_when_the_deadline_has_passed_and_sends_all_due(client, world):
    cases = [
        walk_case_to(
            new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
            Status.SCHEDULED,
            cast=world.cast,
            meeting=world.meeting,
        )
        for _ in range(2)
    ]
    client.force_login(world.users["sekretariat"])
    page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
    assert "alert-info" in page and "Ikke sendt" in page
    with clock.frozen(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)):
        client.force_login(world.users["sekretariat"])  # a new day, a new session
        page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
        assert "Fristen er overskredet." in page
        client.post(reverse("meetings:dispatch-all", args=[world.meeting.pk]))
    assert {c.status for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {Status.SENT}
    page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
    assert "Sendt for sent" in page and "1 hverdage for sent" in page
    client.force_login(world.users["koordinator"])
    page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
    assert cases[0].reference in page and "Send alle" not in page


def test_the_agenda_offers_ready_cases_into_the_first_free_slot(client, world):
    ready = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    client.force_login(world.users["sekretariat"])
    page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
    assert "Sager, der er klar til et møde" in page and ready.reference in page
    client.post(
        reverse("cases:schedule", args=[ready.pk]),
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "late_reason": "",
            "companion": "",
            "version": ready.version,
        },
    )
    ready.refresh_from_db()
    assert ready.status == Status.SCHEDULED
    page = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
    assert "Sager, der er klar til et møde" not in page
    assert "09:00–09:45" in page
