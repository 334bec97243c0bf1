"""Idempotency-Key (DESIGN section 6: "POST actions accept Idempotency-Key") belongs to one user
and one endpoint: a repeat by the same user to the same endpoint gets the first answer and
changes nothing; the same key from another user is that user's own request; the same key on
another endpoint is refused, never answered with the other endpoint's answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import World
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import SAMPLE_CONCERN, SAMPLE_OFFER
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.organisations.models import Municipality

pytestmark = pytest.mark.django_db

KEY = "2f0c6b7e-anmodning-1"


def _key(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def _case_body(citizen_id: int) -> dict[str, Any]:
    offer = {k: v for k, v in SAMPLE_OFFER.items() if v is not None}
    return {
        "citizen": citizen_id,
        "offer": offer,
        "health_concern": {"text": SAMPLE_CONCERN["text"], "areas": SAMPLE_CONCERN["areas"]},
    }


def _create(api, username: str, citizen_id: int, key: str = KEY) -> Any:
    return api(username).post("/cases", _case_body(citizen_id), headers=_key(key))


def test_a_repeated_key_from_the_same_user_replays_the_first_answer(world: World, api) -> None:
    first = _create(api, "sagsbehandler", world.citizen.pk)
    again = _create(api, "sagsbehandler", world.citizen.pk)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Case.objects.count() == 1


def test_the_same_key_from_a_colleague_is_the_colleagues_own_request(world: World, api) -> None:
    mine = _create(api, "sagsbehandler", world.citizen.pk).json()
    theirs = _create(api, "jobformidler", world.citizen.pk)
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine["id"]
    assert Case.objects.count() == 2
    assert Case.objects.get(pk=theirs.json()["id"]).responsible == world.users["jobformidler"]


def test_the_same_key_from_another_municipality_never_answers_with_her_case(
    world: World, api
) -> None:
    copenhagen = Municipality.objects.get(code="101")
    other_citizen = citizen_services.create_citizen(
        actor=world.users["sagsbehandler2"],
        cpr="0202921234",
        name="Ole Hansen",
        municipality=copenhagen,
        course_start=dt.date(2026, 1, 1),
    )
    odense = _create(api, "sagsbehandler", world.citizen.pk).json()
    answer = _create(api, "sagsbehandler2", other_citizen.pk)
    assert answer.status_code == 201
    body = answer.json()
    assert body["id"] != odense["id"]
    assert body["reference"] != odense["reference"]
    assert world.citizen.name not in answer.content.decode()
    assert Case.objects.get(pk=body["id"]).municipality == copenhagen


def test_the_same_key_on_another_action_is_refused_and_changes_nothing(world: World, api) -> None:
    case_id = _create(api, "sagsbehandler", world.citizen.pk, key="opret").json()["id"]
    client = api("sagsbehandler")
    submitted = client.post(
        f"/cases/{case_id}/submit", {"channel": "meeting"}, headers=_key("handling")
    )
    assert submitted.status_code == 200
    withdrawn = client.post(f"/cases/{case_id}/withdraw", {"reason": "x"}, headers=_key("handling"))
    assert withdrawn.status_code == 422
    assert withdrawn.json()["error"]["code"] == "idempotency_key_reused"
    assert Case.objects.get(pk=case_id).status == Status.REQUESTED


def test_the_same_key_on_the_same_action_for_another_case_is_refused(world: World, api) -> None:
    first = _create(api, "sagsbehandler", world.citizen.pk, key="opret-1").json()["id"]
    second = _create(api, "sagsbehandler", world.citizen.pk, key="opret-2").json()["id"]
    client = api("sagsbehandler")
    body = {"channel": "meeting"}
    assert client.post(f"/cases/{first}/submit", body, headers=_key("send")).status_code == 200
    refused = client.post(f"/cases/{second}/submit", body, headers=_key("send"))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "idempotency_key_reused"
    assert Case.objects.get(pk=second).status == Status.DRAFT


def test_a_key_another_user_used_elsewhere_does_not_refuse_mine(world: World, api) -> None:
    case_id = _create(api, "sagsbehandler", world.citizen.pk, key="opret").json()["id"]
    client = api("sagsbehandler")
    assert (
        client.post(f"/cases/{case_id}/submit", {"channel": "meeting"}, headers=_key("k"))
    ).status_code == 200
    # The citizen withdraws with a key the caseworker happened to use on another path: it is
    # the citizen's first use of it, so it runs.
    citizen = api("borger").post(f"/cases/{case_id}/withdraw", {"reason": "x"}, headers=_key("k"))
    assert citizen.status_code == 200
    assert citizen.json()["status"] == Status.WITHDRAWN


def test_a_refusal_is_not_remembered_so_the_fixed_request_can_reuse_the_key(
    world: World, api
) -> None:
    client = api("sagsbehandler")
    case_id = _create(api, "sagsbehandler", world.citizen.pk, key="opret").json()["id"]
    refused = client.post(f"/cases/{case_id}/submit", {"channel": ""}, headers=_key("send"))
    assert refused.status_code == 422
    fixed = client.post(f"/cases/{case_id}/submit", {"channel": "meeting"}, headers=_key("send"))
    assert fixed.status_code == 200
    assert fixed.json()["status"] == Status.REQUESTED
