"""The whole procedure through the API, as an integrator would drive it (DESIGN section 6)."""

import datetime as dt

import pytest

from conftest import NOW

pytestmark = pytest.mark.django_db

OFFER = {
    "kind": "company_internship",
    "provider": "Fynsk Genbrug ApS",
    "start_date": "2027-01-11",
    "hours_per_week": 12,
    "content": "Sortering og registrering af varer på lager.",
    "demands": "Tre dage om ugen kl. 9–13, løft op til 10 kg.",
}
CONCERN = {
    "text": "Jeg kan ikke løfte eller stå længe på grund af rygsmerter.",
    "areas": ["fysisk belastning"],
    "channel": "meeting",
}


def test_happy_path_from_request_to_closed_case(world, api):
    caseworker, secretariat = api("sagsbehandler"), api("sekretariat")
    coordinator, citizen = api("koordinator"), api("borger")

    # The caseworker opens the case with the offer; the citizen writes their description.
    created = caseworker.post("/cases", {"citizen": world.citizen.pk, "offer": OFFER})
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["reference"] == "RSK-2026-000001"
    assert case["status"] == "draft"
    assert case["warnings"] == []  # written guidance was given in March
    assert case["citizen"]["cpr"] == "120385-XXXX"
    case_id = case["id"]

    response = citizen.patch(
        f"/cases/{case_id}", {"health_concern": CONCERN}, headers={"If-Match": created["ETag"]}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["health_concern"]["written_by"] == "citizen"
    assert response.json()["health_concern"]["channel"] == "self_service"

    response = citizen.post(f"/cases/{case_id}/submit")
    assert response.status_code == 200, response.json()
    case = response.json()
    assert case["status"] == "requested"
    assert case["request_channel"] == "self_service"
    # The request came before the offer's start: the offer is on hold until the decision.
    assert case["offer"]["on_hold"] is True

    for kind in ("action_plan", "health_information"):
        upload = caseworker.client.post(
            f"/api/v1/cases/{case_id}/documents",
            {"kind": kind, "file": _pdf(f"{kind}.pdf")},
            headers={"Authorization": f"Bearer {caseworker.token}"},
        )
        assert upload.status_code == 201, upload.json()
    assert caseworker.post(f"/cases/{case_id}/complete").json()["status"] == "ready"

    response = secretariat.post(
        f"/cases/{case_id}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "companion": "Hans Sørensen (ægtefælle)",
        },
    )
    assert response.status_code == 200, response.json()
    case = response.json()
    assert case["status"] == "scheduled"
    assert case["agenda_item"]["starts_at"] == "2026-12-15T08:00:00Z"
    assert case["agenda_item"]["ends_at"] == "2026-12-15T08:45:00Z"  # 30 + 15 minutes
    assert case["dispatch"] == {
        "deadline": "2026-12-01",
        "sent_at": None,
        "late": False,
        "working_days_late": None,
    }
    assert case["meeting"]["dispatch_deadline"] == "2026-12-01"

    # The coordinator cannot see the case before it is sent.
    assert coordinator.get(f"/cases/{case_id}").status_code == 404
    response = secretariat.post(f"/cases/{case_id}/dispatch")
    assert response.status_code == 200, response.json()
    assert response.json()["dispatch"]["late"] is False
    assert coordinator.get(f"/cases/{case_id}").status_code == 200

    from sundhedskoordinator.core import clock

    with clock.frozen(dt.datetime(2026, 12, 15, 8, 35, tzinfo=dt.UTC)):
        response = coordinator.post(
            f"/cases/{case_id}/hold-conversation",
            {"started_at": "2026-12-15T08:00:00Z", "ended_at": "2026-12-15T08:28:00Z"},
        )
        assert response.status_code == 200, response.json()
        attendees = response.json()["conversation"]["attendees"]
        assert {a["role"] for a in attendees} == {
            "citizen",
            "coordinator",
            "caseworker",
            "companion",
        }
        response = coordinator.post(
            f"/cases/{case_id}/advice",
            {
                "text": "Praktikken kan gennemføres med skiftende arbejdsstillinger.",
                "accommodations": "Ingen løft over 5 kg.",
            },
        )
        assert response.status_code == 200, response.json()
        advice = response.json()["advice"]
        assert advice["version"] == 1
        assert advice["minutes_after_conversation"] == 7

        note = caseworker.post(
            f"/cases/{case_id}/file-note", {"text": "Aftalt: start kl. 10, ingen løft over 5 kg."}
        )
        assert note.json()["conversation"]["file_note"].startswith("Aftalt")
        response = caseworker.post(
            f"/cases/{case_id}/decision",
            {
                "outcome": "adjust",
                "text": "Praktikken tilpasses efter rådgivningen.",
                "offer": {**OFFER, "demands": "Start kl. 10, ingen løft over 5 kg."},
            },
        )
        assert response.status_code == 200, response.json()
        case = response.json()
        assert case["status"] == "decided"
        assert case["decision"]["outcome"] == "adjust"
        assert case["decision"]["offer_version"] == 2
        assert case["offer"]["on_hold"] is False
        # The adjusted offer is the case's offer now, and the one first registered is kept.
        assert case["offer"]["demands"] == "Start kl. 10, ingen løft over 5 kg."
        assert case["offer"]["version"] == 2
        assert [(v["version"], v["change"]) for v in case["offer_history"]] == [
            (2, "adjusted"),
            (1, "registered"),
        ]
        assert case["offer_history"][1]["demands"] == OFFER["demands"]
        assert caseworker.post(f"/cases/{case_id}/close").json()["status"] == "closed"

    events = caseworker.get(f"/cases/{case_id}/events").json()
    assert [e["kind"] for e in events if e["from_state"] != e["to_state"]] == [
        "case_created",
        "case_submitted",
        "case_completed",
        "case_scheduled",
        "package_dispatched",
        "conversation_held",
        "advice_written",
        "case_decided",
        "case_closed",
    ]
    # The offer, registered at creation: one event for the action, naming what it recorded.
    assert (events[0]["kind"], events[0]["role"]) == ("case_created", "caseworker")
    assert "offer" in events[0]["data"]["fields"]
    submitted = next(e for e in events if e["kind"] == "case_submitted")
    assert (submitted["actor"], submitted["role"]) == ("Bente Nielsen", "citizen")


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sundhedskoordinator.cases.walk import SAMPLE_PDF

    return SimpleUploadedFile(name, SAMPLE_PDF, content_type="application/pdf")


def test_token_endpoint_issues_a_working_token_and_refuses_a_wrong_password(world, client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "sagsbehandler", "password": "demo"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listed = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    refused = client.post(
        "/api/v1/auth/token",
        {"username": "sagsbehandler", "password": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_credentials"
    anonymous = client.get("/api/v1/cases")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"


def test_openapi_document_names_every_action(client, db):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for action in (
        "submit",
        "complete",
        "schedule",
        "unschedule",
        "dispatch",
        "hold-conversation",
        "cancel",
        "advice",
        "decision",
        "close",
        "withdraw",
        "reject",
    ):
        assert f"/api/v1/cases/{{case_id}}/{action}" in paths
    assert "/api/v1/meetings/{meeting_id}/agenda" in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_clock_is_frozen_for_the_world(world):
    from sundhedskoordinator.core import clock

    assert clock.now() == NOW
