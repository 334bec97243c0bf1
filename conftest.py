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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture
def demo_users(db: None) -> dict[str, User]:
    """The demo world's organisations and users, loaded through the real loader."""
    return load_demo_organisations()


@pytest.fixture
def now() -> Any:
    with clock.frozen(NOW) as moment:
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


@pytest.fixture(scope="session", autouse=True)
def _no_cpr_number_is_ever_logged() -> Any:
    """Everything the application logs during the whole suite (requests, errors, warnings) is
    kept and searched, at the end, for every CPR number the tests and the demo world use."""
    handler = _RecordEverything()
    root = logging.getLogger()
    root.addHandler(handler)
    yield
    root.removeHandler(handler)
    text = "\n".join(handler.lines)
    leaked = sorted(n for n in _known_cprs() if n in text)
    assert handler.lines, "the log capture saw nothing: it is not wired up"
    assert not leaked, f"CPR numbers appeared in log output: {len(leaked)}"
