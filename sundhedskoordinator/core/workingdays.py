"""Danish working days (hverdage): the one module that counts them (DESIGN section 4).

A working day is Monday to Friday that is neither a Danish public holiday (the ``holidays``
package's Denmark calendar, which drops Store Bededag from 2024 after lov nr. 214 af 6/3/2023)
nor one of the deployment's extra closing days (default, as forældelsesloven § 27, stk. 2 counts
them: Grundlovsdag 5 June, 24 December and 31 December; set ``EXTRA_CLOSING_DAYS``), nor a movable
closing day counted from Easter (``EXTRA_CLOSING_RULES``, e.g. "easter+40" for the Friday after
Ascension Day; none by default).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from dateutil.easter import easter
from django.conf import settings

ONE_DAY = dt.timedelta(days=1)


ClosingDays = tuple[tuple[tuple[int, int], ...], tuple[int, ...]]


def _closing_days() -> ClosingDays:
    """The deployment's closing days: fixed (month, day) dates, and movable ones as days from
    Easter Sunday (``EXTRA_CLOSING_RULES``, e.g. "easter+40", the Friday after Ascension)."""
    fixed: tuple[tuple[int, int], ...] = tuple(settings.EXTRA_CLOSING_DAYS)
    movable: tuple[int, ...] = tuple(settings.EXTRA_CLOSING_EASTER_OFFSETS)
    return fixed, movable


@lru_cache(maxsize=64)
def _easter(year: int) -> dt.date:
    sunday: dt.date = easter(year)
    return sunday


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def is_working_day(day: dt.date, *, closing_days: ClosingDays | None = None) -> bool:
    """Monday–Friday, not a public holiday and not a configured closing day, fixed or movable."""
    if day.weekday() >= 5:
        return False
    if day in _public_holidays(day.year):
        return False
    fixed, movable = _closing_days() if closing_days is None else closing_days
    if (day.month, day.day) in fixed:
        return False
    return not movable or (day - _easter(day.year)).days not in movable


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date ``count`` working days after ``day`` (before it when ``count`` is negative).
    ``day`` itself is never counted, so ``add_working_days(d, 0) == d``."""
    step = ONE_DAY if count >= 0 else -ONE_DAY
    remaining = abs(count)
    closing = _closing_days()
    current = day
    while remaining:
        current += step
        if is_working_day(current, closing_days=closing):
            remaining -= 1
    return current


def subtract_working_days(day: dt.date, count: int) -> dt.date:
    """The date ``count`` working days before ``day``; ``day`` itself is not counted."""
    return add_working_days(day, -count)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier.
    So ``working_days_between(d, add_working_days(d, n)) == n``."""
    if end < start:
        return -working_days_between(end, start)
    closing = _closing_days()
    count = 0
    current = start
    while current < end:
        current += ONE_DAY
        if is_working_day(current, closing_days=closing):
            count += 1
    return count


def dispatch_deadline(meeting_day: dt.date, working_days_before: int) -> dt.date:
    """The last day the case package may be sent: the ``working_days_before``-th working day before
    the meeting day, counting back and not counting the meeting day (regional procedure item 8)."""
    return subtract_working_days(meeting_day, working_days_before)


def deadline_passed(deadline: dt.date, today: dt.date) -> bool:
    """A deadline is kept on its day: it has passed only from the day after. The one rule for
    "late" (a package sent, a case scheduled, a badge shown)."""
    return today > deadline


def deadline_near(deadline: dt.date, today: dt.date, warning_days: int) -> bool:
    """Not passed, and at most ``warning_days`` working days away (the region's
    ``CollaborationAgreement.deadline_warning_working_days``)."""
    return not deadline_passed(deadline, today) and (
        working_days_between(today, deadline) <= warning_days
    )
