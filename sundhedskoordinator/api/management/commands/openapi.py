"""``manage.py openapi``: write the API's OpenAPI document, as served at /api/v1/openapi.json,
to standard output. ``docs/dev/openapi.json`` holds the published one (``make openapi``)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from sundhedskoordinator.api.urls import api


def openapi_document() -> str:
    """The document as stable text: keys in the order the API gives them, two-space indent."""
    schema = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to standard output."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(openapi_document(), ending="")
