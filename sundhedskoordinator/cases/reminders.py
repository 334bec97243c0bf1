"""Reminders (DESIGN section 5, background work): the rules for when each is due, and sending
each exactly once.

- the secretariat, once per agenda item not yet sent, from the region's
  ``reminder_dispatch_working_days`` before its dispatch deadline (a scheduler that was down
  catches up later);
- the coordinator, when the advice is not written within the item's advice block
  (``advice_minutes``, from the agreement's ``advice_block_minutes`` when it was scheduled) after
  the conversation ended;
- the caseworker, when the advice has waited the region's ``reminder_decision_working_days`` for
  a decision;
- the secretariat (and the coordinator of a sent case), on the first working day after a meeting
  that passed without the conversation recorded.

The numbers are the region's ``meetings.CollaborationAgreement``; the database cuts at the most
generous region's number and each row is then held to its own region's.

Each (kind, subject, recipient) is recorded in ``Reminder`` under a unique constraint in the same
transaction that puts the message in the inbox and queues the e-mail, so running the scheduler
again, or twice at once, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import (
    add_working_days,
    is_working_day,
    subtract_working_days,
)
from sundhedskoordinator.meetings.models import CollaborationAgreement
from sundhedskoordinator.meetings.selectors import agreements_by_region, seed_agreement
from sundhedskoordinator.notifications.models import NotificationKind, Reminder
from sundhedskoordinator.notifications.services import notify
from sundhedskoordinator.organisations.selectors import secretaries_of

from .choices import Status
from .models import Advice, AgendaItem, Case, Conversation
from .selectors import stuck_items


def _send_once(kind: NotificationKind, case: Case, subject_id: int, users: Iterable[Any]) -> int:
    """Record and send the reminder to each user who has not had it; ``get_or_create`` settles
    a race between two schedulers through the unique constraint."""
    sent = 0
    for user in users:
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(
                kind=kind,
                subject_id=subject_id,
                user=user,
                defaults={"case": case, "sent_at": clock.now()},
            )
            if created:
                notify(users=[user], kind=kind, case=case)
                sent += 1
    return sent


def _dispatch_reminders(today: dt.date, numbers: _Numbers) -> int:
    # On a working day, "today is at most N working days before the deadline" is "the deadline is
    # at most N working days after today", which the database can filter on.
    def horizon(days: int) -> dt.date:
        return add_working_days(today, days)

    items = AgendaItem.objects.filter(
        cancelled_at__isnull=True,
        dispatch__isnull=True,
        case__status=Status.SCHEDULED,
        meeting__date__gte=today,
        dispatch_deadline__lte=horizon(numbers.most("reminder_dispatch_working_days")),
    ).select_related("case__municipality", "meeting")
    secretaries: dict[int, list[Any]] = {}
    sent = 0
    for item in items:
        days = numbers.of(item.case.municipality.region_id).reminder_dispatch_working_days
        if item.dispatch_deadline > horizon(days):
            continue
        municipality_id = item.meeting.municipality_id
        if municipality_id not in secretaries:
            secretaries[municipality_id] = list(secretaries_of(municipality_id=municipality_id))
        sent += _send_once(
            NotificationKind.REMIND_DISPATCH, item.case, item.pk, secretaries[municipality_id]
        )
    return sent


def _advice_reminders(now: dt.datetime) -> int:
    conversations = Conversation.objects.filter(
        case__status=Status.HELD, ended_at__lte=now, advice__isnull=True
    ).select_related("case", "agenda_item__coordinator")
    sent = 0
    for conversation in conversations:
        item = conversation.agenda_item
        if conversation.ended_at + dt.timedelta(minutes=item.advice_minutes) > now:
            continue
        sent += _send_once(
            NotificationKind.REMIND_ADVICE, conversation.case, conversation.pk, [item.coordinator]
        )
    return sent


def _decision_reminders(today: dt.date, numbers: _Numbers) -> int:
    # Advice given on or before the cutoff day has waited the agreed number of working days.
    def day_after_cutoff(days: int) -> dt.datetime:
        cutoff = subtract_working_days(today, days)
        return dt.datetime.combine(
            cutoff + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone()
        )

    waiting = Advice.objects.filter(
        version=1,
        case__status=Status.ADVISED,
        submitted_at__lt=day_after_cutoff(numbers.fewest("reminder_decision_working_days")),
    ).select_related("case__responsible", "case__municipality")
    sent = 0
    for advice in waiting:
        days = numbers.of(advice.case.municipality.region_id).reminder_decision_working_days
        if advice.submitted_at >= day_after_cutoff(days):
            continue
        sent += _send_once(
            NotificationKind.REMIND_DECISION, advice.case, advice.case_id, [advice.case.responsible]
        )
    return sent


def _stuck_reminders(today: dt.date) -> int:
    """Once per item, the working day after a meeting that passed without the conversation:
    the team's secretariat (and the coordinator, once the package was theirs) are told, so the
    case is recorded, moved or cancelled rather than forgotten."""
    items = stuck_items(today).select_related("case", "coordinator", "dispatch")
    secretaries: dict[int, list[Any]] = {}
    sent = 0
    for item in items:
        municipality_id = item.case.municipality_id
        if municipality_id not in secretaries:
            secretaries[municipality_id] = list(secretaries_of(municipality_id=municipality_id))
        coordinator = [item.coordinator] if hasattr(item, "dispatch") else []
        sent += _send_once(
            NotificationKind.REMIND_STUCK,
            item.case,
            item.pk,
            [*secretaries[municipality_id], *coordinator],
        )
    return sent


class _Numbers:
    """The regions' agreements, read once per run."""

    def __init__(self) -> None:
        self.by_region = agreements_by_region()
        self.seed = seed_agreement()

    def of(self, region_id: int) -> CollaborationAgreement:
        return self.by_region.get(region_id, self.seed)

    def _all(self, field: str) -> list[int]:
        return [getattr(a, field) for a in [self.seed, *self.by_region.values()]]

    def most(self, field: str) -> int:
        return max(self._all(field))

    def fewest(self, field: str) -> int:
        return min(self._all(field))


def send_due_reminders() -> int:
    """Send every reminder that is due now and not yet sent; answers how many went out.
    Reminders go out on working days only."""
    now, today = clock.now(), clock.today()
    if not is_working_day(today):
        return 0
    numbers = _Numbers()
    return (
        _dispatch_reminders(today, numbers)
        + _advice_reminders(now)
        + _decision_reminders(today, numbers)
        + _stuck_reminders(today)
    )
