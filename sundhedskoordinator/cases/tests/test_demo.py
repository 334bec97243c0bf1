"""The demo world, loaded on a frozen day two weeks before Christmas (``BEFORE_CHRISTMAS``), so
its meetings and deadlines fall across the holidays."""

import datetime as dt

import pytest
from django.core.management import call_command

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.meetings.selectors import agreement_on
from sundhedskoordinator.organisations.models import Region

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_world_has_a_case_in_every_state_and_loads_once(before_christmas):
    _load()
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    counts = (Case.objects.count(), Citizen.objects.count(), Meeting.objects.count())
    _load()
    assert (Case.objects.count(), Citizen.objects.count(), Meeting.objects.count()) == counts
    # Every team has meetings over the next weeks.
    upcoming = Meeting.objects.filter(date__gt=before_christmas.date(), team__isnull=False)
    assert set(upcoming.values_list("team__municipality__code", flat=True)) == {"461", "479", "101"}


def test_the_demo_shows_both_kinds_of_agreement_side_by_side(before_christmas):
    """Issue 16, point 7: Region Hovedstaden's reform version (from 1 July 2026, no rehab-team
    requirement) beside Region Syddanmark's seed procedure."""
    _load()
    copenhagen = agreement_on(Region.objects.get(code="1084").pk, before_christmas.date())
    odense = agreement_on(Region.objects.get(code="1083").pk, before_christmas.date())
    assert (copenhagen.valid_from, copenhagen.rehab_team_required) == (dt.date(2026, 7, 1), False)
    assert (odense.valid_from, odense.rehab_team_required) == (dt.date(2021, 8, 1), True)
    # Before the reform, Copenhagen too worked by the seed procedure.
    before = agreement_on(Region.objects.get(code="1084").pk, dt.date(2026, 6, 30))
    assert before.rehab_team_required is True
    stand_alone = Meeting.objects.filter(team=None)
    assert set(stand_alone.values_list("municipality__code", "kind")) == {("101", "conversation")}
    assert Case.objects.filter(
        agenda_items__meeting__in=stand_alone, status=Status.SCHEDULED
    ).exists()


def test_demo_citizens_see_their_own_cases(before_christmas):
    _load()
    borger = Citizen.objects.get(user__username="borger")
    assert {c.status for c in borger.cases.all()} == {Status.SENT, Status.CLOSED}
    sent = borger.cases.get(status=Status.SENT)
    assert sent.offer_on_hold  # the request came before the offer's start


def test_demo_meetings_count_their_deadlines_back_over_christmas(before_christmas):
    """Counted by hand: ten working days back from the meeting day, the meeting day not counted,
    skipping weekends, Christmas Day, Boxing Day, New Year's Day and the closing days 24 and 31
    December."""
    _load()
    deadlines = dict(
        Meeting.objects.filter(team__municipality__code="461").values_list(
            "date", "dispatch_deadline"
        )
    )
    assert deadlines[dt.date(2026, 12, 22)] == dt.date(2026, 12, 8)  # no holiday in between
    assert deadlines[dt.date(2026, 12, 29)] == dt.date(2026, 12, 11)  # over 24 and 25 December
    assert deadlines[dt.date(2027, 1, 5)] == dt.date(2026, 12, 16)  # and over 31 Dec and 1 Jan
