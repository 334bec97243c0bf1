"""Background tasks (Django's Tasks API; the database backend's worker runs them).

``send_reminders`` sends what is due and then queues its own next run, so one enqueued run
keeps the reminders going for as long as a worker runs; ``manage.py schedule_reminders`` starts
the chain when none is queued. A duplicate chain is harmless: each reminder is sent once
(``reminders.py``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task

from sundhedskoordinator.core import clock
from sundhedskoordinator.post.services import deliver_due

from . import reminders


@task()
def send_reminders(*, reschedule: bool = True) -> int:
    sent = reminders.send_due_reminders()
    # The same beat hands over any Digital Post letter whose queued task was lost (a worker
    # that stopped between a commit and its queue); each letter still goes once.
    deliver_due()
    if reschedule:
        send_reminders.using(
            run_after=clock.now() + dt.timedelta(minutes=settings.REMINDER_INTERVAL_MINUTES)
        ).enqueue()
    return sent
