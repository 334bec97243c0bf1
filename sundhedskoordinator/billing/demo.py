"""The demo world's rates: Region Syddanmark raised its rate at New Year and bills cases cancelled
after dispatch; Region Hovedstaden has one rate and does not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.periods import previous_month
from sundhedskoordinator.organisations.models import User

from .models import Rate, Settlement
from .services import approve_settlement, set_rate

#: (Klinisk Funktion's username, amount, valid from, cases cancelled after dispatch billed)
RatePlan = list[tuple[str, Decimal, dt.date, bool]]


def set_rates(users: dict[str, User], plan: RatePlan) -> int:
    """Set the planned rates through the service, each by its region's Klinisk Funktion, skipping
    those already there; return how many were new."""
    created = 0
    for username, amount, valid_from, cancelled in plan:
        actor = users[username]
        region = actor.memberships.get().region
        if (
            region is None
            or Rate.objects.filter(region=region, valid_from__gte=valid_from).exists()
        ):
            continue
        set_rate(
            actor=actor,
            region_id=region.pk,
            amount=amount,
            valid_from=valid_from,
            bills_cancelled_after_dispatch=cancelled,
            note="Samarbejdsaftalens takst pr. sag i rehabiliteringsteamet",
        )
        created += 1
    return created


def load_demo_rates(users: dict[str, User]) -> int:
    """The demo rates; return how many were new."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The demo world is only loaded in demo mode.")
    year = clock.today().year
    return set_rates(
        users,
        [
            ("klinisk", Decimal("2050.00"), dt.date(year - 1, 1, 1), True),
            ("klinisk", Decimal("2150.00"), dt.date(year, 1, 1), True),
            ("klinisk2", Decimal("2400.00"), dt.date(year - 1, 1, 1), False),
        ],
    )


def load_demo_settlement(users: dict[str, User]) -> bool:
    """Approve and lock last month's settlement for Odense, so the demo shows a locked one next
    to this month's draft; nothing when there is one already or nothing to bill."""

    actor = users["klinisk"]
    municipality = actor.memberships.get().region.municipalities.filter(code="461").first()  # type: ignore[union-attr]
    if municipality is None or Settlement.objects.filter(municipality=municipality).exists():
        return False
    start, end = previous_month(clock.today())
    try:
        approve_settlement(
            actor=actor, municipality_id=municipality.pk, period_start=start, period_end=end
        )
    except DomainError:
        return False
    return True
