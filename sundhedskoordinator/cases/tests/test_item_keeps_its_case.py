"""An agenda item keeps of its case whether it has been sent and the day it was requested
(``AgendaItem.case_sent``, ``AgendaItem.requested_on``), which the statistics count it by: an
item made before the case was first sent, even one taken off the agenda, says so once the case
is sent, and an item made afterwards says so from the start."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import World, local
from sundhedskoordinator.cases import services as case_services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.invariants import problems, with_related
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import Cast, walk_case_to
from sundhedskoordinator.core import clock
from tests.generated import STAFF, Treater

pytestmark = pytest.mark.django_db

MEETING = dt.date(2026, 3, 17)  # a Tuesday


def test_every_item_of_a_case_keeps_that_it_was_sent_and_when_it_was_requested(
    world: World, treat: Any
) -> None:
    treated = treat(MEETING, Status.SCHEDULED, requested_days_before=30)
    case, meeting = treated.case, treated.meeting
    requested = timezone.localdate(case.submitted_at)
    first = case.agenda_items.get()
    assert (first.case_sent, first.requested_on) == (False, requested)
    cast = Cast(*(world.users[name] for name in STAFF["461"]))
    with clock.frozen(local(MEETING - dt.timedelta(days=29), 10)):
        case = case_services.unschedule_case(
            actor=cast.secretariat, case_id=case.pk, reason="Mødet passede ikke."
        )
        case = walk_case_to(case, Status.SENT, cast=cast, meeting=meeting)
    items = list(case.agenda_items.order_by("pk"))
    assert len(items) == 2 and items[0].cancelled_at is not None
    # Both the item taken off before the case was sent and the one sent keep that it was.
    assert [(i.case_sent, i.requested_on) for i in items] == [(True, requested)] * 2
    assert problems(with_related(Case.objects.filter(pk=case.pk)).get()) == []
    # An item made after the case was first sent keeps it from the start.
    with clock.frozen(local(MEETING, 9, 5)):
        case_services.cancel_conversation(
            actor=cast.coordinator, case_id=case.pk, reason_code="citizen_absent"
        )
    with clock.frozen(local(MEETING, 10)):
        later = Treater(world.users, cpr_year="81").treat(
            MEETING + dt.timedelta(days=7), Status.SCHEDULED
        )
    assert later.case.agenda_items.get().case_sent is False
    with clock.frozen(local(MEETING, 10)):
        walk_case_to(
            Case.objects.get(pk=case.pk), Status.SCHEDULED, cast=cast, meeting=later.meeting
        )
    third = Case.objects.get(pk=case.pk).agenda_items.get(cancelled_at__isnull=True)
    assert (third.case_sent, third.requested_on) == (True, requested)


def test_an_item_keeps_its_dispatch_lateness_and_whether_its_conversation_was_held(
    treat: Any,
) -> None:
    """The meeting is on Tuesday 17 March; its deadline is Tuesday 3 March, 10 working days
    before. A package sent on Tuesday 10 March is 5 working days late (4, 5, 6, 9 and 10 March,
    counted by hand); one sent in time is 0 days late; a package not sent yet is neither."""
    late = treat(
        MEETING, Status.HELD, requested_days_before=40, sent_late_on=dt.date(2026, 3, 10)
    ).case.agenda_items.get()
    assert (late.dispatch_late, late.dispatch_days_late, late.held) == (True, 5, True)
    in_time = treat(MEETING, Status.SENT, requested_days_before=40).case.agenda_items.get()
    assert (in_time.dispatch_late, in_time.dispatch_days_late, in_time.held) == (False, 0, False)
    waiting = treat(MEETING, Status.SCHEDULED, requested_days_before=40).case.agenda_items.get()
    assert (waiting.dispatch_late, waiting.dispatch_days_late, waiting.held) == (None, None, False)
