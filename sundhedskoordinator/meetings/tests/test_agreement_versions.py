"""The law as dated configuration (issue 16, point 7): a region's agreement has versions, and the
version in force on the meeting date governs the meeting; a change on a date switches behaviour
for meetings from that date and not before.

Region Syddanmark works by the seed procedure (10 working days, a 30-minute slot, rehab-team
meetings only). A new version from Monday 1 February 2027 sends 5 working days before, gives a
case 20 minutes, allows stand-alone conversations and requires no rehab team. Counted by hand (no
holidays in these weeks):
- Friday 29 January 2027, 10 working days back: 28, 27, 26, 25, 22, 21, 20, 19, 18, 15 -> 15 Jan;
- Monday 1 February 2027, 5 working days back: 29, 28, 27, 26, 25 -> Monday 25 January;
- Tuesday 2 February 2027, 5 working days back: 1 Feb, 29, 28, 27, 26 -> Tuesday 26 January.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World, local
from sundhedskoordinator.cases import services as case_services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.meetings import services
from sundhedskoordinator.meetings.models import CollaborationAgreement
from sundhedskoordinator.meetings.selectors import agreements_of
from sundhedskoordinator.organisations.models import Region

pytestmark = pytest.mark.django_db

FRI_29_JAN, MON_1_FEB, TUE_2_FEB = dt.date(2027, 1, 29), dt.date(2027, 2, 1), dt.date(2027, 2, 2)


@pytest.fixture
def reform(world: World) -> CollaborationAgreement:
    return CollaborationAgreement.objects.create(
        region=world.team.municipality.region,
        valid_from=MON_1_FEB,
        name="Reform",
        dispatch_working_days=5,
        case_slot_minutes=20,
        meeting_kinds=["rehab_team", "conversation"],
        rehab_team_required=False,
        meeting_phrase="en samtale med sundhedskoordinatoren",
    )


def _team_meeting(world: World, day: dt.date, **extra: Any) -> Any:
    return services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(day, 9),
        ends_at=local(day, 12),
        **extra,
    )


def _conversation(world: World, day: dt.date) -> Any:
    return services.create_meeting(
        actor=world.users["sekretariat"],
        municipality=world.team.municipality,
        kind="conversation",
        starts_at=local(day, 13),
        ends_at=local(day, 15),
        location="Jobcenter Odense, mødelokale 3",
    )


def test_the_deadline_follows_the_version_in_force_on_the_meeting_day(
    world: World, reform: Any
) -> None:
    before = _team_meeting(world, FRI_29_JAN)
    on_the_day = _team_meeting(world, MON_1_FEB)
    assert (before.dispatch_deadline, before.deadline_working_days) == (dt.date(2027, 1, 15), 10)
    assert (on_the_day.dispatch_deadline, on_the_day.deadline_working_days) == (
        dt.date(2027, 1, 25),
        5,
    )


def test_a_stand_alone_conversation_needs_the_version_that_allows_it(
    world: World, reform: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        _conversation(world, FRI_29_JAN)
    assert refused.value.code == "meeting_not_allowed"
    assert {"kind", "team"} <= set(refused.value.fields)
    meeting = _conversation(world, MON_1_FEB)
    assert (meeting.team, meeting.municipality, meeting.kind) == (
        None,
        world.team.municipality,
        "conversation",
    )
    assert "Jobcentret i Odense Kommune" in str(meeting)


def test_a_case_slot_is_as_long_as_the_meeting_days_version_says(world: World, reform: Any) -> None:
    def schedule(meeting: Any) -> AgendaItem:
        case = walk_case_to(
            new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
            Status.READY,
            cast=world.cast,
        )
        case_services.schedule_case(
            actor=world.users["sekretariat"],
            case_id=case.pk,
            meeting_id=meeting.pk,
            coordinator_id=world.users["koordinator"].pk,
        )
        return AgendaItem.objects.get(case=case)

    old = schedule(_team_meeting(world, FRI_29_JAN))
    new = schedule(_conversation(world, MON_1_FEB))
    assert (old.slot_minutes, old.ends_at - old.starts_at) == (30, dt.timedelta(minutes=45))
    assert (new.slot_minutes, new.ends_at - new.starts_at) == (20, dt.timedelta(minutes=35))
    assert new.dispatch_deadline == dt.date(2027, 1, 25)


def test_moving_a_meeting_across_the_change_recomputes_by_the_new_version(
    world: World, reform: Any
) -> None:
    meeting = _team_meeting(world, FRI_29_JAN)
    moved = case_services.change_meeting(
        actor=world.users["sekretariat"],
        meeting_id=meeting.pk,
        starts_at=local(TUE_2_FEB, 9),
        ends_at=local(TUE_2_FEB, 12),
        reason="Flyttet efter aftalens nye version.",
    )
    assert (moved.dispatch_deadline, moved.deadline_working_days) == (dt.date(2027, 1, 26), 5)


def test_who_has_the_right_is_the_versions(world: World) -> None:
    """A version that names no group gives nobody the right from its date: a request made after
    it is refused, one made the day before is not."""
    CollaborationAgreement.objects.create(
        region=world.team.municipality.region, valid_from=dt.date(2026, 12, 1), right_groups=[]
    )

    def submit() -> Any:
        case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
        return case_services.submit_case(
            actor=world.users["sagsbehandler"], case_id=case.pk, channel="meeting"
        )

    with clock.frozen(local(dt.date(2026, 11, 30), 10)):
        assert submit().status == Status.REQUESTED
    with clock.frozen(local(dt.date(2026, 12, 1), 10)), pytest.raises(DomainError) as refused:
        submit()
    assert refused.value.code == "not_in_resource_course"


def test_the_guidance_letter_says_where_the_conversation_is_held_that_day(
    world: World, reform: Any
) -> None:
    from sundhedskoordinator.citizens.services import _guidance_letter

    guidance = world.citizen.guidance.first()
    assert _guidance_letter(guidance).meeting_phrase == "et møde i rehabiliteringsteamet"
    guidance.given_on = MON_1_FEB
    assert _guidance_letter(guidance).meeting_phrase == "en samtale med sundhedskoordinatoren"


def test_a_meeting_days_version_is_not_changed_by_a_later_one(world: World) -> None:
    """Two versions on one day are refused by the database (one version per day)."""
    from django.db import IntegrityError, transaction

    CollaborationAgreement.objects.create(
        region=world.team.municipality.region, valid_from=MON_1_FEB
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CollaborationAgreement.objects.create(
            region=world.team.municipality.region, valid_from=MON_1_FEB
        )


def test_the_agreements_of_given_regions_are_those_in_force_read_in_one_query(
    world: World, reform: CollaborationAgreement
) -> None:
    """The start page asks only for the regions of the user's roles: the version in force on the
    day for each (the seed procedure's numbers where a region has none), in one query."""
    syddanmark = world.team.municipality.region
    hovedstaden = Region.objects.get(code="1084")
    with CaptureQueriesContext(connection) as queries:
        before = agreements_of([syddanmark, hovedstaden], FRI_29_JAN)
        after = agreements_of([syddanmark], MON_1_FEB)
    assert len(queries) == 2
    assert set(before) == {syddanmark.pk, hovedstaden.pk}
    assert before[syddanmark.pk].dispatch_working_days == 10  # the seed procedure's
    assert before[hovedstaden.pk].region == hovedstaden
    assert (set(after), after[syddanmark.pk].pk) == ({syddanmark.pk}, reform.pk)
    assert after[syddanmark.pk].dispatch_working_days == 5
