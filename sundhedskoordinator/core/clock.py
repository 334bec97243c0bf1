"""The one place that reads the wall clock, so that tests can freeze time (see STYLE.md)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, timezone-aware in UTC."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in Copenhagen: meeting dates and deadlines are local dates."""
    return timezone.localdate(timezone.now())
