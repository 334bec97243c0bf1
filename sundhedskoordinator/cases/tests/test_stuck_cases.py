"""The start pages' lists of cases whose meeting passed without a conversation
(``selectors.stuck_cases``; issue 16, "no stuck cases"): from the day after the meeting, not on
the meeting day; a case waiting for the conversation, scheduled or sent, and no other; for the
coordinator, only the cases whose agenda item is theirs. Days and people from the world fixture:
the meeting of Tuesday 15 December 2026 and the region's coordinator Karen Lund."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import World
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.selectors import stuck_cases
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2026, 12, 15)
DAY_AFTER = dt.date(2026, 12, 16)


def _case(world: World, state: Status) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, state, cast=world.cast, meeting=world.meeting)


def test_a_case_is_listed_from_the_day_after_its_meeting_until_the_conversation(world):
    scheduled = _case(world, Status.SCHEDULED)
    sent = _case(world, Status.SENT)
    _case(world, Status.HELD)
    _case(world, Status.REQUESTED)
    secretariat = world.users["sekretariat"]
    assert list(stuck_cases(user=secretariat, today=MEETING_DAY)) == []
    listed = list(stuck_cases(user=secretariat, today=DAY_AFTER))
    assert [c.pk for c in listed] == sorted([scheduled.pk, sent.pk])
    assert {c.meeting_date for c in listed} == {MEETING_DAY}


def test_the_coordinator_sees_only_the_cases_on_her_own_items(world):
    _case(world, Status.SCHEDULED)
    sent = _case(world, Status.SENT)
    karen = world.users["koordinator"]
    assert [c.pk for c in stuck_cases(user=karen, today=DAY_AFTER, coordinator=karen)] == [sent.pk]
    # Another coordinator of the same region sees the region's sent cases, but these items are
    # Karen's.
    other = world.users["koordinator2"]
    grant_role(user=other, role=Role.COORDINATOR, region=karen.memberships.get().region)
    assert list(stuck_cases(user=other, today=DAY_AFTER, coordinator=other)) == []
