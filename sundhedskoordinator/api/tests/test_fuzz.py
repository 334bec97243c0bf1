"""Property-based: whatever a client sends that fits the OpenAPI document, the API never answers
with a server error, and every answer has the documented shape (schemathesis, from the API's own
OpenAPI document)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from sundhedskoordinator.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the end of a
    request from closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, world, api):
    token = api("sagsbehandler").token
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    if response.headers.get("Content-Type", "").startswith("application/json"):
        assert response.status_code < 400 or set(response.json()) == {"error"}, response.text


@schema.include(path_regex="settlements|rates|statistics").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_figures_fail(case, world, api):
    """The same for Klinisk Funktion, who gets past the scope checks to the date arithmetic."""
    token = api("klinisk").token
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    if response.headers.get("Content-Type", "").startswith("application/json"):
        assert response.status_code < 400 or set(response.json()) == {"error"}, response.text
