"""Fuzzing the running server from its own OpenAPI document (issue 19, "API fuzzing").

The production server is started as `make serve` starts it (gunicorn, DJANGO_ENV=production), in
its own process with its own DATA_DIR and database, holding the demo world. Its document
(`/api/v1/openapi.json`) is fetched over HTTP and validated against the OpenAPI 3.1 meta-schema;
then schemathesis generates requests from it for every operation, as six roles (caseworker,
secretariat, coordinator, Klinisk Funktion, manager, citizen), each with a token from
`manage.py issue_token`:

- data that fits the document (positive) and data that does not (negative);
- each request with a path parameter is sent as generated and again with real ids of the demo
  world, so the answers with bodies are reached too;
- negative data includes requests without their Authorization header (answered 401).

Every answer is checked: never a server error (≥ 500), a status code the document lists for the
operation, the content type it lists for that status, a body valid against its schema, and every
JSON refusal in the one error envelope (DESIGN §6). Failures are collected (not shrunk, which
would cost hundreds of requests each) and reported together with the request that caused each.

`make test` sends at least ``MINIMUM_REQUESTS``; `make fuzz` sends ``FUZZ_EXAMPLES`` times as
many examples per operation, with a new random seed each run (``make test`` is derandomised, so
the same requests are sent every time)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.errors import FailureGroup

from tests.places import Databases, Place, stop_group

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: The roles the fuzz speaks as (demo users, DESIGN §7).
ROLES = ("sagsbehandler", "sekretariat", "koordinator", "klinisk", "leder", "borger")

#: ``make fuzz`` sets FUZZ_EXAMPLES (10 there): each operation gets that many times the examples.
MULTIPLIER = max(1, int(os.environ.get("FUZZ_EXAMPLES") or "1"))
#: Examples per operation, role and generation mode (before the resend with real ids). An
#: operation with few possible requests (no parameters) may have fewer.
EXAMPLES = 2 * MULTIPLIER
#: What every run must send at least, counted request by request (issue 19).
MINIMUM_REQUESTS = 2_000

#: The moment the demo world lives on (conftest.BEFORE_CHRISTMAS), for every process.
FROZEN_AT = "2026-12-14T10:00:00+01:00"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: Printed by `manage.py shell`: the ids of real rows of the demo world, by path parameter.
KNOWN_IDS = """
import json
from sundhedskoordinator.cases.models import Case, Document
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.documents.models import IssuedDocument
from sundhedskoordinator.meetings.models import Meeting

def some(queryset):
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:8])

print("KNOWN " + json.dumps({
    "case_id": [
        pk for status in Case.objects.values_list("status", flat=True).distinct()
        for pk in some(Case.objects.filter(status=status))[:2]
    ],
    "citizen_id": some(Citizen.objects.all()),
    "meeting_id": some(Meeting.objects.all()),
    "document_id": some(Document.objects.all()),
    "issued_id": some(IssuedDocument.objects.all()),
}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """The production server with the demo world, and what the fuzz needs to talk to it."""

    url: str
    tokens: dict[str, str]
    known: dict[str, list[int]]
    log: Path
    env: dict[str, str]

    def log_for(self, request_id: str) -> str:
        """The server's log lines of one request (each line carries the request's id)."""
        if not request_id:
            return ""
        lines = self.log.read_text(errors="replace").splitlines()
        return "\n".join(line for line in lines if request_id in line)[-3000:]


def _environment(place: Place, data_dir: Path) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_ENV", "STORAGE_S3_BUCKET", "DEBUG"}
        and not key.startswith(("PYTEST_", "HYPOTHESIS"))
    }
    return inherited | {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": place.database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CPR_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "CPR_HASH_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://sundhedskoordinator.test",
        # Plain HTTP on the loopback: no TLS proxy in front here.
        "SECURE_SSL_REDIRECT": "false",
        # Tokens from `manage.py issue_token` carry no second factor; the deployment switch
        # that accepts them (README) rather than a way around it.
        "OTP_REQUIRED": "false",
        "CLAMAV_SOCKET": settings.CLAMAV_SOCKET,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CLOCK_FROZEN_AT": FROZEN_AT,
        "CLOCK_FROZEN_IN_PRODUCTION": "yes",
        "LOG_LEVEL": "INFO",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _issue_tokens(env: dict[str, str]) -> dict[str, str]:
    """One `manage.py issue_token` per role, run side by side."""
    running = {
        role: subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "issue_token", role, "--name", "fuzz"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ROLES
    }
    tokens = {}
    for role, process in running.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        tokens[role] = out.strip()
    return tokens


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"The server stopped:\n{log.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/health/live", timeout=5) as answer,  # noqa: S310
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise AssertionError(f"The server did not answer in time:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("fuzz")
    databases = Databases(root)
    place = databases.new("fuzz")
    process: subprocess.Popen[bytes] | None = None
    try:
        env = _environment(place, root / "data")
        _manage(env, "migrate", "--no-input", "-v0")
        # The demo world is loaded in demo mode (it refuses production); the server then runs
        # on the same database and keys in production mode.
        _manage({**env, "DJANGO_ENV": "demo"}, "load_demo")
        known = json.loads(
            _manage(env, "shell", "--no-imports", "-c", KNOWN_IDS).split("KNOWN ", 1)[1]
        )
        production = {**env, "DJANGO_ENV": "production"}
        tokens = _issue_tokens(production)
        port = _free_port()
        log = root / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603
                [
                    str(BIN / "gunicorn"),
                    "sundhedskoordinator.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                ],
                cwd=ROOT,
                env=production,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        _wait_until_ready(url, process, log)
        yield Server(url=url, tokens=tokens, known=known, log=log, env=production)
    finally:
        if process is not None:
            stop_group(process, grace=30)
        databases.drop()


@pytest.fixture(scope="module")
def schema(server: Server) -> Any:
    return schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json", timeout=30)


def test_the_served_document_is_valid_openapi(schema: Any) -> None:
    """The document the server serves validates against the OpenAPI 3.1 meta-schema
    (schemathesis' own validator), and the validator is awake: a broken copy fails."""
    assert schema.raw_schema["openapi"].startswith("3.1")
    schema.validate()
    broken = json.loads(json.dumps(schema.raw_schema))
    broken["paths"]["/api/v1/cases"]["get"]["responses"] = "none"
    with pytest.raises(Exception, match="responses"):
        schemathesis.openapi.from_dict(broken).validate()


@dataclass
class Failure:
    role: str
    mode: str
    request: str
    status: int
    problem: str
    body: str
    log: str

    def __str__(self) -> str:
        return (
            f"[{self.role}, {self.mode}] {self.request}\n"
            f"  -> {self.status}: {self.problem}\n  body: {self.body}\n  server log:\n{self.log}"
        )


@dataclass
class Fuzz:
    server: Server
    session: requests.Session = field(default_factory=requests.Session)
    sent: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    #: The class of server error another change owns (see ``_known_elsewhere``).
    excluded: list[str] = field(default_factory=list)

    def send(self, case: Any, role: str, mode: str) -> None:
        token = self._token_for(case, role)
        headers = {"Authorization": f"Bearer {token}"}
        response = case.call(base_url=self.server.url, session=self.session, headers=headers)
        self.sent[role] += 1
        self.statuses[response.status_code] += 1
        problem = ""
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as failed:
            problem = "; ".join(failure.title for failure in failed.exceptions)
        if (
            not problem
            and response.status_code >= 400
            and "json" in response.headers.get("Content-Type", "")
        ):
            with contextlib.suppress(ValueError):
                body = response.json()
                if not (isinstance(body, dict) and set(body) == {"error"}):
                    problem = "a refusal outside the error envelope"
        if not problem:
            return
        request = f"{case.method} {response.request.url}"
        log = self.server.log_for(response.headers.get("X-Request-ID", ""))
        if _known_elsewhere(case, response, log):
            self.excluded.append(f"{request} -> {response.status_code}")
            return
        self.failures.append(
            Failure(
                role=role,
                mode=mode,
                request=case.as_curl_command(headers=headers, base_url=self.server.url),
                status=response.status_code,
                problem=problem,
                body=response.text[:500],
                log=log,
            )
        )

    def _token_for(self, case: Any, role: str) -> str:
        """Logging out ends the token it is sent with: that request gets a token of its own,
        from the API's own log-in with the demo password."""
        if case.method.upper() == "DELETE" and case.path == "/api/v1/auth/token":
            answer = self.session.post(
                f"{self.server.url}/api/v1/auth/token",
                json={"username": role, "password": "demo"},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text
            token: str = answer.json()["token"]
            return token
        return self.server.tokens[role]

    def with_known_ids(self, case: Any, n: int) -> bool:
        """Put real ids (the n-th of each list, round the list) into the case's path; False when
        its path names no kind of row the demo world has."""
        parameters = case.path_parameters or {}
        if not parameters:
            return False
        for name in parameters:
            key = "issued_id" if name == "document_id" and "/issued/" in case.path else name
            ids = self.server.known.get(key)
            if not ids:
                return False
            parameters[name] = ids[n % len(ids)]
        return True


def _known_elsewhere(case: Any, response: Any, log: str) -> bool:
    """Server errors of the one class another change owns (issue 19, "Limits before work"): a
    multipart body Django cannot parse, which raises MultiPartParserError. Only a server error
    to a multipart request whose own log lines name that error is excused; nothing else is."""
    return (
        response.status_code >= 500
        and case.media_type == "multipart/form-data"
        and "MultiPartParserError" in log
    )


def _each(operation: Any, mode: GenerationMode, examples: int, work: Callable[[Any], None]) -> None:
    @given(operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=MULTIPLIER == 1,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        work(case)

    with contextlib.suppress(Unsatisfiable):
        run()


def test_every_answer_to_generated_requests_is_the_documented_one(
    server: Server, schema: Any
) -> None:
    fuzz = Fuzz(server)
    operations = [result.ok() for result in schema.get_all_operations()]
    started = time.monotonic()
    for role in ROLES:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                n = 0

                def work(case: Any, role: str = role, mode: GenerationMode = mode) -> None:
                    nonlocal n
                    fuzz.send(case, role, mode.value)
                    if fuzz.with_known_ids(case, n):
                        fuzz.send(case, role, mode.value)
                    n += 1

                _each(operation, mode, EXAMPLES, work)
        print(f"\n{role}: {fuzz.sent[role]} requests, {time.monotonic() - started:.0f} s")
    seconds = time.monotonic() - started
    total = sum(fuzz.sent.values())
    statuses = dict(sorted(fuzz.statuses.items()))
    print(
        f"\nAPI fuzz: {total} requests in {seconds:.0f} s to {len(operations)} operations as "
        f"{len(ROLES)} roles ({dict(fuzz.sent)}); answers by status {statuses}; "
        f"{len(fuzz.failures)} failures; {len(fuzz.excluded)} excluded (malformed multipart)"
    )
    for excluded in fuzz.excluded:
        print(f"  excluded: {excluded}")
    assert not fuzz.failures, "\n\n".join(str(failure) for failure in fuzz.failures[:20])
    assert total >= MINIMUM_REQUESTS
