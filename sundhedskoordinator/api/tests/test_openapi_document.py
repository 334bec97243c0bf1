"""The API's OpenAPI document is the contract clients build on: it changes only on purpose.
``docs/dev/openapi.json`` is the published document; a change to the API shows here as a
difference, and ``make openapi`` writes the new one once the change is meant."""

from __future__ import annotations

from pathlib import Path

from sundhedskoordinator.api.management.commands.openapi import openapi_document

PUBLISHED = Path(__file__).resolve().parents[3] / "docs" / "dev" / "openapi.json"


def test_the_served_document_is_the_published_one() -> None:
    assert openapi_document() == PUBLISHED.read_text(encoding="utf-8"), (
        "The OpenAPI document changed; if that is meant, run `make openapi` and commit it."
    )
