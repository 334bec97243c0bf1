"""The conversation is recorded from its agenda time (less the agreement's tolerance, 30 minutes
by default), with who came, and the page proposes the agenda's times. The world's first item is
Tuesday 15 December 2026 09:00–09:30 Copenhagen time (08:00–08:30 UTC)."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Conversation
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.meetings.selectors import agreement_for

pytestmark = pytest.mark.django_db

AFTER = dt.datetime(2026, 12, 15, 12, 0, tzinfo=dt.UTC)


def _sent(world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, Status.SENT, cast=world.cast, meeting=world.meeting)


def _hold(world, case, start, **extra):
    with clock.frozen(AFTER):
        return services.hold_conversation(
            actor=world.users["koordinator"],
            case_id=case.pk,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=40),
            **extra,
        )


@pytest.mark.parametrize(
    ("start", "allowed"),
    [
        (dt.datetime(2026, 12, 15, 7, 29, tzinfo=dt.UTC), False),
        (dt.datetime(2026, 12, 15, 7, 30, tzinfo=dt.UTC), True),
        (dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC), False),  # eight days before
    ],
)
def test_a_conversation_begins_no_earlier_than_its_time_less_the_tolerance(world, start, allowed):
    case = _sent(world)
    if allowed:
        assert _hold(world, case, start).status == Status.HELD
        return
    with pytest.raises(DomainError) as refused:
        _hold(world, case, start)
    assert "started_at" in refused.value.fields
    assert "15. december 2026 08:30" in refused.value.fields["started_at"]
    assert not Conversation.objects.exists()


def test_the_tolerance_is_the_agreements(world):
    agreement = agreement_for(world.team.municipality.region)
    agreement.conversation_early_minutes = 0
    agreement.save()
    case = _sent(world)
    with pytest.raises(DomainError):
        _hold(world, case, dt.datetime(2026, 12, 15, 7, 59, tzinfo=dt.UTC))
    assert _hold(world, case, dt.datetime(2026, 12, 15, 8, 0, tzinfo=dt.UTC)).status == "held"


def test_who_came_is_recorded(world):
    case = _sent(world)
    services.set_companion(
        actor=world.users["borger"], case_id=case.pk, name="Hanne Hansen", relation="søster"
    )
    _hold(world, case, dt.datetime(2026, 12, 15, 8, 0, tzinfo=dt.UTC), present=["municipality"])
    roles = [a["role"] for a in Conversation.objects.get(case=case).attendees]
    assert roles == ["coordinator", "caseworker"]


def test_the_page_proposes_the_agendas_times_and_the_participants(client, world):
    case = _sent(world)
    with clock.frozen(AFTER):
        client.force_login(world.users["koordinator"])
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'name="started_at" value="2026-12-15T09:00"' in page
    assert 'name="ended_at" value="2026-12-15T09:30"' in page
    assert "Borgeren: Mette Sørensen" in page and "Bisidderen" not in page
