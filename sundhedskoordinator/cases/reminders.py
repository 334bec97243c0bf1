"""Reminders (DESIGN section 5, background work): the rules for when each is due, and sending
each exactly once.

- the secretariat, once per agenda item not yet sent, from ``REMINDER_DISPATCH_WORKING_DAYS``
  working days before its dispatch deadline (a scheduler that was down catches up later);
- the coordinator, when the advice is not written ``ADVICE_TARGET_MINUTES`` after the
  conversation ended;
- the caseworker, when the advice has waited ``REMINDER_DECISION_WORKING_DAYS`` working days for
  a decision.

Each (kind, subject, recipient) is recorded in ``Reminder`` under a unique constraint in the same
transaction that puts the message in the inbox and queues the e-mail, so running the scheduler
again, or twice at once, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import (
    add_working_days,
    is_working_day,
    subtract_working_days,
)
from sundhedskoordinator.meetings.models import AgendaItem
from sundhedskoordinator.notifications.models import NotificationKind, Reminder
from sundhedskoordinator.notifications.services import notify
from sundhedskoordinator.organisations.selectors import secretaries_of

from .choices import Status
from .models import Advice, Case, Conversation


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


def _dispatch_reminders(today: dt.date) -> int:
    # On a working day, "today is at most N working days before the deadline" is "the deadline is
    # at most N working days after today", which the database can filter on.
    horizon = add_working_days(today, settings.REMINDER_DISPATCH_WORKING_DAYS)
    items = AgendaItem.objects.filter(
        cancelled_at__isnull=True,
        dispatch__isnull=True,
        case__status=Status.SCHEDULED,
        meeting__date__gte=today,
        dispatch_deadline__lte=horizon,
    ).select_related("case", "meeting__team")
    secretaries: dict[int, list[Any]] = {}
    sent = 0
    for item in items:
        municipality_id = item.meeting.team.municipality_id
        if municipality_id not in secretaries:
            secretaries[municipality_id] = list(secretaries_of(municipality_id=municipality_id))
        sent += _send_once(
            NotificationKind.REMIND_DISPATCH, item.case, item.pk, secretaries[municipality_id]
        )
    return sent


def _advice_reminders(now: dt.datetime) -> int:
    limit = now - dt.timedelta(minutes=settings.ADVICE_TARGET_MINUTES)
    conversations = Conversation.objects.filter(
        case__status=Status.HELD, ended_at__lte=limit, advice__isnull=True
    ).select_related("case", "agenda_item__coordinator")
    sent = 0
    for conversation in conversations:
        coordinator = conversation.agenda_item.coordinator
        sent += _send_once(
            NotificationKind.REMIND_ADVICE, conversation.case, conversation.pk, [coordinator]
        )
    return sent


def _decision_reminders(today: dt.date) -> int:
    # Advice given on or before this day has waited the configured number of working days.
    cutoff = subtract_working_days(today, settings.REMINDER_DECISION_WORKING_DAYS)
    day_after = dt.datetime.combine(
        cutoff + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone()
    )
    waiting = Advice.objects.filter(
        version=1, case__status=Status.ADVISED, submitted_at__lt=day_after
    ).select_related("case__responsible")
    sent = 0
    for advice in waiting:
        sent += _send_once(
            NotificationKind.REMIND_DECISION, advice.case, advice.case_id, [advice.case.responsible]
        )
    return sent


def send_due_reminders() -> int:
    """Send every reminder that is due now and not yet sent; answers how many went out.
    Reminders go out on working days only."""
    now, today = clock.now(), clock.today()
    if not is_working_day(today):
        return 0
    return _dispatch_reminders(today) + _advice_reminders(now) + _decision_reminders(today)
