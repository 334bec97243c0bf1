"""An action on a case locks the case's row and its citizen's, not the rows many cases share: two
caseworkers acting at once on two cases of the same municipality, the same region and the same
responsible caseworker do not wait for each other, while a second action on the same case does.

On PostgreSQL, where rows are locked (SQLite has one write lock for the whole database, taken by
every write transaction, so the question does not arise there). The second action runs on a
connection of its own, in a thread, with a lock timeout: it either takes the lock or reports that
it waited."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction

from conftest import World
from sundhedskoordinator.cases.services.common import _lock
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.citizens.services import create_citizen
from sundhedskoordinator.organisations.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def _lock_elsewhere(case_id: int, actor: User) -> str:
    """Whether another connection takes the case's lock within a second: locked or waited."""
    outcome: list[str] = []

    def run() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                _lock(case_id, None, actor)
            outcome.append("locked")
        except OperationalError:
            outcome.append("waited")
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome[0]


def test_an_action_does_not_wait_for_another_case_of_the_municipality(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one write lock for the whole database")
    caseworker = world.users["sagsbehandler"]
    neighbour = create_citizen(
        actor=caseworker,
        cpr="0101901234",
        name="Karl Jensen",
        municipality=world.citizen.municipality,
    )
    first = new_case(citizen=world.citizen, caseworker=caseworker)
    second = new_case(citizen=neighbour, caseworker=caseworker)
    assert (first.municipality_id, first.responsible_id) == (
        second.municipality_id,
        second.responsible_id,
    )
    with transaction.atomic():
        _lock(first.pk, None, caseworker)
        assert _lock_elsewhere(second.pk, caseworker) == "locked"
        assert _lock_elsewhere(first.pk, caseworker) == "waited"
