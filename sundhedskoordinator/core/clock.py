"""The one place that reads the wall clock, so that tests and the demo loader can fix time.

Everything that needs "now" or "today" calls ``clock.now()`` / ``clock.today()``; ruff's
banned-api rule keeps other reads out. ``clock.frozen(moment)`` fixes the time for the current
thread or task (the demo world uses it to build cases with a history in the past), and the
``CLOCK_FROZEN_AT`` setting fixes it for a whole process (tests that start servers and workers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("frozen_clock", default=None)


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC)."""
    fixed = _frozen.get()
    if fixed is not None:
        return fixed
    configured: dt.datetime | None = settings.CLOCK_FROZEN_AT
    return configured if configured is not None else timezone.now()


def today() -> dt.date:
    """Today's date in Copenhagen: meeting dates and deadlines are local dates."""
    return timezone.localdate(now())


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Fix ``now()`` at ``moment`` (timezone-aware) inside the block."""
    if timezone.is_naive(moment):
        raise ValueError("clock.frozen needs a timezone-aware moment")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
