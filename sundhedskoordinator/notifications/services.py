"""Telling people there is news: an inbox entry and an e-mail through Django's mail API, sent
only when the transaction that caused it commits. E-mails say that there is news and link to the
system; they carry no health data and no CPR number."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sundhedskoordinator.core import clock

from .models import Notification, NotificationKind
from .selectors import UNREAD, unread


def notify(
    *, users: Iterable[Any], kind: NotificationKind, case: Any, calendar: bytes | None = None
) -> None:
    """Put the news in each user's inbox and mail them after commit (once per user)."""
    recipients = {user.pk: user for user in users if user is not None}.values()
    now = clock.now()
    Notification.objects.bulk_create(
        [Notification(user=user, case=case, kind=kind, created_at=now) for user in recipients]
    )
    messages = [_message(user, kind, case, calendar) for user in recipients if user.email]
    if messages:
        transaction.on_commit(lambda: _send(messages))


def _message(user: Any, kind: NotificationKind, case: Any, calendar: bytes | None) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.pk])
        # The citizen reads of her own case; staff read of a case they work on.
        if getattr(case.citizen, "user_id", None) == user.pk:
            text = _(
                "Der er nyt i din sag %(reference)s om retten til en sundhedskoordinator: "
                "%(news)s.\n\nLog ind for at se den: %(link)s\n\n"
                "Denne e-mail indeholder ingen oplysninger om dit helbred."
            )
        else:
            text = _(
                "Der er nyt i sag %(reference)s: %(news)s.\n\nÅbn sagen: %(link)s\n\n"
                "E-mailen indeholder hverken helbredsoplysninger eller CPR-numre; de står i "
                "systemet."
            )
        body = text % {"reference": case.reference, "news": str(kind.label).lower(), "link": link}
        message = EmailMessage(
            subject=_("Nyt i sag %(reference)s") % {"reference": case.reference},
            body=body,
            to=[user.email],
        )
    if calendar:
        # The part's method is the calendar's own: an update is a REQUEST, a cancellation CANCEL.
        method = "CANCEL" if b"METHOD:CANCEL" in calendar else "REQUEST"
        message.attach("invitation.ics", calendar, f"text/calendar; method={method}")
    return message


def _send(messages: list[EmailMessage]) -> None:

    mailers.default.send_messages(messages)


def mark_read(*, user: Any) -> int:
    """Mark the user's messages read; the user, if read with its count of unread messages
    (``selectors.with_unread_count``), then has none."""
    marked = unread(user).update(read_at=clock.now())
    if hasattr(user, UNREAD):
        setattr(user, UNREAD, 0)
    return marked
