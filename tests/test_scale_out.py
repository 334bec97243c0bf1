"""More than one machine (docs/scale-out.md): two production servers, each started as `make serve`
starts one, with its own task worker, on different ports, sharing one PostgreSQL database and one
S3-compatible bucket (moto's server mode), and nothing else: each has its own DATA_DIR, so a file
that one of them kept on local disk would be missing on the other.

A case is created and a document uploaded on one instance and read and downloaded on the other;
the Digital Post letters and several runs of the reminder scheduler go to the shared queue, which
both workers take from; every letter is handed over once and every reminder sent once.

It needs PostgreSQL (SQLite is one file on one machine) and runs only in the suite's PostgreSQL
run. It makes its own database next to the test database and drops it afterwards."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.message
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.places import ObjectStorage, free_port, stop_group

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="more than one machine needs a database server: this runs in the PostgreSQL run",
)

#: Scheduled cases whose dispatch deadline is the next working day: one dispatch reminder each
#: to the team's secretariat (one demo user).
CASES = 4
#: Runs of the reminder scheduler queued at once, beside the chains `make serve` starts on both.
SCHEDULER_RUNS = 4
#: django-tasks-db's queue.
TASKS = "django_tasks_database_dbtaskresult"

#: Run inside `manage.py shell` on the shared database (demo mode: the demo users; the clock is
#: frozen by CLOCK_FROZEN_AT like the servers'). Prints one line of JSON after "SCALEOUT ".
SETUP = f"""
import datetime as dt, json
from zoneinfo import ZoneInfo
from sundhedskoordinator.api.tokens import issue_token
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.tasks import send_reminders
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizens
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import add_working_days
from sundhedskoordinator.meetings import services as meetings
from sundhedskoordinator.organisations.demo import load_demo_organisations
from sundhedskoordinator.organisations.models import RehabTeam

users = load_demo_organisations()
team = RehabTeam.objects.get(municipality__code="461")
today = clock.today()
# The dispatch deadline (10 working days before the meeting) is the next working day: inside
# the two working days in which the secretariat is reminded.
day = add_working_days(add_working_days(today, 1), 10)
here = ZoneInfo("Europe/Copenhagen")
meeting = meetings.create_meeting(
    actor=users["sekretariat"], team=team,
    starts_at=dt.datetime.combine(day, dt.time(8), here),
    ends_at=dt.datetime.combine(day, dt.time(16), here),
)
cast = Cast(users["sagsbehandler"], users["sekretariat"], users["koordinator"])
people = []
for n in range({CASES} + 1):
    citizen = citizens.create_citizen(
        actor=cast.caseworker, cpr=f"0{{n + 1}}0390{{n + 1}}234", name=f"Skala Borger {{n}}",
        municipality=team.municipality, course_start=today - dt.timedelta(days=60),
    )
    citizens.record_guidance(
        actor=cast.caseworker, citizen=citizen, given_on=today, channel="digital_post"
    )
    people.append(citizen)
for citizen in people[1:]:
    walk_case_to(
        new_case(citizen=citizen, caseworker=cast.caseworker), Status.SCHEDULED,
        cast=cast, meeting=meeting,
    )
for _ in range({SCHEDULER_RUNS}):
    send_reminders.enqueue(reschedule=False)
print("SCALEOUT " + json.dumps({{
    "token": issue_token(user=cast.caseworker, second_factor=True),
    "citizen": people[0].pk,
}}))
"""


#: What `make serve WORKERS=1` runs (``scripts/serve.sh``), without `collectstatic`
#: (``SERVE_STATIC=0``): the API serves no static files, and compressing the front-end's files for
#: each instance takes minutes on a small machine. The access log shows which instance answered
#: what.
SERVE = {
    "SERVE_PYTHON": sys.executable,
    "WORKERS": "1",
    "SERVE_STATIC": "0",
    "SERVE_ACCESS_LOG": "-",
}


@dataclass
class Process:
    """A process started in its own session, so that it and its children stop together."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        stop_group(self.popen)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


class Cluster:
    """Everything the test starts, stopped and dropped at the end whatever happened."""

    def __init__(self, tmp: Path, s3: ObjectStorage) -> None:
        self.tmp = tmp
        self.s3 = s3
        self.processes: list[Process] = []
        self.database = f"sk_scaleout_{os.getpid()}"
        db = settings.DATABASES["default"]
        credentials = quote(str(db.get("USER") or ""), safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(str(db["PASSWORD"]), safe="")
        server = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        self.server_url = f"postgres://{credentials}@{server}"
        self.database_url = f"{self.server_url}/{self.database}"
        self.bucket = "sundhedskoordinator-test"
        self.outbox = tmp / "shared-digital-post-outbox"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CPR_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "CPR_HASH_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            # One public address in front of all instances (the load balancer's).
            "SITE_URL": "https://sundhedskoordinator.test",
            # Plain HTTP on the loopback: no TLS proxy in front here.
            "SECURE_SSL_REDIRECT": "false",
            **s3.bucket(self.bucket),
            "CLAMAV_SOCKET": settings.CLAMAV_SOCKET,
            "DIGITAL_POST_OUTBOX": str(self.outbox),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "CLOCK_FROZEN_AT": working_day_ahead().isoformat(),
            "CLOCK_FROZEN_IN_PRODUCTION": "yes",
            "LOG_LEVEL": "INFO",
        }

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Process:
        log = self.tmp / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(  # noqa: S603 - our own commands
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def run(self, name: str, command: list[str], env: dict[str, str]) -> str:
        done = subprocess.run(  # noqa: S603 - our own commands
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    def sql(self, query: str, *params: Any, database: str | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(f"{self.server_url}/{database or self.database}") as connection:
            connection.autocommit = database == "postgres"
            rows = connection.execute(query, params or None)  # type: ignore[call-overload]
            return rows.fetchall() if rows.description else []

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def working_day_ahead() -> dt.datetime:
    """10:00 in Copenhagen on a working day two years from now: a day the reminders run on
    whenever the test does, and in the future, so that the scheduler's own next run (queued a
    quarter of an hour after the frozen clock) never falls due while the test runs."""
    from zoneinfo import ZoneInfo

    from sundhedskoordinator.core import clock
    from sundhedskoordinator.core.workingdays import is_working_day

    day = clock.today() + dt.timedelta(days=730)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), ZoneInfo("Europe/Copenhagen"))


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with ObjectStorage(tmp_path / "moto.log") as s3:
        cluster = Cluster(tmp_path, s3)
        cluster.sql(f'CREATE DATABASE "{cluster.database}"', database="postgres")
        try:
            yield cluster
        finally:
            cluster.stop()
            cluster.sql(
                f'DROP DATABASE IF EXISTS "{cluster.database}" WITH (FORCE)', database="postgres"
            )
            failed = [p for p in cluster.processes if p.popen.returncode not in (0, -15, None)]
            for process in failed:
                sys.stderr.write(f"--- {process.name} ---\n{process.tail()}\n")


def _wait_for(what: str, ready: Any, processes: list[Process], seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            if process.popen.poll() is not None:
                pytest.fail(f"{process.name} stopped while waiting for {what}:\n{process.tail()}")
        answer = ready()
        if answer:
            return answer
        time.sleep(0.3)
    logs = "\n".join(f"--- {p.name} ---\n{p.tail()}" for p in processes)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def _http(
    method: str, url: str, token: str, body: bytes | None = None, content_type: str = ""
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - loopback
    request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _multipart(
    fields: dict[str, str], name: str, filename: str, content: bytes
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _pdf(text: str) -> bytes:
    """A real PDF whose bytes are this run's own (its metadata)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _mails(directory: Path) -> list[email.message.Message]:
    """The messages Django's file backend wrote: each followed by a line of 79 dashes."""
    separator = b"\n" + b"-" * 79 + b"\n"
    messages = []
    for path in sorted(directory.glob("*")) if directory.exists() else []:
        for chunk in path.read_bytes().split(separator):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip()))
    return messages


def _text(message: email.message.Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    return ""


def test_two_instances_share_cases_documents_and_the_task_queue(cluster: Cluster) -> None:
    started = time.monotonic()
    # One migration before the instances start; theirs then finds nothing to do.
    production = {**cluster.env, "DJANGO_ENV": "production", "DATA_DIR": str(cluster.tmp / "m")}
    cluster.run(
        "migrate", [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], production
    )

    instances: dict[str, str] = {}
    servers = []
    for name in ("a", "b"):
        port = free_port()
        instances[name] = f"http://127.0.0.1:{port}"
        env = {
            **cluster.env,
            **SERVE,
            "DATA_DIR": str(cluster.tmp / name),
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
        servers.append(cluster.start(name, ["bash", "scripts/serve.sh"], env))

    def serving() -> bool:
        for url in instances.values():
            try:
                with urllib.request.urlopen(f"{url}/health/ready", timeout=5) as answer:  # noqa: S310
                    if answer.status != 200:
                        return False
            except OSError:
                return False
        return all("Starting worker" in server.tail() for server in servers)

    _wait_for("both instances and their workers", serving, servers, seconds=120)

    # The data, the letters' queued hand-overs and the scheduler runs arrive while both workers
    # are taking tasks.
    out = cluster.run(
        "setup",
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETUP],
        {**cluster.env, "DJANGO_ENV": "demo", "DATA_DIR": str(cluster.tmp / "setup")},
    )
    setup = json.loads(next(line for line in out.splitlines() if line.startswith("SCALEOUT "))[9:])
    token = setup["token"]
    a, b = instances["a"], instances["b"]

    # Created on A.
    status, body = _http(
        "POST",
        f"{a}/api/v1/cases",
        token,
        json.dumps(
            {
                "citizen": setup["citizen"],
                "offer": {
                    "kind": "company_internship",
                    "content": "Virksomhedspraktik på lager.",
                    "demands": "Fremmøde tre dage om ugen.",
                },
            }
        ).encode(),
        "application/json",
    )
    assert status == 201, body
    case = json.loads(body)
    content = _pdf(f"Helbredsoplysninger {uuid.uuid4()}")
    upload, content_type = _multipart(
        {"kind": "health_information"}, "file", "helbred.pdf", content
    )
    status, body = _http(
        "POST", f"{a}/api/v1/cases/{case['id']}/documents", token, upload, content_type
    )
    assert status == 201, body

    # Read and downloaded on B.
    status, body = _http("GET", f"{b}/api/v1/cases/{case['id']}", token)
    assert status == 200, body
    assert json.loads(body)["reference"] == case["reference"]
    status, body = _http("GET", f"{b}/api/v1/cases/{case['id']}/documents", token)
    assert status == 200, body
    (document,) = json.loads(body)
    status, downloaded = _http("GET", f"{b}/api/v1/documents/{document['id']}/content", token)
    assert status == 200, downloaded
    assert downloaded == content
    assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(content).hexdigest()

    # The file is in the bucket, and no instance kept a stored file on its own disk.
    in_bucket = set(cluster.s3.objects(cluster.bucket).values())
    assert hashlib.sha256(content).hexdigest() in in_bucket
    for name in ("a", "b", "setup"):
        local = [p for p in (cluster.tmp / name / "files").rglob("*") if p.is_file()]
        assert local == [], f"{name} stored files on its own disk: {local}"

    # Both workers drain the shared queue: everything due now is done (the scheduler chains'
    # next runs wait for the frozen clock's next quarter of an hour, years ahead).
    def drained() -> bool:
        (waiting,) = cluster.sql(
            f"SELECT count(*) FROM {TASKS} WHERE status IN ('READY', 'RUNNING')"  # noqa: S608
            " AND (run_after >= '9999-01-01' OR run_after <= now())"
        )[0]
        return waiting == 0

    _wait_for("the shared queue to drain", drained, servers, seconds=90)

    failed = cluster.sql(f"SELECT task_path, traceback FROM {TASKS} WHERE status = 'FAILED'")  # noqa: S608
    assert failed == [], failed
    done = cluster.sql(f"SELECT task_path, worker_ids FROM {TASKS} WHERE status = 'SUCCESSFUL'")  # noqa: S608
    workers = {worker for _, ids in done for worker in ids}
    runs = Counter(path.rsplit(".", 1)[-1] for path, _ in done)
    assert runs["send_reminders"] >= SCHEDULER_RUNS + 1, runs
    assert len(workers) == 2, f"both instances' workers take tasks: {workers}"

    # Every letter handed over once: one claim each, one file each in the shared outbox.
    deliveries = cluster.sql("SELECT state, attempts, message_uuid FROM post_delivery")
    assert len(deliveries) == 2 * CASES + 1, deliveries  # guidance and summons per citizen
    assert {(state, attempts) for state, attempts, _ in deliveries} == {("sent", 1)}
    assert sorted(p.stem for p in cluster.outbox.glob("*.xml")) == sorted(
        str(u) for _, _, u in deliveries
    )

    # Every reminder sent once: recorded once, in the inbox once, mailed once.
    reminders = cluster.sql("SELECT kind, subject_id, user_id FROM notifications_reminder")
    assert len(reminders) == CASES
    assert {kind for kind, _, _ in reminders} == {"remind_dispatch"}
    inbox = cluster.sql(
        "SELECT kind, case_id, user_id FROM notifications_notification WHERE kind LIKE 'remind_%'"
    )
    assert len(inbox) == len(set(inbox)) == CASES
    mails = [
        message
        for name in ("a", "b")
        for message in _mails(cluster.tmp / name / "mail")
        if "påmindelse" in _text(message)
    ]
    subjects = [str(message["Subject"]) for message in mails]
    assert len(subjects) == len(set(subjects)) == CASES, subjects
    assert {str(message["To"]) for message in mails} == {"sekretariat@demo.invalid"}

    elapsed = time.monotonic() - started
    sys.stderr.write(f"\nscale-out test: {elapsed:.0f} s\n")
