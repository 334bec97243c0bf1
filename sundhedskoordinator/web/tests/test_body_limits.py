"""A request body is measured against its route's limit before it is read: a declared length
over the limit is answered 413 at once without a byte of the body read, a body without a length
(chunked) is cut off one byte past the limit, and a body at the limit goes through. The API
answers in its error shape, the pages in Danish."""

from __future__ import annotations

import io
import json
import socket
import time
from typing import Any

import pytest
from django.test import Client

from sundhedskoordinator.web.body_limits import FORM_OVERHEAD, KIB, MIB, TEXT_BODY

pytestmark = pytest.mark.django_db

#: The declared length of the attacker's body in the issue: 300 MB.
HUGE = 300 * MIB


class Body(io.RawIOBase):
    """A request body that counts what is read of it, and fails the test if more than
    ``allowed`` bytes are read. ``size`` bytes are there to read (``None``: without end)."""

    def __init__(
        self, allowed: int, size: int | None = None, byte: bytes = b"a", content: bytes = b""
    ) -> None:
        self.allowed, self.size, self.byte, self.taken = allowed, size, byte, 0
        self.content = content

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        left = (self.size if self.size is not None else 10**12) - self.taken
        wanted = left if size is None or size < 0 else min(size, left)
        assert self.taken + wanted <= self.allowed, "the body was read past its limit"
        start, self.taken = self.taken, self.taken + wanted
        given = self.content[start : self.taken]
        return given + self.byte * (wanted - len(given))

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size if size and size > 0 else 64 * KIB)


def _send(
    path: str,
    body: Body,
    *,
    declared: int | None,
    content_type: str = "application/json",
    chunked: bool = False,
    headers: dict[str, str] | None = None,
) -> Any:
    # The test client sets neither the type nor the length for an empty ``data``: both are set
    # here, and the body comes from ``wsgi.input``.
    extra: dict[str, Any] = {"wsgi.input": body, "CONTENT_TYPE": content_type}
    if declared is not None:
        extra["CONTENT_LENGTH"] = str(declared)
    if chunked:
        extra["HTTP_TRANSFER_ENCODING"] = "chunked"
    client = Client(raise_request_exception=False)
    return client.generic("POST", path, b"", headers=headers, **extra)


def _error_code(response: Any) -> str:
    return json.loads(response.content)["error"]["code"]


@pytest.fixture
def small_uploads(settings: Any) -> int:
    """Uploads of at most 100 kB, so that a body at the upload limit is quick to send."""
    settings.UPLOAD_MAX_BYTES = 100 * KIB
    return 100 * KIB + FORM_OVERHEAD


def test_a_300_mb_upload_to_the_api_is_refused_before_a_byte_is_read(world: Any, api: Any) -> None:
    body = Body(allowed=0)
    response = _send(
        "/api/v1/cases/1/documents",
        body,
        declared=HUGE,
        content_type="multipart/form-data; boundary=x",
        headers={"Authorization": f"Bearer {api('sagsbehandler').token}"},
    )
    assert response.status_code == 413
    assert _error_code(response) == "body_too_large"
    assert "20 MB" in json.loads(response.content)["error"]["message"]
    assert body.taken == 0


def test_a_300_mb_upload_to_the_case_page_gets_a_danish_page_and_nothing_is_read(
    world: Any,
) -> None:
    body = Body(allowed=0)
    response = _send(
        "/sager/1/dokumenter/",
        body,
        declared=HUGE,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "Forespørgslen er for stor: højst 20 MB." in response.content.decode()
    assert body.taken == 0


def test_demo_mode_answers_a_30_mb_json_body_with_413_not_a_traceback(
    world: Any, settings: Any
) -> None:
    settings.DEBUG = True
    body = Body(allowed=0)
    response = _send("/api/v1/cases", body, declared=30 * MIB)
    assert response.status_code == 413
    assert _error_code(response) == "body_too_large"
    assert body.taken == 0


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/api/v1/auth/token", 4 * KIB),
        ("/api/v1/cases", TEXT_BODY),
        ("/api/v1/cases/1/submit", TEXT_BODY),
        ("/log-ind/", 16 * KIB),
        ("/sager/1/indsend/", TEXT_BODY),
    ],
)
def test_each_route_takes_a_body_at_its_limit_and_refuses_one_byte_more(
    world: Any, path: str, limit: int
) -> None:
    at_limit = Body(allowed=limit, size=limit, byte=b" ")
    answered = _send(path, at_limit, declared=limit)
    assert answered.status_code != 413
    assert at_limit.taken <= limit
    over = Body(allowed=0)
    refused = _send(path, over, declared=limit + 1)
    assert refused.status_code == 413
    assert over.taken == 0


def test_an_upload_at_the_limit_is_read_and_one_byte_more_is_not(
    world: Any, api: Any, small_uploads: int
) -> None:
    auth = {"Authorization": f"Bearer {api('sagsbehandler').token}"}
    form = "multipart/form-data; boundary=x"
    head = (
        b'--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nhealth_information\r\n'
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    tail = b"\r\n--x--\r\n"
    content = head + b"a" * (small_uploads - len(head) - len(tail)) + tail
    at_limit = Body(allowed=small_uploads, size=small_uploads, content=content)
    answered = _send(
        "/api/v1/cases/1/documents",
        at_limit,
        declared=small_uploads,
        content_type=form,
        headers=auth,
    )
    # Read to the end, and then refused by the service (a file over 100 kB, or no such case).
    assert answered.status_code in (404, 422), answered.content
    assert at_limit.taken == small_uploads
    over = Body(allowed=0)
    refused = _send(
        "/api/v1/cases/1/documents",
        over,
        declared=small_uploads + 1,
        content_type=form,
        headers=auth,
    )
    assert refused.status_code == 413
    assert over.taken == 0


def test_a_chunked_body_without_end_is_cut_off_one_byte_past_the_limit(world: Any) -> None:
    body = Body(allowed=TEXT_BODY + 1)
    response = _send("/api/v1/cases", body, declared=None, chunked=True)
    assert response.status_code == 413
    assert _error_code(response) == "body_too_large"
    assert body.taken == TEXT_BODY + 1


def test_a_chunked_body_within_the_limit_is_read_as_sent(world: Any) -> None:
    credentials = json.dumps({"username": "sagsbehandler", "password": "forkert"}).encode()
    body = io.BytesIO(credentials)
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST",
        "/api/v1/auth/token",
        b"",
        **{
            "wsgi.input": body,
            "CONTENT_TYPE": "application/json",
            "HTTP_TRANSFER_ENCODING": "chunked",
        },
    )
    # The user name and password arrived (and were wrong): not a body refused or read as empty.
    assert response.status_code == 401
    assert _error_code(response) == "invalid_credentials"


@pytest.mark.parametrize("declared", ["many", "-1"])
def test_a_length_that_is_no_length_is_refused(world: Any, declared: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST",
        "/api/v1/auth/token",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=declared,
    )
    assert response.status_code == 400
    assert _error_code(response) == "malformed_body"


@pytest.mark.django_db(transaction=True)
def test_a_live_server_answers_a_declared_300_mb_at_once_without_waiting_for_it(
    live_server: Any,
) -> None:
    """Over a real socket: the headers say 300 MB, ten bytes come. A server that read the body
    would wait for the rest; this one answers 413 while the client still holds the connection."""
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/v1/cases/1/documents HTTP/1.1\r\n"
            b"Host: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {HUGE}\r\n\r\n".encode()
            + b"0123456789"
        )
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert waited < 2
