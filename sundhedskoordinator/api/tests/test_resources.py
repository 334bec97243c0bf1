"""Citizens, meetings, agendas, documents and lists through the API."""

import hashlib

import pytest

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import SAMPLE_PDF, new_case, walk_case_to
from sundhedskoordinator.citizens.cpr import lookup_hash, reveal_cpr
from sundhedskoordinator.citizens.models import Citizen

pytestmark = pytest.mark.django_db


def test_a_citizen_is_created_with_the_cpr_write_only(world, api):
    caseworker = api("sagsbehandler")
    response = caseworker.post(
        "/citizens",
        {"cpr": "010190-1234", "name": "Ny Borger", "resource_course_start": "2026-10-01"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cpr"] == "010190-XXXX"
    assert body["municipality"]["name"] == "Odense Kommune"
    assert body["resource_course"] == {"start_date": "2026-10-01", "end_date": None, "active": True}
    assert body["informed_of_right"] is False
    stored = Citizen.objects.get(pk=body["id"])
    assert "0101901234" not in stored.cpr_encrypted  # encrypted at rest
    assert reveal_cpr(stored.cpr_encrypted) == "0101901234"
    assert stored.cpr_hash == lookup_hash("010190-1234")
    again = caseworker.post("/citizens", {"cpr": "0101901234", "name": "Ny Borger"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "citizen_exists"
    assert "0101901234" not in again.content.decode()


def test_guidance_is_recorded_and_citizens_without_it_are_listed(world, api):
    caseworker = api("sagsbehandler")
    created = caseworker.post(
        "/citizens",
        {"cpr": "0202921234", "name": "Uden Vejledning", "resource_course_start": "2026-09-01"},
    ).json()
    listed = caseworker.get("/citizens", without_guidance="true").json()
    assert [c["name"] for c in listed["items"]] == ["Uden Vejledning"]
    guidance = caseworker.post(
        f"/citizens/{created['id']}/guidance",
        {
            "given_on": "2026-11-23",
            "channel": "letter",
            "note": "Vejledningsbrev sendt med Digital Post.",
        },
    )
    assert guidance.status_code == 201
    assert guidance.json()["written"] is True
    assert caseworker.get("/citizens", without_guidance="true").json()["count"] == 0
    bad = caseworker.post(
        f"/citizens/{created['id']}/guidance", {"given_on": "2026-11-23", "channel": "pigeon"}
    )
    assert bad.status_code == 422
    assert "channel" in bad.json()["error"]["fields"]


def test_citizens_of_another_municipality_are_not_found(world, api):
    assert api("sagsbehandler2").get(f"/citizens/{world.citizen.pk}").status_code == 404
    assert api("sagsbehandler2").get("/citizens").json()["count"] == 0
    assert api("koordinator").get("/citizens").json()["count"] == 0
    refused = api("sekretariat").post(
        f"/citizens/{world.citizen.pk}/guidance", {"given_on": "2026-11-23", "channel": "letter"}
    )
    assert refused.status_code == 403  # the secretariat plans meetings; it gives no guidance
    assert refused.json()["error"]["code"] == "role_not_allowed"


def test_meetings_are_scoped_to_the_team_and_region(world, api):
    assert api("sekretariat").get("/meetings").json()["count"] == 1
    assert api("koordinator").get("/meetings").json()["count"] == 1
    assert api("sagsbehandler2").get("/meetings").json()["count"] == 0
    assert api("koordinator2").get(f"/meetings/{world.meeting.pk}").status_code == 404
    refused = api("sagsbehandler").post(
        "/meetings",
        {
            "team": world.team.pk,
            "starts_at": "2026-12-20T09:00:00+01:00",
            "ends_at": "2026-12-20T10:00:00+01:00",
        },
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "role_not_allowed"


def test_the_agenda_lists_items_in_time_order_with_their_deadlines(world, api):
    for _ in range(2):
        walk_case_to(
            new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
            Status.SCHEDULED,
            cast=world.cast,
            meeting=world.meeting,
        )
    agenda = api("sekretariat").get(f"/meetings/{world.meeting.pk}/agenda").json()
    assert [i["starts_at"] for i in agenda["items"]] == [
        "2026-12-15T08:00:00Z",
        "2026-12-15T08:45:00Z",
    ]
    assert {i["dispatch_deadline"] for i in agenda["items"]} == {"2026-12-01"}
    # The coordinator sees only what has been sent to them.
    assert api("koordinator").get(f"/meetings/{world.meeting.pk}/agenda").json()["items"] == []


def test_lists_filter_and_paginate(world, api):
    for state in (Status.DRAFT, Status.REQUESTED, Status.REQUESTED):
        walk_case_to(
            new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
            state,
            cast=world.cast,
        )
    client = api("sagsbehandler")
    assert client.get("/cases", status="requested").json()["count"] == 2
    page = client.get("/cases", page=2, page_size=2).json()
    assert page["count"] == 3
    assert len(page["items"]) == 1
    too_big = client.get("/cases", page_size=101)
    assert too_big.status_code == 400
    assert "page_size" in too_big.json()["error"]["fields"]
    assert client.get("/cases", responsible=world.users["jobformidler"].pk).json()["count"] == 0


def test_documents_are_versioned_and_downloaded_intact(world, api):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client = api("sagsbehandler")
    headers = {"Authorization": f"Bearer {client.token}"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    for content in (SAMPLE_PDF, SAMPLE_PDF + b"%v2\n"):
        upload = client.client.post(
            f"/api/v1/cases/{case.pk}/documents",
            {"kind": "action_plan", "file": SimpleUploadedFile("../../etc/plan.pdf", content)},
            headers=headers,
        )
        assert upload.status_code == 201, upload.json()
    documents = client.get(f"/cases/{case.pk}/documents").json()
    assert [d["version"] for d in documents] == [2, 1]
    latest = documents[0]
    assert latest["sha256"] == hashlib.sha256(SAMPLE_PDF + b"%v2\n").hexdigest()
    download = client.client.get(f"/api/v1/documents/{latest['id']}/content", headers=headers)
    assert download.status_code == 200
    assert download.content == SAMPLE_PDF + b"%v2\n"
    assert download["Content-Disposition"].startswith("attachment")
    assert "etc" not in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    other = api("sagsbehandler2")
    assert (
        other.client.get(
            f"/api/v1/documents/{latest['id']}/content",
            headers={"Authorization": f"Bearer {other.token}"},
        ).status_code
        == 404
    )
    refused = client.client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"kind": "action_plan", "file": SimpleUploadedFile("virus.exe", b"MZ")},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "unsupported_file_type"
    assert len(client.get(f"/cases/{case.pk}/documents").json()) == 2


def test_the_issue_token_command_prints_a_working_token(world, client):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_token", "sekretariat", stdout=out)
    token = out.getvalue().strip()
    response = client.get("/api/v1/meetings", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_numbers_beyond_the_database_answer_400_not_500(world, api):
    client = api("sagsbehandler")
    assert client.get("/cases/99999999999999999999").status_code == 404
    for params in ({"meeting": 99999999999999999999}, {"page": 2_000_000}):
        response = client.get("/cases", **params)
        assert response.status_code == 400, (params, response.content)
        assert response.json()["error"]["code"] == "invalid_input"
