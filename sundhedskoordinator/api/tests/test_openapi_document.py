"""The API's OpenAPI document is the contract clients build on: it changes only on purpose.
``docs/dev/openapi.json`` is the published document; a change to the API shows here as a
difference, and ``make openapi`` writes the new one once the change is meant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis

from sundhedskoordinator.api.management.commands.openapi import openapi_document

PUBLISHED = Path(__file__).resolve().parents[3] / "docs" / "dev" / "openapi.json"


def test_the_served_document_is_the_published_one() -> None:
    assert openapi_document() == PUBLISHED.read_text(encoding="utf-8"), (
        "The OpenAPI document changed; if that is meant, run `make openapi` and commit it."
    )


def test_the_document_is_valid_openapi_3_1() -> None:
    """Valid against the OpenAPI 3.1 meta-schema (with schemathesis' validator, jsonschema-rs):
    every response, a file answer included, has its required description."""
    document = json.loads(openapi_document())
    assert document["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(document).validate()


def test_the_validator_refuses_a_broken_document() -> None:
    """The check above can fail: a response without its description is refused."""
    document = json.loads(openapi_document())
    del document["paths"]["/api/v1/cases"]["get"]["responses"]["200"]["description"]
    with pytest.raises(Exception, match="description"):
        schemathesis.openapi.from_dict(document).validate()


#: The methods whose body the server reads, and so can refuse as too large or unreadable
#: (DESIGN §6; the body limits of web/body_limits.py answer before any operation runs).
WITH_BODY = {"post", "put", "patch", "delete"}


def test_every_operation_that_takes_a_body_documents_its_refusal() -> None:
    """A body too large for its route is answered 413 ``body_too_large``, and a body the server
    cannot read 400 ``malformed_body``, whatever the operation; a client learns both from the
    document, in the one error shape."""
    document = json.loads(openapi_document())
    missing = [
        f"{method.upper()} {path} {status}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in WITH_BODY
        for status in ("400", "413")
        if operation["responses"].get(status, {}).get("content", {}).get("application/json")
        != {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
    ]
    assert missing == []


def test_only_those_operations_document_it() -> None:
    """A read carries no body, so no read is said to refuse one as too large."""
    document = json.loads(openapi_document())
    reads = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method not in WITH_BODY and "413" in operation["responses"]
    ]
    assert reads == []


@pytest.mark.django_db
def test_the_token_endpoint_refuses_a_large_body_as_documented() -> None:
    """The case the fuzz found: a log-in body over the token endpoint's 4 KiB is answered 413,
    and that answer is one the document promises (status, content type and body)."""
    from sundhedskoordinator.api.tests.test_fuzz import CONFORMANCE, schema

    operation = schema["/api/v1/auth/token"]["POST"]
    case = operation.Case(body={"username": "x" * 5000, "password": "y", "otp": ""})
    response = case.call()
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    case.validate_response(response, checks=CONFORMANCE)
