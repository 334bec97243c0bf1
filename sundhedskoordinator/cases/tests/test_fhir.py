"""The case as a FHIR R4 Bundle, validated by an independent implementation (fhir.resources,
R4B models); the CPR number and the documents only for the roles that may see them."""

import pytest
from fhir.resources.R4B.bundle import Bundle

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db


def bundle_for(api, username, case):
    response = api(username).get(f"/cases/{case.pk}/fhir")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    Bundle.model_validate(body)  # raises on anything that is not valid FHIR
    return {e["resource"]["resourceType"]: e["resource"] for e in body["entry"]}, body


def test_the_caseworker_gets_a_valid_bundle_with_the_cpr_and_the_documents(world, api):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.ADVISED,
        cast=world.cast,
        meeting=world.meeting,
    )
    resources, body = bundle_for(api, "sagsbehandler", case)
    assert body["identifier"]["value"] == case.reference
    assert resources["Patient"]["identifier"] == [
        {"system": "urn:oid:1.2.208.176.1.2", "value": "1203851234"}
    ]
    task = resources["Task"]
    assert task["status"] == "in-progress" and task["identifier"][0]["value"] == case.reference
    assert task["for"]["reference"] == f"Patient/{resources['Patient']['id']}"
    appointment = resources["Appointment"]
    assert appointment["status"] == "fulfilled"
    assert appointment["start"].startswith("2026-12-15T")
    kinds = [
        e["resource"]["description"]
        for e in body["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
    ]
    assert any(k.startswith("Sagspakke") for k in kinds) and any(
        k.startswith("Sundhedsfaglig rådgivning") for k in kinds
    )


def test_the_coordinator_sees_the_documents_but_not_the_cpr(world, api):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    resources, body = bundle_for(api, "koordinator", case)
    assert "identifier" not in resources["Patient"]
    assert "1203851234" not in str(body)
    assert resources["Appointment"]["status"] == "booked"
    assert "DocumentReference" in resources


def test_a_manager_sees_neither_the_cpr_nor_the_documents(world, api):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.REQUESTED,
        cast=world.cast,
    )
    resources, body = bundle_for(api, "leder", case)
    assert "identifier" not in resources["Patient"]
    assert "DocumentReference" not in resources and "Appointment" not in resources
    assert resources["Task"]["status"] == "requested"


def test_outside_the_scope_the_bundle_is_not_found(world, api):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    response = api("sagsbehandler2").get(f"/cases/{case.pk}/fhir")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
