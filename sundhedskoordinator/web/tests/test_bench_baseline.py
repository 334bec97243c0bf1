"""The load benchmark's baseline page and query count exist only where ``BENCH_BASELINE`` is set,
and the count a response carries is the number of queries its request made."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

QUERY_COUNT = "sundhedskoordinator.web.middleware.QueryCountMiddleware"


@pytest.fixture
def bench_server(settings):
    """The settings of a server started with BENCH_BASELINE=1 (settings.py puts the counter
    first; tests/test_settings.py checks that in a fresh process)."""
    settings.BENCH_BASELINE = True
    settings.MIDDLEWARE = [QUERY_COUNT, *settings.MIDDLEWARE]
    return settings


def test_without_the_flag_there_is_no_baseline_and_no_query_count(demo_users):
    from django.conf import settings

    assert not settings.BENCH_BASELINE
    assert QUERY_COUNT not in settings.MIDDLEWARE
    client = Client()
    response = client.get("/bench/baseline")
    assert response.status_code == 404
    assert "X-Queries" not in response
    client.force_login(demo_users["sagsbehandler"])
    assert "X-Queries" not in client.get("/sager/")


def test_baseline_answers_an_empty_page_to_anyone(bench_server):
    response = Client().get("/bench/baseline")
    assert response.status_code == 200
    assert response.content == b""
    assert "X-Queries" in response


def test_baseline_answers_only_get(bench_server):
    assert Client().post("/bench/baseline").status_code in {403, 405}


def test_query_count_is_the_number_of_queries_the_request_made(bench_server, demo_users):
    client = Client()
    client.force_login(demo_users["sagsbehandler"])
    client.get("/sager/")  # the first answer of a session may differ (language, lifetime)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/sager/")
    assert response.status_code == 200
    assert len(captured) > 0
    assert int(response["X-Queries"]) == len(captured)
