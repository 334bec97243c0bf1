"""The demo world's rates and locked settlement, loaded twice on the frozen day two weeks before
Christmas (``BEFORE_CHRISTMAS``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from sundhedskoordinator.billing.models import Rate, Settlement

pytestmark = pytest.mark.django_db


def test_the_demo_has_rates_and_a_locked_settlement_once(before_christmas: Any) -> None:
    for _ in range(2):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(Rate.objects.values_list("region__name", "amount")) == [
        ("Region Hovedstaden", Decimal("2400.00")),
        ("Region Syddanmark", Decimal("2050.00")),
        ("Region Syddanmark", Decimal("2150.00")),
    ]
    settlement = Settlement.objects.get()
    assert settlement.municipality.code == "461"
    # Last month, seen from 14 December 2026.
    assert (settlement.period_start, settlement.period_end) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    assert settlement.total == sum(settlement.lines.values_list("amount", flat=True))
    assert settlement.line_count == settlement.lines.count() > 0
