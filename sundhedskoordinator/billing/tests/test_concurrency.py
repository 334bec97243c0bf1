"""Two approvals of the same period at the same moment: one locks it, the other is refused and
nothing is stored twice. Real threads with their own database connections, on PostgreSQL and on
SQLite as production runs it (a WAL file, BEGIN IMMEDIATE, a busy timeout)."""

from __future__ import annotations

import contextvars
import datetime as dt
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from conftest import World, local
from sundhedskoordinator.billing.models import Settlement, SettlementLine
from sundhedskoordinator.billing.services import approve_settlement, set_rate
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from tests.places import as_a_wal_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_approvals_lock_the_period_once(
    world: World, treat: Any, tmp_path: Path
) -> None:
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
    on_file = as_a_wal_file(tmp_path / "db.sqlite3") if connection.vendor == "sqlite" else None
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve() -> None:
        if on_file is not None:
            connections["default"].settings_dict = on_file
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

    # Each thread runs in a copy of this one's context, so it sees the frozen clock too.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(approve,)) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["approved", "period_locked"], ["approved", "settlement_changed"])
    if on_file is None:
        assert Settlement.objects.count() == 1
        assert SettlementLine.objects.count() == 2
    else:
        with sqlite3.connect(on_file["NAME"]) as stored:
            counts = [
                stored.execute(f'SELECT count(*) FROM "{model._meta.db_table}"').fetchone()[0]  # noqa: S608
                for model in (Settlement, SettlementLine)
            ]
        assert counts == [1, 2]
