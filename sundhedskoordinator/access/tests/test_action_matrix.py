"""The authorisation matrix of acting on a case: every demo user × every action × how the user
stands to the case (on it, in scope but not on it, out of scope) → allowed, 403 or 404.

The expectations are written here from DESIGN section 2 and 3, not taken from the policy or the
workflow table: who acts in which role (``ACTORS``), which roles act by scope alone
(``BY_SCOPE``), who is on which case (``ON_CASE``) and who sees it at all (``_visible``). Each
action is tried on three cases in the action's starting state:

- **A**, Odense: citizen Mette (``borger``), responsible ``sagsbehandler``, coordinator
  ``koordinator``;
- **B**, Odense: another citizen, responsible ``jobformidler``, a substitute coordinator of the
  same region — so the users on A are in scope of B but not on it, and the other way round;
- **C**, Copenhagen (another region): citizen ``borger2``, responsible ``sagsbehandler2``,
  coordinator ``koordinator2`` — out of scope for everyone of Odense and Syddanmark.

A refusal is tried on one shared case and must change nothing; every allowed user acts on a
fresh case of their own. A new action without a row fails ``test_every_action_has_a_row``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import local
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Action, DocumentKind, Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import SAMPLE_PDF, Cast, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, Region, RehabTeam, User
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db

R = Role
HANDLERS = frozenset({R.CASEWORKER, R.JOB_BROKER})

# --- Who is who, from DESIGN section 7 (demo data) -------------------------------------------
ROLE = {
    "sagsbehandler": R.CASEWORKER,
    "jobformidler": R.JOB_BROKER,
    "sekretariat": R.SECRETARIAT,
    "koordinator": R.COORDINATOR,
    "klinisk": R.CLINICAL_ADMIN,
    "leder": R.MANAGER,
    "borger": R.CITIZEN,
    "admin": R.ADMIN,
    "sagsbehandler2": R.CASEWORKER,
    "sekretariat2": R.SECRETARIAT,
    "koordinator2": R.COORDINATOR,
    "klinisk2": R.CLINICAL_ADMIN,
    "borger2": R.CITIZEN,
}
ODENSE = {"sagsbehandler", "jobformidler", "sekretariat", "leder"}
SYDDANMARK = {"koordinator", "klinisk"}
COPENHAGEN = {"sagsbehandler2", "sekretariat2"}
HOVEDSTADEN = {"koordinator2", "klinisk2"}

#: The role in which a user is on each case (DESIGN section 2): the responsible caseworker or job
#: broker, the agenda item's coordinator, the team's secretariat, the citizen.
ON_CASE = {
    "sagsbehandler": {"A": R.CASEWORKER},
    "jobformidler": {"B": R.JOB_BROKER},
    "sekretariat": {"A": R.SECRETARIAT, "B": R.SECRETARIAT},
    "koordinator": {"A": R.COORDINATOR},
    "borger": {"A": R.CITIZEN},
    "sagsbehandler2": {"C": R.CASEWORKER},
    "sekretariat2": {"C": R.SECRETARIAT},
    "koordinator2": {"C": R.COORDINATOR},
    "borger2": {"C": R.CITIZEN},
}


def _visible(username: str, config: str, sent: bool) -> bool:
    """DESIGN section 2: municipal staff see their municipality's cases, regional staff those of
    their region from dispatch on, a citizen their own; the administrator none."""
    if username in ODENSE:
        return config in "AB"
    if username in SYDDANMARK:
        return config in "AB" and sent
    if username in COPENHAGEN:
        return config == "C"
    if username in HOVEDSTADEN:
        return config == "C" and sent
    return (username, config) in {("borger", "A"), ("borger2", "C")}


# --- What each action is, from DESIGN section 3 ----------------------------------------------
@dataclass(frozen=True)
class Row:
    source: Status  # the state the action is tried in
    path: str  # after /cases/{id}; "" is the PATCH of the case itself
    actors: frozenset[str]  # roles that act when on the case
    by_scope: frozenset[str] = frozenset()  # roles that act on any case in their scope
    after_meeting: bool = False  # the action happens after the conversation's slot
    body: Callable[[Case, str], dict[str, Any]] = lambda case, role: {}
    ok: int = 200


CONCERN = {"text": "Jeg kan ikke løfte.", "areas": ["fysisk belastning"], "channel": "meeting"}


def _conversation(case: Case, role: str) -> dict[str, Any]:
    item = case.agenda_items.get(cancelled_at__isnull=True)
    end = item.starts_at + dt.timedelta(minutes=30)
    return {"started_at": item.starts_at.isoformat(), "ended_at": end.isoformat()}


ROWS: dict[Action, Row] = {
    Action.UPDATE: Row(
        Status.DRAFT, "", HANDLERS | {R.CITIZEN}, body=lambda c, r: {"health_concern": CONCERN}
    ),
    Action.ADD_DOCUMENT: Row(Status.DRAFT, "/documents", HANDLERS, ok=201),
    Action.SUBMIT: Row(
        Status.DRAFT,
        "/submit",
        HANDLERS | {R.CITIZEN},
        body=lambda c, r: {} if r == R.CITIZEN else {"channel": "meeting"},
    ),
    Action.COMPLETE: Row(Status.REQUESTED, "/complete", HANDLERS),
    Action.WITHDRAW: Row(
        Status.REQUESTED,
        "/withdraw",
        HANDLERS | {R.CITIZEN},
        body=lambda c, r: {"reason": "Borgeren ønsker ikke at gå videre."},
    ),
    Action.REJECT: Row(
        Status.REQUESTED,
        "/reject",
        HANDLERS,
        body=lambda c, r: {"reason": "Ikke i ressourceforløb.", "reason_code": "other"},
    ),
    Action.SCHEDULE: Row(
        Status.READY,
        "/schedule",
        frozenset({R.SECRETARIAT}),
        body=lambda c, r: {"meeting": CONFIG_MEETING[c.pk], "coordinator": CONFIG_COORD[c.pk]},
    ),
    Action.UNSCHEDULE: Row(
        Status.SCHEDULED,
        "/unschedule",
        frozenset({R.SECRETARIAT}),
        body=lambda c, r: {"reason": "Flyttes."},
    ),
    Action.DISPATCH: Row(Status.SCHEDULED, "/dispatch", frozenset({R.SECRETARIAT})),
    Action.HOLD_CONVERSATION: Row(
        Status.SENT,
        "/hold-conversation",
        frozenset({R.COORDINATOR, R.SECRETARIAT}),
        after_meeting=True,
        body=_conversation,
    ),
    Action.CANCEL: Row(
        Status.SENT,
        "/cancel",
        frozenset({R.COORDINATOR, R.SECRETARIAT}),
        after_meeting=True,
        body=lambda c, r: {"reason": "Borgeren mødte ikke op."},
    ),
    Action.WRITE_ADVICE: Row(
        Status.HELD,
        "/advice",
        frozenset({R.COORDINATOR}),
        after_meeting=True,
        body=lambda c, r: {"text": "Praktikken kan gennemføres med pauser."},
    ),
    Action.CORRECT_ADVICE: Row(
        Status.ADVISED,
        "/advice",
        frozenset({R.COORDINATOR}),
        after_meeting=True,
        body=lambda c, r: {"text": "Rettet vurdering.", "correction_reason": "Stavefejl."},
    ),
    Action.RECORD_FILE_NOTE: Row(
        Status.HELD,
        "/file-note",
        HANDLERS,
        after_meeting=True,
        body=lambda c, r: {"text": "Aftalt: start kl. 10."},
    ),
    Action.DECIDE: Row(
        Status.ADVISED,
        "/decision",
        HANDLERS,
        after_meeting=True,
        body=lambda c, r: {"outcome": "unchanged", "text": "Tilbuddet fortsætter uændret."},
    ),
    Action.CLOSE: Row(Status.DECIDED, "/close", HANDLERS, after_meeting=True),
    # Handing on: the responsible person, or the manager of the case's municipality by scope.
    Action.REASSIGN: Row(
        Status.SENT,
        "/reassign",
        HANDLERS,
        by_scope=frozenset({R.MANAGER}),
        body=lambda c, r: {"responsible": CONFIG_NEXT[c.pk]},
    ),
    # A substitute coordinator of the region takes the item over; the one who has it cannot.
    Action.TAKE_OVER: Row(
        Status.SENT, "/take-over", frozenset(), by_scope=frozenset({R.COORDINATOR})
    ),
    # "a bisidder may be added": the citizen, or the caseworker for her, before the meeting.
    Action.SET_COMPANION: Row(
        Status.SCHEDULED,
        "/companion",
        HANDLERS | {R.CITIZEN},
        body=lambda c, r: {"name": "Hanne Hansen", "relation": "søster"},
    ),
    # The team's secretariat moves a case on an agenda to another meeting of the team.
    Action.MOVE: Row(
        Status.SCHEDULED,
        "/move",
        frozenset({R.SECRETARIAT}),
        body=lambda c, r: {"meeting": CONFIG_OTHER[c.pk]},
    ),
}
SENT_STATES = {Status.SENT, Status.HELD, Status.ADVISED, Status.DECIDED}

# Per case: the meeting, coordinator and next responsible its body names (filled when built).
CONFIG_MEETING: dict[int, int] = {}
CONFIG_COORD: dict[int, int] = {}
CONFIG_NEXT: dict[int, int] = {}
CONFIG_OTHER: dict[int, int] = {}


def expected(action: Action, username: str, config: str) -> tuple[int, str | None]:
    """The answer DESIGN gives, with the error code of a refusal."""
    row = ROWS[action]
    if not _visible(username, config, row.source in SENT_STATES):
        return 404, "not_found"
    on = ON_CASE.get(username, {}).get(config)
    role = ROLE[username]
    if action == Action.TAKE_OVER and on == R.COORDINATOR:
        return 422, None  # already theirs
    if on in row.actors or role in row.by_scope:
        return row.ok, None
    if role in row.actors:
        return 403, "not_on_case"
    return 403, "role_not_allowed"


@dataclass
class Config:
    citizen: Citizen
    cast: Cast
    meeting: Meeting
    next_responsible: User
    other: Meeting  # a second meeting of the team, to move a case to


@pytest.fixture
def configs(world) -> dict[str, Config]:
    users = world.users
    syddanmark = Region.objects.get(code="1083")
    vikar = User.objects.create_user(username="vikar", first_name="Vera", last_name="Vikar")
    grant_role(user=vikar, role=R.COORDINATOR, region=syddanmark)
    odense = world.team.municipality
    ole = citizen_services.create_citizen(
        actor=users["sagsbehandler"],
        cpr="0101901239",
        name="Ole Hansen",
        municipality=odense,
        course_start=dt.date(2026, 1, 5),
    )
    long_odense = meeting_services.create_meeting(
        actor=users["sekretariat"],
        team=world.team,
        starts_at=local(dt.date(2026, 12, 16), 8),
        ends_at=local(dt.date(2026, 12, 16), 16),
    )
    copenhagen = Municipality.objects.get(code="101")
    bo = citizen_services.create_citizen(
        actor=users["sagsbehandler2"],
        cpr="0202901236",
        name="Bo Jensen",
        municipality=copenhagen,
        course_start=dt.date(2026, 1, 5),
    )
    bo.user = users["borger2"]
    bo.save()
    kbh_broker = User.objects.create_user(username="kbh-jobformidler")
    grant_role(user=kbh_broker, role=R.JOB_BROKER, municipality=copenhagen)
    kbh_meeting = meeting_services.create_meeting(
        actor=users["sekretariat2"],
        team=RehabTeam.objects.get(municipality=copenhagen),
        starts_at=local(dt.date(2026, 12, 16), 8),
        ends_at=local(dt.date(2026, 12, 16), 16),
    )
    next_day = {
        secretary: meeting_services.create_meeting(
            actor=users[secretary],
            team=team,
            starts_at=local(dt.date(2026, 12, 17), 8),
            ends_at=local(dt.date(2026, 12, 17), 16),
        )
        for secretary, team in (
            ("sekretariat", world.team),
            ("sekretariat2", RehabTeam.objects.get(municipality=copenhagen)),
        )
    }
    return {
        "A": Config(
            world.citizen,
            Cast(users["sagsbehandler"], users["sekretariat"], users["koordinator"]),
            long_odense,
            users["jobformidler"],
            next_day["sekretariat"],
        ),
        "B": Config(
            ole,
            Cast(users["jobformidler"], users["sekretariat"], vikar),
            long_odense,
            users["sagsbehandler"],
            next_day["sekretariat"],
        ),
        "C": Config(
            bo,
            Cast(users["sagsbehandler2"], users["sekretariat2"], users["koordinator2"]),
            kbh_meeting,
            kbh_broker,
            next_day["sekretariat2"],
        ),
    }


def _build(config: Config, source: Status) -> Case:
    case = new_case(citizen=config.citizen, caseworker=config.cast.caseworker)
    target = Status.REQUESTED if source == Status.REQUESTED else source
    case = walk_case_to(case, target, cast=config.cast, meeting=config.meeting)
    if source == Status.REQUESTED:  # the case file complete, so that "complete" can pass
        for kind in (DocumentKind.ACTION_PLAN, DocumentKind.HEALTH_INFORMATION):
            services.add_document(
                actor=config.cast.caseworker,
                case_id=case.pk,
                kind=kind,
                filename="fil.pdf",
                content=SAMPLE_PDF,
            )
    CONFIG_MEETING[case.pk] = config.meeting.pk
    CONFIG_COORD[case.pk] = config.cast.coordinator.pk
    CONFIG_NEXT[case.pk] = config.next_responsible.pk
    CONFIG_OTHER[case.pk] = config.other.pk
    return Case.objects.get(pk=case.pk)


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    items = list(case.agenda_items.values_list("pk", "coordinator_id", "cancelled_at"))
    return (
        case.status,
        case.version,
        case.responsible_id,
        items,
        case.documents.count(),
        case.advice_versions.count(),
        CaseEvent.objects.filter(case=case).count(),
    )


def _call(api: Any, username: str, action: Action, case: Case) -> Any:
    row = ROWS[action]
    client = api(username)
    path = f"/cases/{case.pk}{row.path}"
    if action == Action.ADD_DOCUMENT:
        return client.client.post(
            f"/api/v1{path}",
            {"kind": "action_plan", "file": SimpleUploadedFile("plan.pdf", SAMPLE_PDF)},
            headers={"Authorization": f"Bearer {client.token}"},
        )
    body = row.body(case, ROLE[username])
    if action == Action.UPDATE:
        return client.patch(path, body)
    return client.post(path, body)


AFTER_MEETING = dt.datetime(2026, 12, 16, 15, 30, tzinfo=dt.UTC)  # 16:30 in Copenhagen


def test_every_action_has_a_row():
    # Opening a case acts on no case yet: who may do it is tested with the citizen's municipality
    # in cases/tests/test_services_drafting.py.
    assert set(ROWS) == set(Action) - {Action.CREATE}


@pytest.mark.parametrize("action", list(ROWS), ids=lambda a: str(a.value))
def test_every_user_on_in_scope_and_out_of_scope(action, configs, api):
    row = ROWS[action]
    tried = 0
    for name, config in configs.items():
        shared = _build(config, row.source)
        before = _snapshot(shared)
        for username in ROLE:
            status, code = expected(action, username, name)
            allowed = status in (200, 201)
            case = _build(config, row.source) if allowed else shared
            with clock.frozen(AFTER_MEETING if row.after_meeting else clock.now()):
                response = _call(api, username, action, case)
            where = f"{username} on case {name}: {response.content[:300]!r}"
            assert response.status_code == status, where
            if code is not None:
                assert response.json()["error"]["code"] == code, where
            if not allowed:
                assert _snapshot(shared) == before, f"{where} changed the case"
            tried += 1
    assert tried == 3 * len(ROLE)
