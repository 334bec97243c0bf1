"""Two approvals of the same period at the same moment: one locks it, the other is refused and
nothing is stored twice. Real threads with their own database connections."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from conftest import World, local
from sundhedskoordinator.billing.models import Settlement, SettlementLine
from sundhedskoordinator.billing.services import approve_settlement, set_rate
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_approvals_lock_the_period_once(world: World, treat: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's test database lives in memory with a shared cache, where a second writer "
            "fails at once instead of waiting for the first as it does on a WAL file"
        )
    with clock.frozen(local(dt.date(2025, 12, 1), 10)):
        set_rate(
            actor=world.users["klinisk"],
            region_id=world.team.municipality.region_id,
            amount=Decimal("2000.00"),
            valid_from=dt.date(2026, 1, 1),
            bills_cancelled_after_dispatch=False,
        )
    treat(dt.date(2026, 2, 10))
    treat(dt.date(2026, 2, 17))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve() -> None:
        try:
            barrier.wait()
            approve_settlement(
                actor=world.users["klinisk"],
                municipality_id=world.team.municipality_id,
                period_start=dt.date(2026, 2, 1),
                period_end=dt.date(2026, 2, 28),
            )
            outcomes.append("approved")
        except DomainError as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - anything else is the failure to report
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["approved", "period_locked"], ["approved", "settlement_changed"])
    assert Settlement.objects.count() == 1
    assert SettlementLine.objects.count() == 2
