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
