"""The agenda says what is true after each action (issue 16): "Fristen er nær" goes once every
case on it is sent; "1 sag er sendt" in the singular; the late-scheduling reason says when it
is needed instead of calling itself optional. The world's meeting is 15 December 2026 with its
deadline on 1 December; the clock stands at 23 November (six working days before it)."""

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.meetings.selectors import agreement_for

pytestmark = pytest.mark.django_db


def _scheduled(world):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )


def test_the_deadline_stops_warning_once_every_case_is_sent(client, world):
    agreement = agreement_for(world.team.municipality.region)
    agreement.deadline_warning_working_days = 6
    agreement.save()
    _scheduled(world)
    client.force_login(world.users["sekretariat"])
    url = reverse("meetings:agenda", args=[world.meeting.pk])
    page = client.get(url).content.decode()
    assert "Fristen er nær." in page and "Alle sager på dagsordenen er sendt." not in page
    response = client.post(reverse("meetings:dispatch-all", args=[world.meeting.pk]), follow=True)
    page = response.content.decode()
    assert "1 sag er sendt til sundhedskoordinatoren." in page
    assert "Fristen er nær." not in page and "Alle sager på dagsordenen er sendt." in page


def test_two_cases_sent_are_said_in_the_plural(client, world):
    _scheduled(world)
    _scheduled(world)
    client.force_login(world.users["sekretariat"])
    response = client.post(reverse("meetings:dispatch-all", args=[world.meeting.pk]), follow=True)
    assert "2 sager er sendt til sundhedskoordinatoren." in response.content.decode()


def test_the_late_reason_says_when_it_is_needed(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    client.force_login(world.users["sekretariat"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Begrundelse for sen planlægning" in page
    assert "skal udfyldes, hvis mødets frist for afsendelse er overskredet" in page
