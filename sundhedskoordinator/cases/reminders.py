"""Reminders (DESIGN section 5, background work): the rules for when each is due, and sending
each exactly once.

- the secretariat, ``REMINDER_DISPATCH_WORKING_DAYS`` working days before an agenda item's
  dispatch deadline (and on every working day after it, until the package is sent: once per
  item), for items not yet sent;
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
from django.db import IntegrityError, transaction
from django.utils import timezone

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import is_working_day, subtract_working_days
from sundhedskoordinator.meetings.models import AgendaItem
from sundhedskoordinator.notifications.models import NotificationKind, Reminder
from sundhedskoordinator.notifications.services import notify
from sundhedskoordinator.organisations.selectors import secretaries_of

from .choices import Status
from .models import Advice, Case, Conversation


def _send_once(kind: NotificationKind, case: Case, subject_id: int, users: Iterable[Any]) -> int:
    sent = 0
    for user in users:
        try:
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
        except IntegrityError:
            continue  # another scheduler sent it at the same moment
    return sent


def _dispatch_reminders(today: dt.date) -> int:
    days = settings.REMINDER_DISPATCH_WORKING_DAYS
    items = AgendaItem.objects.filter(
        cancelled_at__isnull=True,
        dispatch__isnull=True,
        case__status=Status.SCHEDULED,
        meeting__date__gte=today,
    ).select_related("case", "meeting__team")
    sent = 0
    for item in items:
        if today >= subtract_working_days(item.dispatch_deadline, days):
            secretaries = secretaries_of(municipality_id=item.meeting.team.municipality_id)
            sent += _send_once(NotificationKind.REMIND_DISPATCH, item.case, item.pk, secretaries)
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
    days = settings.REMINDER_DECISION_WORKING_DAYS
    first_advice = Advice.objects.filter(version=1, case__status=Status.ADVISED).select_related(
        "case__responsible"
    )
    sent = 0
    for advice in first_advice:
        advised_on = timezone.localdate(advice.submitted_at)
        if subtract_working_days(today, days) >= advised_on:
            sent += _send_once(
                NotificationKind.REMIND_DECISION,
                advice.case,
                advice.case_id,
                [advice.case.responsible],
            )
    return sent


def send_due_reminders() -> int:
    """Send every reminder that is due now and not yet sent; answers how many went out.
    Reminders go out on working days only."""
    now, today = clock.now(), clock.today()
    if not is_working_day(today):
        return 0
    return _dispatch_reminders(today) + _advice_reminders(now) + _decision_reminders(today)
