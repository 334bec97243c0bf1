"""The load of bench/procedure.py: a working day of mixed roles against the production server.

Caseworkers create a case for a citizen with the offer, add the citizen's health description,
submit it, upload the two PDFs a complete case needs and complete it; the secretariat plans a
meeting of the rehab team for today, schedules the ready cases on it and dispatches them; the
coordinators hold the conversation and write the advice; the caseworkers then decide and close.
The others browse: case lists and case pages, start pages, the statistics; the citizen reads her
cases. The server's clock is frozen late on a working day (``CLOCK_FROZEN_AT``), so a meeting of
today has been held when its conversation is recorded and the whole procedure fits in one run.

Cases pass from role to role in memory (the users are greenlets of one process). Every answer
the scenario does not expect is a failure. Each simulated user keeps, in its own JSON file in
``records`` of the plan, the cases it created and, for every case it acted on, the state and
version it left the case in, the events its actions write and its reads of the case's health
data; bench/procedure_check.py compares them with the database afterwards. At the end the
requests' figures are written to ``summary`` of the plan.

    BENCH_PLAN=plan.json locust -f bench/procedure_locustfile.py --headless -u 50 -r 10 -t 120s
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import math
import os
import secrets
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from gevent.queue import Empty, Queue
from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115, PTH123
WORLD: dict[str, Any] = PLAN["world"]
PDF = base64.b64decode(WORLD["pdf"])
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
TODAY = dt.date.fromisoformat(PLAN["today"])
#: Today's meetings run from 07:00 to 21:00; the clock stands at 21:30.
MEETING_HOURS = (7, 21)
#: The server runs behind a TLS proxy in production; the load speaks plain HTTP to it.
PROXY = {"X-Forwarded-Proto": "https"}

#: Cases handed from role to role: (case id, version).
READY: Queue[tuple[int, int]] = Queue()
SENT: Queue[tuple[int, int, str]] = Queue()
ADVISED: Queue[tuple[int, int]] = Queue()
#: The demo citizen's cases, for her to read.
OWN_CASES: list[int] = []
CREATED: list[int] = []
numbers = itertools.count()

OFFER = {
    "kind": "company_internship",
    "provider": "Fynsk Genbrug ApS, Odense",
    "hours_per_week": "12",
    "content": "Virksomhedspraktik på lager med sortering og registrering af varer.",
    "demands": "Fremmøde tre dage om ugen kl. 9–13, let løft op til 10 kg.",
}
CONCERN = {
    "text": "Jeg har kroniske smerter i lænden og kan ikke stå eller løfte i længere tid.",
    "areas": ["fysisk belastning", "arbejdstid"],
    "channel": "meeting",
}


def _local(hour: int, minute: int = 0) -> str:
    return dt.datetime(
        TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=COPENHAGEN
    ).isoformat()


class Worker(HttpUser):
    """A simulated person: an API token or a log-in session of one demo user."""

    abstract = True
    wait_time = between(0.5, 2.0)
    role = ""
    username = ""

    def on_start(self) -> None:
        self.number = next(numbers)
        self.label = f"{self.role}-{self.number}"
        self.created: list[int] = []
        # case id -> what this user did to it and what it left
        self.cases: dict[int, dict[str, Any]] = {}
        self.client.headers.update(PROXY)
        sessions = WORLD["sessions"].get(self.username) or [""]
        self.session = sessions[self.number % len(sessions)]
        self._save()

    def _save(self) -> None:
        path = os.path.join(PLAN["records"], f"{self.label}.json")  # noqa: PTH118
        record = {
            "user": self.label,
            "username": self.username,
            "created": self.created,
            "cases": {str(k): v for k, v in self.cases.items()},
        }
        with open(path + ".tmp", "w", encoding="utf-8") as file:  # noqa: PTH123
            json.dump(record, file)
        os.replace(path + ".tmp", path)

    def api(
        self,
        method: str,
        path: str,
        name: str,
        *,
        as_user: str,
        version: int | None = None,
        expect: int = 200,
        **kwargs: Any,
    ) -> Any:
        """One API request; any answer but ``expect`` is a failure (None is returned)."""
        headers = {"Authorization": f"Bearer {WORLD['tokens'][as_user]}"}
        # Only the token: no session cookie the server may have set.
        self.client.cookies.clear()
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {(response.text or '')[:300]}")
                return None
            response.success()
            return response.json()

    def page(self, path: str, name: str) -> None:
        # Each page carries exactly this user's session, none the server set before.
        self.client.cookies.clear()
        headers = {"Cookie": f"{WORLD['session_cookie']}={self.session}"}
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {(response.text or '')[:300]}")
            else:
                response.success()

    def acted(self, case: dict[str, Any] | None, event: str | None) -> dict[str, Any] | None:
        """Note the case as the answer left it, the event the action writes and whether the
        answer carried health data (a logged read)."""
        if case is None:
            return None
        mine = self.cases.setdefault(
            case["id"], {"status": "", "version": 0, "events": [], "health_reads": 0}
        )
        mine["status"], mine["version"] = case["status"], case["version"]
        if event:
            mine["events"].append(event)
        if case.get("health_concern") is not None:
            mine["health_reads"] += 1
        self._save()
        return case


class Caseworker(Worker):
    """The caseworker of the demo's Odense: new cases up to complete, and the decision and
    closing of those advised."""

    fixed_count = 12
    role = "caseworker"
    username = "sagsbehandler"

    @task
    def work(self) -> None:
        try:
            case_id, version = ADVISED.get_nowait()
        except Empty:
            self.new_case()
        else:
            self.decide(case_id, version)

    def new_case(self) -> None:
        own = secrets.randbelow(10) < 3
        citizen = WORLD["own_citizen"] if own else WORLD["citizen"]
        created = self.api(
            "POST",
            "/api/v1/cases",
            "create case",
            as_user="sagsbehandler",
            expect=201,
            json={"citizen": citizen, "offer": OFFER},
        )
        if created is None:
            return
        self.created.append(created["id"])
        CREATED.append(created["id"])
        if own:
            OWN_CASES.append(created["id"])
        case = self.acted(created, "case_created")
        pk = created["id"]
        case = self.acted(
            self.api(
                "PATCH",
                f"/api/v1/cases/{pk}",
                "fill in health description",
                as_user="sagsbehandler",
                version=case["version"],  # type: ignore[index]
                json={"health_concern": CONCERN},
            ),
            "case_updated",
        )
        if case is None:
            return
        case = self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/submit",
                "submit",
                as_user="sagsbehandler",
                version=case["version"],
                json={"channel": "meeting"},
            ),
            "case_submitted",
        )
        if case is None:
            return
        for kind, filename in (
            ("action_plan", "indsatsplan.pdf"),
            ("health_information", "laegeattest.pdf"),
        ):
            document = self.api(
                "POST",
                f"/api/v1/cases/{pk}/documents",
                "upload document",
                as_user="sagsbehandler",
                expect=201,
                data={"kind": kind},
                files={"file": (filename, PDF, "application/pdf")},
            )
            if document is None:
                return
            self.cases[pk]["events"].append("document_added")
        self._save()
        case = self.api("GET", f"/api/v1/cases/{pk}", "case detail", as_user="sagsbehandler")
        self.acted(case, None)
        if case is None:
            return
        case = self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/complete",
                "complete",
                as_user="sagsbehandler",
                version=case["version"],
            ),
            "case_completed",
        )
        if case is not None:
            READY.put((pk, case["version"]))

    def decide(self, pk: int, version: int) -> None:
        case = self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/decision",
                "decide",
                as_user="sagsbehandler",
                version=version,
                json={
                    "outcome": "adjust",
                    "text": "Praktikken tilpasses efter rådgivningen: start kl. 10 og ingen "
                    "løft over 5 kg.",
                    "offer": {
                        **OFFER,
                        "demands": "Fremmøde tre dage om ugen kl. 10–13, ingen løft over 5 kg.",
                    },
                },
            ),
            "case_decided",
        )
        if case is None:
            return
        self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/close",
                "close",
                as_user="sagsbehandler",
                version=case["version"],
            ),
            "case_closed",
        )


class Secretariat(Worker):
    """The rehab team's secretariat: today's meetings, scheduling and dispatch."""

    fixed_count = 4
    role = "secretariat"
    username = "sekretariat"

    def on_start(self) -> None:
        super().on_start()
        self.meeting: dict[str, Any] | None = None
        self.meetings_planned = 0

    @task
    def work(self) -> None:
        try:
            pk, version = READY.get(timeout=1)
        except Empty:
            self.browse()
            return
        if self.meeting is None:
            self.meeting = self.api(
                "POST",
                "/api/v1/meetings",
                "plan meeting",
                as_user="sekretariat",
                expect=201,
                json={
                    "team": WORLD["team"],
                    "starts_at": _local(MEETING_HOURS[0]),
                    "ends_at": _local(MEETING_HOURS[1]),
                    "location": "Jobcentret, mødelokale 2",
                },
            )
            if self.meeting is None:
                return
            self.meetings_planned += 1
        case = self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/schedule",
                "schedule",
                as_user="sekretariat",
                version=version,
                json={
                    "meeting": self.meeting["id"],
                    "coordinator": WORLD["coordinator"],
                    "late_reason": "Borgeren har akut behov for afklaring.",
                },
            ),
            "case_scheduled",
        )
        if case is None:
            return
        item = case["agenda_item"]
        starts = dt.datetime.fromisoformat(item["starts_at"])
        ends = dt.datetime.fromisoformat(item["ends_at"])
        meeting_ends = dt.datetime.fromisoformat(_local(MEETING_HOURS[1]))
        if ends + (ends - starts) > meeting_ends:
            self.meeting = None  # full: the next case goes on a new meeting
        case = self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/dispatch",
                "dispatch",
                as_user="sekretariat",
                version=case["version"],
            ),
            "package_dispatched",
        )
        if case is not None:
            SENT.put((pk, case["version"], item["starts_at"]))

    def browse(self) -> None:
        self.api("GET", "/api/v1/cases?status=ready", "API case list, ready", as_user="sekretariat")
        if self.meeting is not None:
            self.api(
                "GET",
                f"/api/v1/meetings/{self.meeting['id']}/agenda",
                "API meeting agenda",
                as_user="sekretariat",
            )
        self.page(f"/moeder/{WORLD['meeting']}/", "page: meeting agenda")


class Coordinator(Worker):
    """The region's health coordinator: the conversation and the advice."""

    fixed_count = 4
    role = "coordinator"
    username = "koordinator"

    @task
    def work(self) -> None:
        try:
            pk, version, starts_at = SENT.get(timeout=1)
        except Empty:
            self.page("/", "page: coordinator's start")
            return
        starts = dt.datetime.fromisoformat(starts_at)
        case = self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/hold-conversation",
                "hold conversation",
                as_user="koordinator",
                version=version,
                json={
                    "started_at": starts.isoformat(),
                    "ended_at": (starts + dt.timedelta(minutes=25)).isoformat(),
                },
            ),
            "conversation_held",
        )
        if case is None:
            return
        case = self.acted(
            self.api(
                "POST",
                f"/api/v1/cases/{pk}/advice",
                "write advice",
                as_user="koordinator",
                version=case["version"],
                json={
                    "text": "Praktikken kan gennemføres, hvis arbejdet tilrettelægges med "
                    "skiftende stillinger og uden gentagne løft.",
                    "accommodations": "Ingen løft over 5 kg. Start kl. 10. Pauser hver time.",
                },
            ),
            "advice_written",
        )
        if case is not None:
            ADVISED.put((pk, case["version"]))


class Browser(Worker):
    """Staff who read: case lists and pages, start pages and the statistics."""

    fixed_count = 24
    role = "browser"
    username = "sagsbehandler"
    wait_time = between(1.0, 3.0)

    @task(4)
    def case_list(self) -> None:
        self.page("/sager/", "page: case list")

    @task(2)
    def case_list_sent(self) -> None:
        self.page("/sager/?status=sent", "page: case list, status sent")

    @task(4)
    def case_page(self) -> None:
        pk = secrets.choice(CREATED) if CREATED else WORLD["case"]
        self.page(f"/sager/{pk}/", "page: case")

    @task(2)
    def api_list(self) -> None:
        self.api("GET", "/api/v1/cases?page_size=25", "API case list", as_user="sagsbehandler")

    @task(2)
    def start_page(self) -> None:
        self.page("/", "page: caseworker's start")

    @task(1)
    def statistics(self) -> None:
        year = TODAY.year
        self.api(
            "GET",
            f"/api/v1/statistics?from={year}-01-01&to={TODAY.isoformat()}&region={WORLD['region']}",
            "API statistics, the year so far",
            as_user="klinisk",
        )


class Manager(Worker):
    """The municipality's manager: the start page and the statistics page."""

    fixed_count = 2
    role = "manager"
    username = "leder"
    wait_time = between(2.0, 5.0)

    @task
    def look(self) -> None:
        self.page("/", "page: manager's start")
        self.page("/statistik/", "page: statistics")


class Citizen(Worker):
    """The demo citizen reading her cases."""

    fixed_count = 4
    role = "citizen"
    username = "borger"
    wait_time = between(1.0, 4.0)

    @task(2)
    def start_page(self) -> None:
        self.page("/", "page: citizen's start")

    @task(3)
    def own_case(self) -> None:
        if OWN_CASES:
            self.page(f"/sager/{secrets.choice(OWN_CASES)}/", "page: citizen's case")


SAMPLES: dict[str, list[float]] = defaultdict(list)
FAILURES: dict[str, int] = defaultdict(int)
MESSAGES: list[str] = []


@events.request.add_listener
def _sample(name: str, response_time: float, exception: Any, **_: Any) -> None:
    SAMPLES[name].append(response_time)
    if exception is not None:
        FAILURES[name] += 1
        if len(MESSAGES) < 30:
            MESSAGES.append(f"{name}: {exception}"[:400])


@events.user_error.add_listener
def _task_failed(user_instance: Any, exception: Exception, tb: Any, **_: Any) -> None:
    """A task that broke off is a failure of the run too."""
    FAILURES["task error"] += 1
    SAMPLES.setdefault("task error", [])
    if len(MESSAGES) < 30:
        MESSAGES.append(f"task error: {exception!r}"[:400])


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest rank."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


@events.quitting.add_listener
def _write_summary(**_: Any) -> None:
    kinds = []
    for name in sorted(SAMPLES):
        times = sorted(SAMPLES[name])
        kinds.append(
            {
                "name": name,
                "requests": len(times),
                "failures": FAILURES[name],
                "p50_ms": round(_percentile(times, 0.50), 1),
                "p95_ms": round(_percentile(times, 0.95), 1),
            }
        )
    summary = {
        "requests": sum(len(SAMPLES[name]) for name in SAMPLES),
        "failures": sum(k["failures"] for k in kinds),
        "failure_messages": MESSAGES,
        "kinds": kinds,
        "queued_at_end": {"ready": READY.qsize(), "sent": SENT.qsize(), "advised": ADVISED.qsize()},
    }
    with open(PLAN["summary"], "w", encoding="utf-8") as file:  # noqa: PTH123
        json.dump(summary, file, indent=1)
