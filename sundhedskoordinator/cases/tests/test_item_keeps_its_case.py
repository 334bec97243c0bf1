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
