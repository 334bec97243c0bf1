"""Every write endpoint of the API, taken from its own OpenAPI document, and the upload page, sent
bodies that are not what they claim to be: multipart without a boundary or cut short, JSON that
does not parse or nests without end, invalid UTF-8, content types nobody takes. Each answer is a
refusal in the error shape (pages: in Danish), never a server error."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from conftest import World
from sundhedskoordinator.api.urls import api as ninja_api
from sundhedskoordinator.cases.walk import new_case

pytestmark = pytest.mark.django_db

#: (name, content type, body): each is something a client, a proxy or an attacker has sent.
MALFORMED: list[tuple[str, str, bytes]] = [
    ("multipart without boundary", "multipart/form-data", b"abc"),
    ("multipart with an invalid boundary", "multipart/form-data; boundary=", b"--\r\n"),
    ("multipart garbage", "multipart/form-data; boundary=x", b"no parts here at all"),
    (
        "multipart cut short",
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nhealth_inf',
    ),
    (
        "multipart with a header too long",
        "multipart/form-data; boundary=x",
        b"--x\r\nContent-Disposition: form-data; name=" + b"k" * 10000 + b"\r\n\r\nv\r\n--x--\r\n",
    ),
    ("json that does not parse", "application/json", b"{bad"),
    ("json with invalid utf-8", "application/json", b'{"text": "\xff\xfe"}'),
    ("json nested without end", "application/json", b"[" * 100_000),
    ("json of another shape", "application/json", b"[1, 2, 3]"),
    ("json null", "application/json", b"null"),
    ("json with a number beyond any", "application/json", b'{"version": ' + b"9" * 5000 + b"}"),
    ("json in utf-16", "application/json; charset=utf-16", '{"a": 1}'.encode("utf-16")),
    ("plain text", "text/plain", b"hello"),
    ("xml", "application/xml", b"<a/>"),
    ("form with invalid utf-8", "application/x-www-form-urlencoded", b"a=%ff%fe&b"),
    ("form in latin-1", "application/x-www-form-urlencoded; charset=latin-1", b"a=\xe6"),
    ("no content type", "", b'{"a": 1}'),
]

_PARAMETER = re.compile(r"\{(\w+)\}")


def write_operations() -> list[tuple[str, str]]:
    """(method, path) of every POST, PUT and PATCH the OpenAPI document lists."""
    document = ninja_api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"post", "put", "patch"}
    )


def test_the_document_lists_the_write_endpoints_the_issue_names() -> None:
    operations = write_operations()
    assert ("POST", "/api/v1/auth/token") in operations
    assert ("POST", "/api/v1/cases/{case_id}/documents") in operations
    assert ("PATCH", "/api/v1/cases/{case_id}") in operations
    assert len(operations) >= 20


@pytest.mark.parametrize(("name", "content_type", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_no_malformed_body_reaches_a_server_error_on_any_write_endpoint(
    world: World, api: Any, name: str, content_type: str, body: bytes
) -> None:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    ids = {
        "case_id": case.pk,
        "citizen_id": world.citizen.pk,
        "meeting_id": world.meeting.pk,
    }
    client = Client(raise_request_exception=False)
    token = api("sagsbehandler").token
    answers: dict[str, tuple[int, Any]] = {}
    for method, template in write_operations():
        path = _PARAMETER.sub(lambda m: str(ids.get(m.group(1), 1)), template)
        response = client.generic(
            method,
            path,
            body,
            content_type=content_type,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response["Content-Type"].startswith("application/json"), (method, template)
        answers[f"{method} {template}"] = (response.status_code, json.loads(response.content))
    server_errors = {op: status for op, (status, _body) in answers.items() if status >= 500}
    assert not server_errors, server_errors
    for operation, (status, answer) in answers.items():
        assert 400 <= status < 500, (operation, status)
        assert set(answer["error"]) == {"code", "message", "fields"}, operation


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=x"])
def test_the_two_endpoints_of_the_finding_answer_malformed_body(
    world: World, api: Any, content_type: str
) -> None:
    """The schemathesis finding: multipart without a boundary on the token and the upload."""
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client = Client(raise_request_exception=False)
    token = client.generic("POST", "/api/v1/auth/token", b"abc", content_type=content_type)
    upload = client.generic(
        "POST",
        f"/api/v1/cases/{case.pk}/documents",
        b"abc",
        content_type=content_type,
        headers={"Authorization": f"Bearer {api('sagsbehandler').token}"},
    )
    for response in (token, upload):
        assert response.status_code == 400
        error = json.loads(response.content)["error"]
        assert error["code"] in {"malformed_body", "invalid_input"}
    # Without a boundary nothing can be read: said as such, not as a missing field.
    if content_type == "multipart/form-data":
        assert json.loads(token.content)["error"]["code"] == "malformed_body"
        assert json.loads(upload.content)["error"]["code"] == "malformed_body"


@pytest.mark.parametrize(("name", "content_type", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_the_upload_page_refuses_a_malformed_body_in_danish(
    world: World, name: str, content_type: str, body: bytes
) -> None:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client = Client(raise_request_exception=False)
    client.force_login(world.users["sagsbehandler"])
    response = client.generic(
        "POST", f"/sager/{case.pk}/dokumenter/", body, content_type=content_type
    )
    assert response.status_code < 500
    if response.status_code == 400:
        page = response.content.decode()
        assert 'lang="da"' in page
        assert "Forespørgsl" in page


@pytest.mark.parametrize(("name", "content_type", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_demo_mode_answers_malformed_bodies_in_the_error_shape_too(
    world: World, api: Any, settings: Any, name: str, content_type: str, body: bytes
) -> None:
    """DEBUG (demo mode) answers Django's own refusals with its traceback page: none reaches it,
    on the token (a JSON body) or the upload (a form)."""
    settings.DEBUG = True
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client = Client(raise_request_exception=False)
    token = client.generic("POST", "/api/v1/auth/token", body, content_type=content_type)
    upload = client.generic(
        "POST",
        f"/api/v1/cases/{case.pk}/documents",
        body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {api('sagsbehandler').token}"},
    )
    for response in (token, upload):
        assert response.status_code in (400, 401, 413, 422), response.content[:200]
        assert set(json.loads(response.content)["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "body",
    [
        {"cpr": "0101901234", "name": "Ny\u0000Borger"},
        {"cpr": "0101901234", "name": "Ny Borger", "email": ["x", {"y": "\u0000"}]},
        {"cpr": "0101901234", "name": "Ny Borger", "\u0000": "nøgle"},
    ],
    ids=["in a text", "deep in a value", "in a key"],
)
def test_a_nul_anywhere_in_a_json_body_is_a_malformed_body_and_nothing_is_stored(
    world: World, api: Any, body: dict[str, Any]
) -> None:
    """PostgreSQL cannot store a NUL and SQLite would: the answer is the same on both, before
    any service reads the body."""
    from sundhedskoordinator.citizens.models import Citizen

    before = Citizen.objects.count()
    answer = api("sagsbehandler").post("/citizens", body)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["code"] == "malformed_body"
    assert Citizen.objects.count() == before
    # The same body without the NUL is taken.
    clean = {"cpr": "0101901234", "name": "Ny Borger"}
    assert api("sagsbehandler").post("/citizens", clean).status_code == 201
