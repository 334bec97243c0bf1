"""Many requests at the same moment (issue 19, "Concurrency"): real threads, each with its own
database connection, sending real requests through the API with their own token, released
together by a barrier. On PostgreSQL and on SQLite as production runs it: a WAL file with
BEGIN IMMEDIATE and the busy timeout of the settings (the suite's in-memory database is copied
into one first, as ``billing/tests/test_concurrency.py`` does).

The expected outcomes come from DESIGN ("Updates use ETag/If-Match; a stale write answers 409")
and from counting: one of N writers of one version wins; N creations make N references; a
meeting with room for one more case takes one; a case is dispatched once."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from conftest import World, local
from sundhedskoordinator.api.tokens import issue_token
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem, Case, Dispatch
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.selectors import agreement_on
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.organisations.services import grant_role
from tests.places import as_a_wal_file

pytestmark = pytest.mark.django_db(transaction=True)


class Race:
    """Runs a function in N threads released together, each on its own connection (to the WAL
    file on SQLite), in a copy of the caller's context (so the frozen clock holds there too)."""

    def __init__(self, tmp_path: Path) -> None:
        self.on_file: dict[str, Any] | None = None
        if connection.vendor == "sqlite":
            self.on_file = as_a_wal_file(tmp_path / "db.sqlite3")

    def run(self, n: int, work: Callable[[int], Any]) -> list[Any]:
        barrier = threading.Barrier(n)
        results: list[Any] = [None] * n

        def body(i: int) -> None:
            if self.on_file is not None:
                connections["default"].settings_dict = dict(self.on_file)
            try:
                barrier.wait()
                results[i] = work(i)
            except Exception as error:  # noqa: BLE001 - reported by the test as a result
                error.add_note("".join(traceback.format_exception(error)))
                results[i] = error
            finally:
                connection.close()

        threads = [
            threading.Thread(target=contextvars.copy_context().run, args=(body, i))
            for i in range(n)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        return results

    def read(self, work: Callable[[], Any]) -> Any:
        """``work`` on the database the racers wrote to."""
        (result,) = self.run(1, lambda _: work())
        if isinstance(result, Exception):
            raise result
        return result


def _client(user: User) -> tuple[Client, dict[str, str]]:
    return Client(), {"Authorization": f"Bearer {issue_token(user=user)}"}


def _post(client: Client, headers: dict[str, str], path: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1{path}",
        json.dumps(body or {}),
        content_type="application/json",
        headers=headers,
    )


def test_twenty_writers_of_one_version_one_wins_and_nineteen_are_told(
    world: World, tmp_path: Path
) -> None:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    version = case.version
    clients = [_client(world.users["sagsbehandler"]) for _ in range(20)]
    race = Race(tmp_path)

    def write(i: int) -> Any:
        client, headers = clients[i]
        offer = {"kind": "company_internship", "provider": f"Arbejdsplads nr. {i}"}
        return client.patch(
            f"/api/v1/cases/{case.pk}",
            json.dumps({"offer": offer}),
            content_type="application/json",
            headers={**headers, "If-Match": f'"{version}"'},
        )

    answers = race.run(20, write)

    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert Counter(a.status_code for a in answers) == {200: 1, 409: 19}
    (winner,) = [i for i, a in enumerate(answers) if a.status_code == 200]
    for answer in answers:
        if answer.status_code == 409:
            body = answer.json()["error"]
            assert body["code"] == "stale_version"
            assert "ændret af en anden" in body["message"]
    stored = race.read(lambda: Case.objects.select_related("offer").get(pk=case.pk))
    assert stored.offer.provider == f"Arbejdsplads nr. {winner}"
    assert stored.version == version + 1
    assert answers[winner].json()["version"] == version + 1


def test_two_hundred_creations_at_once_make_two_hundred_references(
    world: World, tmp_path: Path
) -> None:
    writers = 20
    clients = [_client(world.users["sagsbehandler"]) for _ in range(writers)]
    before = Case.objects.count()
    race = Race(tmp_path)

    def create(i: int) -> list[Any]:
        client, headers = clients[i]
        return [_post(client, headers, "/cases", {"citizen": world.citizen.pk}) for _ in range(10)]

    answers = [a for batch in race.run(writers, create) for a in batch]

    assert len(answers) == 200
    assert Counter(a.status_code for a in answers) == {201: 200}
    references = {a.json()["reference"] for a in answers}
    ids = {a.json()["id"] for a in answers}
    assert len(references) == len(ids) == 200
    stored = race.read(
        lambda: set(Case.objects.exclude(reference="").values_list("reference", flat=True))
    )
    assert references <= stored
    assert race.read(Case.objects.count) == before + 200


def test_two_secretaries_filling_the_last_slot_one_gets_it(world: World, tmp_path: Path) -> None:
    users = world.users
    other = User.objects.create_user(username="sekretariat-b", password="x")  # noqa: S106
    grant_role(
        user=other,
        role=Role.SECRETARIAT,
        municipality=world.team.municipality,
    )
    agreement = agreement_on(world.team.municipality.region_id, dt.date(2026, 12, 16))
    length = dt.timedelta(minutes=agreement.case_slot_minutes + agreement.advice_block_minutes)
    starts = local(dt.date(2026, 12, 16), 9)
    room_for_one = meeting_services.create_meeting(
        actor=users["sekretariat"], team=world.team, starts_at=starts, ends_at=starts + length
    )
    cases = [new_case(citizen=world.citizen, caseworker=users["sagsbehandler"]) for _ in range(2)]
    for case in cases:
        walk_case_to(case, Status.READY, cast=world.cast)
    clients = [_client(users["sekretariat"]), _client(other)]
    race = Race(tmp_path)

    def schedule(i: int) -> Any:
        client, headers = clients[i]
        return _post(
            client,
            headers,
            f"/cases/{cases[i].pk}/schedule",
            {"meeting": room_for_one.pk, "coordinator": users["koordinator"].pk},
        )

    answers = race.run(2, schedule)

    assert not [a for a in answers if isinstance(a, Exception)], answers
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 200 and codes[1] in {409, 422}, [a.json() for a in answers]
    items = race.read(
        lambda: list(AgendaItem.objects.filter(meeting=room_for_one, cancelled_at__isnull=True))
    )
    assert len(items) == 1
    states = race.read(
        lambda: sorted(
            Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)
        )
    )
    assert states == sorted([Status.READY, Status.SCHEDULED])


def test_a_double_clicked_dispatch_sends_the_package_once(world: World, tmp_path: Path) -> None:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    walk_case_to(case, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    client, headers = _client(world.users["sekretariat"])
    second = Client()
    race = Race(tmp_path)

    def dispatch(i: int) -> Any:
        return _post(client if i == 0 else second, headers, f"/cases/{case.pk}/dispatch")

    answers = race.run(2, dispatch)

    assert not [a for a in answers if isinstance(a, Exception)], answers
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 200 and codes[1] in {409, 422}, [a.json() for a in answers]
    assert race.read(lambda: Dispatch.objects.filter(case=case).count()) == 1
    assert (
        race.read(
            lambda: CaseEvent.objects.filter(case_id=case.pk, kind="package_dispatched").count()
        )
        == 1
    )
    assert race.read(lambda: Case.objects.get(pk=case.pk).status) == Status.SENT


def test_ten_creations_with_one_idempotency_key_make_one_case(world: World, tmp_path: Path) -> None:
    # A client that retries at once (a double click, a timeout) sends the same key again while
    # the first request is still running: the case is made once, and every answer names it.
    clients = [_client(world.users["sagsbehandler"])[0] for _ in range(10)]
    _, headers = _client(world.users["sagsbehandler"])
    before = Case.objects.count()
    race = Race(tmp_path)

    def create(i: int) -> Any:
        return _post(
            clients[i],
            {**headers, "Idempotency-Key": "ny-sag-1"},
            "/cases",
            {"citizen": world.citizen.pk},
        )

    answers = race.run(10, create)

    assert not [a for a in answers if isinstance(a, Exception)], answers
    created = [a for a in answers if a.status_code == 201]
    assert created, [a.json() for a in answers]
    assert {a.json()["id"] for a in created} == {created[0].json()["id"]}
    assert all(a.status_code in {201, 409} for a in answers), [a.json() for a in answers]
    assert race.read(Case.objects.count) == before + 1
