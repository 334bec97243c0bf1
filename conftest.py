"""Fixtures every test may use: the demo organisations, a frozen clock, a small world of a
citizen and meetings built through the real services, and an API client per user."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from sundhedskoordinator.api.tokens import issue_token
from sundhedskoordinator.cases.walk import Cast
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.demo import load_demo_organisations
from sundhedskoordinator.organisations.models import RehabTeam, User


@pytest.fixture(scope="session", autouse=True)
def _flush_around_triggers() -> None:
    """The suite empties SQLite between transactional tests with DELETE, which the append-only
    triggers refuse: nothing at run time lifts them (``core.append_only``). Only here, each flush
    drops every trigger first and creates it again afterwards from its own stored definition, in
    the flush's transaction. PostgreSQL flushes with TRUNCATE, which row triggers do not see."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    operations = type(connection.ops)
    original = operations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
        return [
            *(f'DROP TRIGGER "{name}"' for name, _ in triggers),
            *statements,
            *(sql for _, sql in triggers),
        ]

    operations.sql_flush = sql_flush  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def _malware_scanner() -> Any:
    """Every upload is scanned by a real ClamAV daemon with the test signature database
    (scripts/clamd.sh); one started here is stopped at the end."""
    import os
    import subprocess
    from pathlib import Path

    from django.conf import settings

    script = Path(__file__).parent / "scripts" / "clamd.sh"
    env = {**os.environ, "CLAMAV_SOCKET": settings.CLAMAV_SOCKET}
    pidfile = Path(settings.CLAMAV_SOCKET).parent / "clamd.pid"
    started_here = not pidfile.exists()
    subprocess.run(["bash", str(script), "start"], check=True, env=env)  # noqa: S603, S607
    yield
    if started_here:
        subprocess.run(["bash", str(script), "stop"], check=False, env=env)  # noqa: S603, S607


#: Monday 23 November 2026, 10:00 in Copenhagen.
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

#: Monday 14 December 2026, 10:00 in Copenhagen: the day the demo world and the browser tests
#: live on. The weeks after it hold 24 December (a closing day), Christmas Day and Boxing Day,
#: 31 December and New Year's Day, so a meeting three weeks out (Tuesday 5 January 2027) has its
#: dispatch deadline on Wednesday 16 December, and a calendar that forgets one of those days
#: shows.
BEFORE_CHRISTMAS = dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _danish_first() -> Any:
    """Every test starts in the product's language, Danish, whatever language an earlier test's
    request or ``translation.activate`` left active in the thread: a test's outcome must not
    depend on the order the tests run in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def demo_users(db: None) -> dict[str, User]:
    """The demo world's organisations and users, loaded through the real loader."""
    return load_demo_organisations()


@pytest.fixture
def now() -> Any:
    with clock.frozen(NOW) as moment:
        yield moment


@pytest.fixture
def before_christmas() -> Any:
    """The clock frozen at ``BEFORE_CHRISTMAS``, for the demo world and the browser tests."""
    with clock.frozen(BEFORE_CHRISTMAS) as moment:
        yield moment


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Copenhagen")
    )


@dataclass
class World:
    users: dict[str, User]
    team: RehabTeam
    citizen: Citizen
    meeting: Meeting  # Tuesday 15 December 2026, deadline Tuesday 1 December
    cast: Cast


@pytest.fixture
def world(demo_users: dict[str, User], now: dt.datetime) -> World:
    users = demo_users
    team = RehabTeam.objects.get(municipality__code="461")
    citizen = citizen_services.create_citizen(
        actor=users["sagsbehandler"],
        cpr="1203851234",
        name="Mette Sørensen",
        municipality=team.municipality,
        course_start=dt.date(2026, 3, 1),
    )
    citizen.user = users["borger"]
    citizen.save()
    citizen_services.record_guidance(
        actor=users["sagsbehandler"],
        citizen=citizen,
        given_on=dt.date(2026, 3, 1),
        channel="digital_post",
    )
    meeting = meeting_services.create_meeting(
        actor=users["sekretariat"],
        team=team,
        starts_at=local(dt.date(2026, 12, 15), 9),
        ends_at=local(dt.date(2026, 12, 15), 12),
    )
    cast = Cast(users["sagsbehandler"], users["sekretariat"], users["koordinator"])
    return World(users, team, citizen, meeting, cast)


@pytest.fixture
def treat(world: World) -> Any:
    """``treat(day, target, ...)``: a new citizen's case taken through the real services to a
    meeting of the team on ``day`` (``tests.generated.Treater.treat`` says how)."""
    from tests.generated import Treater

    return Treater(world.users).treat


class ApiClient:
    """The REST API as one user sees it, through Django's test client and a real token."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.token = issue_token(user=user)

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body or {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.patch(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self._headers(headers),
        )


@pytest.fixture
def api(demo_users: dict[str, User], settings: Any) -> Any:
    """``api("sagsbehandler")`` is an API client logged in as that demo user. Its token lives for
    60 days, since the tests move the clock to meeting days."""
    settings.API_TOKEN_HOURS = 24 * 60
    clients: dict[str, ApiClient] = {}

    def make(username: str) -> ApiClient:
        if username not in clients:
            clients[username] = ApiClient(demo_users[username])
        return clients[username]

    return make


class _RecordEverything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter().format(record))


def _known_cprs() -> set[str]:
    from sundhedskoordinator.cases.demo import CITIZENS

    numbers = {c.cpr for c in CITIZENS} | {"1203851234", "0101901234", "0202921234", "3213851234"}
    return numbers | {f"{n[:6]}-{n[6:]}" for n in numbers}


def _known_health_texts() -> set[str]:
    """The beginnings of the health texts the tests write into cases: the citizen's description
    and the coordinator's advice of ``cases.walk``."""
    from sundhedskoordinator.cases.walk import SAMPLE_CONCERN

    return {str(SAMPLE_CONCERN["text"])[:40], "Praktikken kan gennemføres, hvis arbejdet"}


@pytest.fixture(scope="session", autouse=True)
def _no_cpr_number_is_ever_logged() -> Any:
    """Everything the application logs during the whole suite (requests, errors, warnings) is
    kept and searched, at the end, for every CPR number the tests and the demo world use, and
    for the health texts they write."""
    handler = _RecordEverything()
    root = logging.getLogger()
    root.addHandler(handler)
    # Prove the capture is wired up before relying on it: a record from the application's own
    # logger must reach it. (Checking for "any line at all" at the end failed every session that
    # happens to log nothing, such as a pure calendar module run alone.)
    application = logging.getLogger("sundhedskoordinator")
    canary = application.makeRecord(application.name, logging.INFO, "", 0, "log on", (), None)
    application.handle(canary)
    assert handler.lines, "the log capture saw nothing: it is not wired up"
    yield
    root.removeHandler(handler)
    text = "\n".join(handler.lines)
    leaked = sorted(n for n in _known_cprs() if n in text)
    assert not leaked, f"CPR numbers appeared in log output: {len(leaked)}"
    health = sorted(t for t in _known_health_texts() if t in text)
    assert not health, f"Health texts appeared in log output: {health}"


# --- What the run proves ------------------------------------------------------------------------
#: The database a run must be on, when the environment says so: CI's second run sets
#: ``EXPECTED_DATABASE=postgresql`` and fails at once if the suite would run on anything else.
EXPECTED_DATABASE = "EXPECTED_DATABASE"

#: The only skips that may pass a run, by test and the database on which the skip is allowed,
#: each with its reason. Any other skip fails the run: a skipped test proves nothing.
ALLOWED_SKIPS: dict[str, tuple[str, str]] = {
    "tests/test_scale_out.py::test_two_instances_share_cases_documents_and_the_task_queue": (
        "sqlite",
        "two instances share a database server; the PostgreSQL run proves it",
    ),
    "sundhedskoordinator/cases/tests/test_case_lock.py::"
    "test_an_action_does_not_wait_for_another_case_of_the_municipality": (
        "sqlite",
        "SQLite has one write lock for the whole database; PostgreSQL locks rows",
    ),
    "sundhedskoordinator/cases/tests/test_search_index.py::"
    "test_the_name_and_the_reference_are_searched_through_their_trigram_indexes": (
        "sqlite",
        "SQLite has no trigram index; the search's results are tested on both engines",
    ),
}


def pytest_sessionstart(session: pytest.Session) -> None:
    import os

    from django.conf import settings

    expected = os.environ.get(EXPECTED_DATABASE, "")
    engine = settings.DATABASES["default"]["ENGINE"]
    # The engine's module is named by the vendor, with SQLite's version after it ("sqlite3").
    if expected and not engine.rsplit(".", 1)[-1].startswith(expected):
        raise pytest.UsageError(
            f"{EXPECTED_DATABASE}={expected}, but the suite is configured for {engine}: "
            "check DATABASE_URL"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database as pytest-django creates it, asked once which server it really is."""
    import os

    from django.db import connection

    expected = os.environ.get(EXPECTED_DATABASE, "")
    with django_db_blocker.unblock():
        vendor = connection.vendor
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT version()")
                (version,) = cursor.fetchone()
            assert version.startswith("PostgreSQL"), version
    assert not expected or vendor == expected, f"expected {expected}, the tests run on {vendor}"


_unexpected_skips: list[str] = []


def _note_skip(nodeid: str, report: Any) -> None:
    from django.db import connection

    if not report.skipped or hasattr(report, "wasxfail"):
        return
    allowed = ALLOWED_SKIPS.get(nodeid.split("[")[0])
    if allowed is None or allowed[0] != connection.vendor:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        _unexpected_skips.append(f"{nodeid}: {reason}")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _note_skip(report.nodeid, report)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _note_skip(report.nodeid, report)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _unexpected_skips:
        terminalreporter.section("skips not on the allow-list (conftest.ALLOWED_SKIPS)", red=True)
        for line in _unexpected_skips:
            terminalreporter.line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _unexpected_skips and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
