"""``run_once``'s rules found missing by mutation testing (docs/dev/testing.md), asked of the
function directly: no key means no memory; a key remembers the first answer per user, and with
``replay`` only the answer's ``id`` and ``version`` (no health data kept with the key); when two
requests with the same key race, the one stored first answers both."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from conftest import World
from sundhedskoordinator.api.idempotency import HEADER, run_once
from sundhedskoordinator.api.models import IdempotencyRecord
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.organisations.models import User

pytestmark = pytest.mark.django_db

PATH = "/api/v1/cases/7/submit"
ANSWER = {"id": 7, "version": 3, "description": "helbredsoplysninger"}


def _request(user: User, key: str | None) -> Any:
    headers = {} if key is None else {HEADER: key}
    request = RequestFactory().post(PATH, headers=headers)
    request.auth = user
    return request


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> tuple[int, dict[str, Any]]:
        self.calls += 1
        return 200, dict(ANSWER)


def test_without_a_key_every_request_runs_and_nothing_is_kept(world: World) -> None:
    compute = Counter()
    user = world.users["sagsbehandler"]
    for _ in range(2):
        assert run_once(_request(user, None), compute) == (200, ANSWER)
    assert compute.calls == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_repeat_without_replay_answers_with_the_whole_first_answer(world: World) -> None:
    compute = Counter()
    user = world.users["sagsbehandler"]
    first = run_once(_request(user, "k-1"), compute)
    again = run_once(_request(user, "k-1"), compute)
    assert first == again == (200, ANSWER)
    assert compute.calls == 1
    record = IdempotencyRecord.objects.get(user=user, key="k-1")
    assert (record.method, record.path, record.status_code) == ("POST", PATH, 200)


def test_with_replay_only_the_id_and_version_are_kept(world: World) -> None:
    compute = Counter()
    user = world.users["sagsbehandler"]
    replayed: list[dict[str, Any]] = []

    def replay(kept: dict[str, Any]) -> dict[str, Any]:
        replayed.append(kept)
        return {"id": kept["id"], "version": kept["version"], "read": "now"}

    assert run_once(_request(user, "k-2"), compute, replay) == (200, ANSWER)
    assert IdempotencyRecord.objects.get(user=user, key="k-2").body == {"id": 7, "version": 3}
    again = run_once(_request(user, "k-2"), compute, replay)
    assert again == (200, {"id": 7, "version": 3, "read": "now"})
    assert replayed == [{"id": 7, "version": 3}]
    assert compute.calls == 1


@pytest.mark.parametrize("with_replay", [False, True])
def test_when_two_requests_race_the_first_stored_answer_stands(
    world: World, with_replay: bool
) -> None:
    user = world.users["sagsbehandler"]
    other = world.users["sagsbehandler2"]
    stored_first = {"id": 7, "version": 2}

    def compute() -> tuple[int, dict[str, Any]]:
        # The other request with the same key is stored while this one is still running; the
        # same key of another user is no answer to this one.
        IdempotencyRecord.objects.create(
            user=other,
            key="k-3",
            method="POST",
            path=PATH,
            status_code=201,
            body={"id": 99, "version": 1},
            created_at=clock.now(),
        )
        IdempotencyRecord.objects.create(
            user=user,
            key="k-3",
            method="POST",
            path=PATH,
            status_code=201,
            body=stored_first,
            created_at=clock.now(),
        )
        return 200, dict(ANSWER)

    def replay(kept: dict[str, Any]) -> dict[str, Any]:
        return {**kept, "replayed": True}

    # The user's answer to another key is no answer to this one either.
    IdempotencyRecord.objects.create(
        user=user,
        key="k-earlier",
        method="POST",
        path=PATH,
        status_code=200,
        body={"id": 5, "version": 9},
        created_at=clock.now(),
    )
    status, body = run_once(_request(user, "k-3"), compute, replay if with_replay else None)
    assert status == 201
    assert body == ({**stored_first, "replayed": True} if with_replay else stored_first)


def test_a_key_of_200_characters_is_kept_and_one_of_201_refused(world: World) -> None:
    """The record keeps up to 200 characters (the length of its column); a longer key is
    refused, not cut, and nothing runs."""
    compute = Counter()
    user = world.users["sagsbehandler"]
    assert run_once(_request(user, "k" * 200), compute) == (200, ANSWER)
    with pytest.raises(DomainError) as refused:
        run_once(_request(user, "k" * 201), compute)
    assert (refused.value.code, refused.value.status) == ("idempotency_key_invalid", 400)
    assert compute.calls == 1
    assert IdempotencyRecord.objects.get().key == "k" * 200


def test_a_path_longer_than_kept_is_answered_again_from_its_record(world: World) -> None:
    """A record keeps the first 300 characters of the path (its column); a repeat of the same
    long request finds the record and gets the first answer."""
    compute = Counter()
    user = world.users["sagsbehandler"]
    long_path = "/api/v1/cases/7/" + "x" * 334  # 350 characters
    request = RequestFactory().post(long_path, headers={HEADER: "k-long"})
    request.auth = user
    again = RequestFactory().post(long_path, headers={HEADER: "k-long"})
    again.auth = user
    assert run_once(request, compute) == run_once(again, compute) == (200, ANSWER)
    assert compute.calls == 1
    assert IdempotencyRecord.objects.get(key="k-long").path == long_path[:300]
    assert IdempotencyRecord._meta.get_field("path").max_length == 300
