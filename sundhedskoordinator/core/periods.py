"""A period of local dates that figures and settlements are asked for: its checks and its
instants in one place."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import DomainError

INVALID_PERIOD = "invalid_period"
#: The dates the service can have figures, settlements and rates for.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def check_period(start: dt.date, end: dt.date, *, max_days: int, too_long: str | Promise) -> None:
    """Both dates between ``EARLIEST`` and ``LATEST``, the end not before the start, and fewer
    than ``max_days`` days between them; otherwise ``invalid_period`` with the field at fault."""
    if not (start >= EARLIEST and end <= LATEST):
        raise DomainError(
            INVALID_PERIOD,
            _("Vælg datoer mellem år 2000 og 2100."),
            fields={"from": _("Datoen ligger uden for det mulige.")},
        )
    if end < start:
        raise DomainError(
            INVALID_PERIOD,
            _("Perioden skal slutte samme dag som eller efter, den begynder."),
            fields={"to": _("Slutdatoen ligger før startdatoen.")},
        )
    if (end - start).days >= max_days:
        raise DomainError(INVALID_PERIOD, too_long, fields={"to": _("Vælg en kortere periode.")})


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's local days as instants: from its first midnight to the one after its last."""
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(start, dt.time(0), tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
    )


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month before ``today``'s: the usual settlement period."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end
