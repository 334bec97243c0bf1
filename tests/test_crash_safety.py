"""Crash safety (issue 19): the production server and its task worker are killed with SIGKILL at
random moments while caseworkers write through the API, and started again, several times. Then:
every write the server acknowledged is there, no case was made twice, every case keeps the
rules the services enforce, and every Digital Post letter the writes queued is handed over
exactly once (none lost with a killed worker, none sent twice).

On the suite's database: an SQLite file in WAL mode in the SQLite run, a fresh PostgreSQL
database in the PostgreSQL run. The server runs as `make serve` runs it (migrate, the reminder
scheduler, a task worker beside gunicorn with two workers), in its own process group, so that
one SIGKILL takes all of it at once, as a machine's crash would."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.places import ROOT, Databases, Place

#: Caseworkers writing at once, each for her own citizen.
WRITERS = 4
#: Times the server is killed.
KILLS = 3
SEED = 19

#: The demo organisations, a citizen per writer with written guidance, and the writers' tokens.
SETUP = f"""
import datetime as dt, json
from sundhedskoordinator.api.tokens import issue_token
from sundhedskoordinator.citizens import services as citizens
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.demo import load_demo_organisations
from sundhedskoordinator.organisations.models import RehabTeam

users = load_demo_organisations()
team = RehabTeam.objects.get(municipality__code="461")
people = []
for n in range({WRITERS}):
    citizen = citizens.create_citizen(
        actor=users["sagsbehandler"], cpr=f"1{{n}}1190{{n}}234", name=f"Nedbrud Borger {{n}}",
        municipality=team.municipality, course_start=clock.today() - dt.timedelta(days=60),
    )
    citizens.record_guidance(
        actor=users["sagsbehandler"], citizen=citizen, given_on=clock.today(),
        channel="digital_post",
    )
    people.append(citizen.pk)
print("CRASH " + json.dumps({{
    "token": issue_token(user=users["sagsbehandler"], second_factor=True),
    "citizens": people,
}}))
"""

#: The invariants of ``cases.invariants`` on every case.
CHECK = """
from sundhedskoordinator.web.national import check_sample
problems = check_sample(10**6)
print("PROBLEMS", len(problems))
for problem in problems[:20]:
    print(problem)
"""


OFFER = {
    "kind": "company_internship",
    "provider": "Fynsk Genbrug ApS",
    "content": "Sortering af tøj.",
    "demands": "Fremmøde tre dage om ugen.",
}
CONCERN = {"text": "Smerter ved lange arbejdsdage.", "areas": ["arbejdstid"], "channel": "meeting"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """The production server of one place, started and killed as a whole."""

    def __init__(self, place: Place, log: Path) -> None:
        self.place = place
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        # What `make serve` runs, without collectstatic (the API serves no static files) and
        # with a task worker that looks at the queue five times a second.
        served = {
            **self.place.env(),
            "SERVE_PYTHON": sys.executable,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WORKERS": "2",
            "SERVE_STATIC": "0",
            "SERVE_TASK_INTERVAL": "0.2",
        }
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - our own command
                ["bash", "scripts/serve.sh"],  # noqa: S607
                cwd=ROOT,
                env=served,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.popen.poll() is None, self.tail()
            try:
                with urllib.request.urlopen(f"{self.url}/health/ready", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"the server did not become ready:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: shell, gunicorn and its workers, task worker."""
        assert self.popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        # Every process of the group is gone before the next start.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(self.popen.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@dataclass
class Writer:
    """One caseworker's client: creates a case, submits it, and goes on; retries a request the
    server did not answer (with the same Idempotency-Key) until it is answered."""

    url: str
    token: str
    citizen: int
    stop: threading.Event
    #: case id -> the state the server acknowledged last.
    acknowledged: dict[int, str] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    retries: int = 0
    errors: list[str] = field(default_factory=list)

    def _send(self, method: str, path: str, body: Any, key: str) -> tuple[int, Any]:
        while True:
            request = urllib.request.Request(  # noqa: S310 - loopback
                f"{self.url}/api/v1{path}",
                data=json.dumps(body).encode() if body is not None else None,
                method=method,
            )
            request.add_header("Authorization", f"Bearer {self.token}")
            request.add_header("Content-Type", "application/json")
            if key:
                request.add_header("Idempotency-Key", key)
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                    return answer.status, json.loads(answer.read() or b"null")
            except urllib.error.HTTPError as error:
                if error.code >= 500 and error.code != 503:
                    self.errors.append(f"{method} {path}: {error.code} {error.read()[:300]!r}")
                    return error.code, None
                if error.code == 503:
                    self.retries += 1
                    time.sleep(0.2)
                    continue
                return error.code, json.loads(error.read() or b"null")
            except (OSError, ValueError):
                # No answer: the server died or is starting. The same request again.
                self.retries += 1
                time.sleep(0.2)

    def run(self) -> None:
        while not self.stop.is_set():
            key = f"opret-{uuid.uuid4()}"
            self.keys.append(key)
            status, case = self._send(
                "POST",
                "/cases",
                {"citizen": self.citizen, "offer": OFFER, "health_concern": CONCERN},
                key,
            )
            if status != 201:
                self.errors.append(f"create: {status} {case}")
                return
            self.acknowledged[case["id"]] = case["status"]
            status, submitted = self._send(
                "POST", f"/cases/{case['id']}/submit", {"channel": "meeting"}, f"indsend-{key}"
            )
            if status == 200:
                self.acknowledged[case["id"]] = submitted["status"]
            else:
                self.errors.append(f"submit: {status} {submitted}")
                return
            # Guidance given again, in writing: a Digital Post letter for the task worker.
            status, guidance = self._send(
                "POST",
                f"/citizens/{self.citizen}/guidance",
                {"given_on": time.strftime("%Y-%m-%d", time.gmtime()), "channel": "digital_post"},
                "",
            )
            if status != 201:
                self.errors.append(f"guidance: {status} {guidance}")
                return


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    databases = Databases(tmp_path)
    try:
        place = databases.new("crash")
        place.extra = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CPR_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "CPR_HASH_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://sundhedskoordinator.test",
            "SECURE_SSL_REDIRECT": "false",
            "DIGITAL_POST_OUTBOX": str(tmp_path / "outbox"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            # A letter a killed worker held goes out with the scheduler's next beat.
            "DIGITAL_POST_CLAIM_SECONDS": "3",
            "REMINDER_INTERVAL_MINUTES": "1",
            "LOG_LEVEL": "WARNING",
        }
        yield place
    finally:
        databases.drop()


def test_killed_mid_write_the_server_loses_nothing_it_acknowledged(
    place: Place, tmp_path: Path
) -> None:
    started = time.monotonic()
    place.manage("migrate", "--no-input", "-v0")
    out = place.manage("shell", "--no-imports", "-c", SETUP).stdout
    setup = json.loads(next(line for line in out.splitlines() if line.startswith("CRASH "))[6:])
    server = Server(place, tmp_path / "server.log")
    stop = threading.Event()
    writers = [Writer(server.url, setup["token"], citizen, stop) for citizen in setup["citizens"]]
    threads = [threading.Thread(target=w.run) for w in writers]
    chance = random.Random(SEED)  # noqa: S311 - when to kill, not a secret
    try:
        server.start()
        for thread in threads:
            thread.start()
        for _ in range(KILLS):
            time.sleep(chance.uniform(1.0, 4.0))
            server.kill()
            server.start()
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        assert not any(thread.is_alive() for thread in threads)

        # Every letter goes out once: the queued tasks, and the scheduler's beat for a letter
        # whose task or claim died with a worker.
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            waiting = place.query("SELECT count(*) FROM post_delivery WHERE state = 'queued'")
            if waiting[0][0] == 0:
                break
            time.sleep(1)
    finally:
        stop.set()
        server.stop()

    errors = [e for w in writers for e in w.errors]
    assert not errors, errors
    acknowledged = {pk: state for w in writers for pk, state in w.acknowledged.items()}
    assert len(acknowledged) >= WRITERS * 2, "the writers hardly wrote: nothing was tested"

    # Every acknowledged write is there, in the state acknowledged (or the one after it, for a
    # submit whose answer the kill cut off).
    stored = dict(place.query("SELECT id, status FROM cases_case"))
    missing = {pk for pk in acknowledged if pk not in stored}
    assert not missing
    behind = {pk for pk, state in acknowledged.items() if state == "requested" != stored[pk]}
    assert not behind, {pk: (acknowledged[pk], stored[pk]) for pk in behind}
    # No case made twice: one case per key a writer sent.
    assert len(stored) == sum(len(w.keys) for w in writers)
    events = place.query(
        "SELECT case_id, count(*) FROM audit_caseevent WHERE kind = 'case_submitted' "
        "GROUP BY case_id HAVING count(*) > 1"
    )
    assert events == []

    # Every case keeps the rules.
    check = place.manage("shell", "--no-imports", "-c", CHECK).stdout
    assert "PROBLEMS 0" in check, check

    # Every letter handed over, each exactly once.
    deliveries = place.query(
        "SELECT message_uuid, state FROM post_delivery WHERE channel = 'digital_post'"
    )
    assert deliveries
    assert {state for _, state in deliveries} == {"sent"}, deliveries
    outbox = sorted(uuid.UUID(p.stem) for p in (tmp_path / "outbox").glob("*.xml"))
    assert outbox == sorted(uuid.UUID(str(u)) for u, _ in deliveries)
    stale = place.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
    )[0][0]
    sys.stderr.write(
        f"\ncrash test: {KILLS} kills, {len(acknowledged)} cases acknowledged, "
        f"{sum(w.retries for w in writers)} requests retried, {len(deliveries)} letters sent "
        f"once each, {stale} task rows left running by killed workers; "
        f"{time.monotonic() - started:.0f} s\n"
    )


def test_a_stopped_server_finishes_what_it_took_and_then_exits(
    place: Place, tmp_path: Path
) -> None:
    """SIGTERM, as a deployment stops the server: the requests it had taken are answered and
    their writes kept, then the server and its task worker exit, well within gunicorn's 30 s
    graceful timeout."""
    place.manage("migrate", "--no-input", "-v0")
    out = place.manage("shell", "--no-imports", "-c", SETUP).stdout
    setup = json.loads(next(line for line in out.splitlines() if line.startswith("CRASH "))[6:])
    server = Server(place, tmp_path / "server.log")
    outcomes: list[Any] = []

    def create(citizen: int) -> None:
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{server.url}/api/v1/cases",
            data=json.dumps({"citizen": citizen, "offer": OFFER}).encode(),
            method="POST",
        )
        request.add_header("Authorization", f"Bearer {setup['token']}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                outcomes.append((answer.status, json.loads(answer.read())["id"]))
        except (ConnectionRefusedError, ConnectionResetError):
            # Not taken: still waiting in the listening socket's queue when it closed. A client
            # tries again elsewhere; that nothing of it was written is checked below.
            outcomes.append("not taken")
        except Exception as error:  # noqa: BLE001 - anything else is a request dropped
            outcomes.append(repr(error))

    try:
        server.start()
        threads = [
            threading.Thread(target=create, args=(setup["citizens"][n % WRITERS],))
            for n in range(12)
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.05)
        assert server.popen is not None
        stopping = time.monotonic()
        os.killpg(server.popen.pid, signal.SIGTERM)
        status = server.popen.wait(timeout=60)
        exited = time.monotonic() - stopping
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.stop()

    answered = [o for o in outcomes if isinstance(o, tuple)]
    dropped = [o for o in outcomes if isinstance(o, str) and o != "not taken"]
    assert not dropped, dropped
    assert answered, "no request was in flight when the server was stopped: nothing was tested"
    assert {status for status, _ in answered} == {201}
    stored = {pk for (pk,) in place.query("SELECT id FROM cases_case")}
    # Every request answered is kept, and none that was not answered left a write behind.
    assert {pk for _, pk in answered} == stored
    assert exited < 30
    # A stop asked for is a clean exit, not a failure a supervisor would restart.
    assert status == 0, server.tail()
    # Nothing of the group is left running.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.popen.pid, 0)
        pytest.fail("a process of the server outlived it")
    sys.stderr.write(
        f"\ngraceful stop: {len(answered)} requests in flight answered, "
        f"{outcomes.count('not taken')} not taken (queued when the socket closed); "
        f"exited in {exited:.1f} s\n"
    )
