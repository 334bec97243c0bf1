"""The log: one JSON object per line with the id of the request it belongs to, the same id the
answer carries in ``X-Request-ID``, and a CPR number masked even where a user typed one into a
path (issue 19, "Operations"). The lines are read as the console handler of the settings writes
them: its own formatter and filters, on a stream of the test's."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from sundhedskoordinator.cases.walk import SAMPLE_CONCERN
from sundhedskoordinator.core.logging import redact

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    console = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for f in console.filters:
        handler.addFilter(f)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_of_a_request_is_json_with_the_id_its_answer_carries(
    client: Client, demo_users: dict[str, object], lines: io.StringIO
) -> None:
    client.force_login(demo_users["sagsbehandler"])

    first = client.get("/sager/987654321/")
    second = client.get("/sager/987654322/")

    assert first.status_code == second.status_code == 404
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert ids[0] != ids[1]
    assert all(len(i) == 32 for i in ids)
    records = _records(lines)
    not_found = [r for r in records if str(r["message"]).startswith("Not Found")]
    assert [r["request_id"] for r in not_found] == ids
    for record in records:
        assert {"time", "level", "logger", "message", "request_id"} <= record.keys()


def test_a_line_outside_a_request_says_so(lines: io.StringIO) -> None:
    logging.getLogger("sundhedskoordinator.test").warning("a task ran")

    assert _records(lines) == [
        {
            "time": _records(lines)[0]["time"],
            "level": "WARNING",
            "logger": "sundhedskoordinator.test",
            "message": "a task ran",
            "request_id": "none",
        }
    ]


def test_a_cpr_number_typed_into_a_path_is_masked_in_the_log(
    client: Client, demo_users: dict[str, object], lines: io.StringIO
) -> None:
    client.force_login(demo_users["sagsbehandler"])

    answer = client.get("/sager/2902451357/")

    assert answer.status_code == 404
    text = lines.getvalue()
    assert "Not Found: /sager/[cpr]/" in text
    assert "2902451357" not in text


def test_an_exception_text_is_masked_too(lines: io.StringIO) -> None:
    try:
        raise ValueError("CPR 290245-1357 is not valid")
    except ValueError:
        logging.getLogger("sundhedskoordinator.test").exception("refused")

    (record,) = _records(lines)
    assert "290245-1357" not in json.dumps(record)
    assert "CPR [cpr] is not valid" in str(record["exc_info"])


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("2902451357", "[cpr]"),
        ("290245-1357", "[cpr]"),
        ("cpr=2902451357&x", "cpr=[cpr]&x"),
        ("/sager/2902451357/", "/sager/[cpr]/"),
        # Not a CPR number: nine or eleven digits, or digits inside an id or a hash.
        ("290245135", "290245135"),
        ("29024513575", "29024513575"),
        ("2902451-357", "2902451-357"),
        ("a2902451357b", "a2902451357b"),
        ("9f2902451357", "9f2902451357"),
    ],
)
def test_what_is_masked(text: str, masked: str) -> None:
    assert redact(text) == masked


def test_a_request_with_health_text_logs_none_of_it(
    api: object, demo_users: dict[str, object], lines: io.StringIO
) -> None:
    caseworker = api("sagsbehandler")  # type: ignore[operator]
    too_long = "Smerter " * 1000
    refused = caseworker.post("/cases", {"offer": {}, "health_concern": {"text": too_long}})

    assert refused.status_code in {400, 422}
    text = lines.getvalue()
    assert "Smerter" not in text
    assert str(SAMPLE_CONCERN["text"])[:30] not in text
