"""Property-based: whatever a client sends that fits the OpenAPI document, the API never answers
with a server error, and every answer is one the document promises: a status code it lists for
the operation, the content type it lists for that status, and a body valid against the schema it
gives for that status (schemathesis' conformance checks, from the API's own document).

Generated ids almost never name a row, so each example is sent twice: as generated, and again
with its ids replaced by real ones (a case that has been through the whole procedure, with its
documents, meeting and citizen), so the bodies of the successful answers are checked too."""

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import World
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.documents.models import IssuedDocument
from sundhedskoordinator.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.django_db

#: Every answer is checked with these: the fuzz sends data that fits the document, so the checks
#: about refusing data that does not fit have nothing to say here.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the end of a
    request from closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Known:
    """Ids of real rows, by the name of the path parameter that takes them."""

    ids: dict[str, int]


@pytest.fixture
def known(world: World) -> Known:
    """A case walked through the whole procedure to its decision (so every part of the case
    answer is filled in), with its documents, its meeting's agenda letter and the citizen."""
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    case = walk_case_to(case, Status.DECIDED, cast=world.cast, meeting=world.meeting)
    issued = IssuedDocument.objects.order_by("pk").first()
    return Known(
        ids={
            "case_id": case.pk,
            "citizen_id": world.citizen.pk,
            "meeting_id": world.meeting.pk,
            "document_id": case.documents.order_by("pk").first().pk,
            **({"issued_id": issued.pk} if issued else {}),
        }
    )


def _conform(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=CONFORMANCE)
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith(
        "application/json"
    ):
        # DESIGN §6: every refusal is the one error envelope, whatever the operation.
        assert set(response.json()) == {"error"}, response.text


def _with_known_ids(case: Any, known: Known) -> bool:
    """Put real ids into the case's path; False when its path names no row."""
    parameters = case.path_parameters or {}
    if not parameters:
        return False
    for name in parameters:
        key = "issued_id" if name == "document_id" and "/issued/" in case.path else name
        if key not in known.ids:
            return False
        parameters[name] = known.ids[key]
    return True


def _fuzz(case: Any, known: Known, token: str) -> None:
    _conform(case, token)
    if _with_known_ids(case, known):
        _conform(case, token)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_the_documented_one(case, known, api):
    _fuzz(case, known, api("sagsbehandler").token)


@schema.include(path_regex=r"\{").parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_to_the_coordinator_is_the_documented_one(case, known, api):
    """The coordinator reads and acts on the same rows from the region's side."""
    _fuzz(case, known, api("koordinator").token)


@schema.include(path_regex="settlements|rates|statistics").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_figure_answer_is_the_documented_one(case, world, api):
    """The same for Klinisk Funktion, who gets past the scope checks to the date arithmetic."""
    _conform(case, api("klinisk").token)
