"""A meeting is planned on a working day from today on (issue: a meeting on 7 January 2025 and
one on Christmas Day were accepted without a word). An extraordinary meeting in the past or on
a day off is allowed with its reason, which is kept. The clock stands at Monday 23 November 2026
09:00 UTC; 28 November 2026 is a Saturday, 25 December Christmas Day."""

import datetime as dt

import pytest
from django.urls import reverse

from conftest import local
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.meetings import services
from sundhedskoordinator.meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _plan(world, day, hour=13, **extra):
    return services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(day, hour),
        ends_at=local(day, hour + 2),
        **extra,
    )


@pytest.mark.parametrize(
    ("day", "refused_because"),
    [
        (dt.date(2026, 11, 22), "fortiden"),  # yesterday
        (dt.date(2026, 11, 28), "Lørdag 28. november er ikke en hverdag"),  # Saturday
        (dt.date(2026, 12, 25), "Fredag 25. december er ikke en hverdag"),  # Christmas
    ],
)
def test_a_meeting_in_the_past_or_on_a_day_off_is_refused_without_a_reason(
    world, day, refused_because
):
    before = Meeting.objects.count()
    with pytest.raises(DomainError) as refused:
        _plan(world, day)
    assert refused_because in refused.value.message
    assert {"starts_at", "extraordinary_reason"} <= set(refused.value.fields)
    assert Meeting.objects.count() == before
    meeting = _plan(world, day, extraordinary_reason="Ekstra møde efter aftale med teamet.")
    assert meeting.extraordinary_reason == "Ekstra møde efter aftale med teamet."


@pytest.mark.parametrize("day", [dt.date(2026, 11, 23), dt.date(2026, 11, 30)])
def test_today_and_a_working_day_need_no_reason(world, day):
    meeting = _plan(world, day, extraordinary_reason="Ikke nødvendig.")
    assert meeting.date == day and meeting.extraordinary_reason == ""


def test_the_api_and_the_page_refuse_alike(client, world, api):
    body = {
        "team": world.team.pk,
        "starts_at": local(dt.date(2026, 11, 28), 9).isoformat(),
        "ends_at": local(dt.date(2026, 11, 28), 12).isoformat(),
    }
    response = api("sekretariat").post("/meetings", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "meeting_not_allowed"
    client.force_login(world.users["sekretariat"])
    page = client.post(
        reverse("meetings:create"),
        {
            "team": world.team.pk,
            "kind": "rehab_team",
            "starts_at": "2026-11-28T09:00",
            "ends_at": "2026-11-28T12:00",
        },
    ).content.decode()
    assert 'id="id_extraordinary_reason_error"' in page and "er ikke en hverdag" in page
    reasoned = {**body, "extraordinary_reason": "Ekstraordinært lørdagsmøde."}
    assert api("sekretariat").post("/meetings", reasoned).status_code == 201
