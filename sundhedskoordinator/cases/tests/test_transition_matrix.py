"""The procedure as a state × action × role matrix, written by hand from DESIGN sections 2, 3 and 6
(not read from the workflow table), driven cell by cell through the API.

Every cell is one POST of an action on a case in one state by one person:

- allowed → 200, the case in the state DESIGN names, one new event;
- out of the person's scope → 404 ``not_found`` (DESIGN section 2: not 403);
- a role the action does not name → 403 ``role_not_allowed``; the right role but not on the case
  → 403 ``not_on_case`` (DESIGN section 2: acting goes by assignment, not by role alone);
- the right person in the wrong state → 422 ``invalid_transition`` (DESIGN section 6: a failed
  guard answers 422 with a stable code, ``invalid_transition`` among them).

Who may act is asked before the state: someone who may not act learns nothing about what the case
would allow. On every refusal nothing changes: the case row, its events, agenda items, dispatches,
documents, conversations, advice, decision and notifications are compared before and after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.forms.models import model_to_dict

from conftest import ApiClient, local
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import DocumentKind, Status
from sundhedskoordinator.cases.models import (
    Advice,
    AgendaItem,
    Case,
    Conversation,
    Decision,
    Dispatch,
    Document,
)
from sundhedskoordinator.cases.walk import SAMPLE_PDF, new_case, walk_case_to
from sundhedskoordinator.cases.workflow import (
    ADVICE_ALREADY_SUBMITTED,
    INVALID_TRANSITION,
    NOT_ON_CASE,
    ROLE_NOT_ALLOWED,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.notifications.models import Notification
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Region, RoleMembership, User

pytestmark = pytest.mark.django_db

S = Status
OPEN_STATES = (S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED, S.SENT, S.HELD, S.ADVISED, S.DECIDED)
ALL_STATES = (*OPEN_STATES, S.CLOSED, S.WITHDRAWN, S.REJECTED)
#: DESIGN section 2: regional staff see a case only from the moment it is sent to them.
SENT_ONWARDS = frozenset({S.SENT, S.HELD, S.ADVISED, S.DECIDED, S.CLOSED})
EVERY_STATE = frozenset(ALL_STATES)
NO_STATE: frozenset[Status] = frozenset()

#: The moment the matrix acts: Wednesday 16 December 2026, 12:00 in Copenhagen, the day after
#: the conversation of 15 December (so a conversation can be recorded as held) and before the
#: dispatch deadline of the next meeting (so scheduling on it needs no reason).
ACT_AT = dt.datetime(2026, 12, 16, 11, 0, tzinfo=dt.UTC)


# --- Who is who -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """One column of the matrix: a user, the role they hold, the states in which the case is in
    their scope, and the states in which they are *on the case* (DESIGN section 2)."""

    role: str
    sees: frozenset[Status]
    on_case: frozenset[Status]


PEOPLE: dict[str, Person] = {
    # The responsible caseworker (the walk makes her the attendee too).
    "sagsbehandler": Person(Role.CASEWORKER, EVERY_STATE, EVERY_STATE),
    # A job broker of the same municipality who is neither responsible nor attending.
    "jobformidler": Person(Role.JOB_BROKER, EVERY_STATE, NO_STATE),
    # The secretariat of the citizen's rehab team.
    "sekretariat": Person(Role.SECRETARIAT, EVERY_STATE, EVERY_STATE),
    # The coordinator of the case's agenda item; she sees the case once it is sent.
    "koordinator": Person(Role.COORDINATOR, SENT_ONWARDS, SENT_ONWARDS),
    # Another coordinator of the same region: a possible substitute, not on the case.
    "vikar": Person(Role.COORDINATOR, SENT_ONWARDS, NO_STATE),
    # Klinisk Funktion of the region.
    "klinisk": Person(Role.CLINICAL_ADMIN, SENT_ONWARDS, NO_STATE),
    # The manager of the case's municipality (the rehab team's leader).
    "leder": Person(Role.MANAGER, EVERY_STATE, NO_STATE),
    # The citizen herself.
    "borger": Person(Role.CITIZEN, EVERY_STATE, EVERY_STATE),
    # Out of scope: another municipality, another region, the system administrator.
    "sagsbehandler2": Person(Role.CASEWORKER, NO_STATE, NO_STATE),
    "koordinator2": Person(Role.COORDINATOR, NO_STATE, NO_STATE),
    "admin": Person(Role.ADMIN, NO_STATE, NO_STATE),
}


# --- What each action allows (DESIGN sections 2 and 3) ---------------------------------------
@dataclass(frozen=True)
class Rule:
    """An action: the roles that take it when on the case, the roles that take it by scope
    alone, and from which state it leads to which."""

    roles: frozenset[str]
    moves: dict[Status, Status]
    by_scope: frozenset[str] = frozenset()


HANDLERS = frozenset({Role.CASEWORKER, Role.JOB_BROKER})

RULES: dict[str, Rule] = {
    # "submit (citizen, or caseworker on the citizen's behalf)": draft → requested.
    "submit": Rule(HANDLERS | {Role.CITIZEN}, {S.DRAFT: S.REQUESTED}),
    # The caseworker completes the case file: requested → ready.
    "complete": Rule(HANDLERS, {S.REQUESTED: S.READY}),
    # "schedule (secretariat)": ready → scheduled; unschedule takes it off again.
    "schedule": Rule(frozenset({Role.SECRETARIAT}), {S.READY: S.SCHEDULED}),
    "unschedule": Rule(frozenset({Role.SECRETARIAT}), {S.SCHEDULED: S.READY}),
    # "dispatch (secretariat)": scheduled → sent.
    "dispatch": Rule(frozenset({Role.SECRETARIAT}), {S.SCHEDULED: S.SENT}),
    # "hold_conversation / cancel (coordinator or secretariat)": sent → held, or back to ready.
    "hold-conversation": Rule(frozenset({Role.COORDINATOR, Role.SECRETARIAT}), {S.SENT: S.HELD}),
    "cancel": Rule(frozenset({Role.COORDINATOR, Role.SECRETARIAT}), {S.SENT: S.READY}),
    # "write_advice (coordinator)": held → advised.
    "advice": Rule(frozenset({Role.COORDINATOR}), {S.HELD: S.ADVISED}),
    # DESIGN section 4, file note: the caseworker's note of what was agreed, once the
    # conversation is held and while the case is open.
    "file-note": Rule(HANDLERS, {S.HELD: S.HELD, S.ADVISED: S.ADVISED, S.DECIDED: S.DECIDED}),
    # "decide (caseworker/job broker)": advised → decided; close archives it.
    "decision": Rule(HANDLERS, {S.ADVISED: S.DECIDED}),
    "close": Rule(HANDLERS, {S.DECIDED: S.CLOSED}),
    # The citizen (or the caseworker for her) withdraws at any time before the decision
    # (issue 16, point 5: also after the package is sent, so no case is stuck).
    "withdraw": Rule(
        HANDLERS | {Role.CITIZEN},
        {
            s: S.WITHDRAWN
            for s in (S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED, S.SENT, S.HELD, S.ADVISED)
        },
    ),
    # The team's secretariat moves a case on an agenda, sent or not, to another meeting, where
    # it waits to be sent (issue 16, points 1 and 5).
    "move": Rule(frozenset({Role.SECRETARIAT}), {S.SCHEDULED: S.SCHEDULED, S.SENT: S.SCHEDULED}),
    # The municipality refuses a request, also once it is ready for a meeting (the diagram's
    # withdraw/reject arrow reaches "ready"; a ressourceforløb may end meanwhile): → rejected.
    "reject": Rule(HANDLERS, {S.REQUESTED: S.REJECTED, S.READY: S.REJECTED}),
    # "reassign by the responsible caseworker or the team's manager", while the case is open.
    "reassign": Rule(HANDLERS, {s: s for s in OPEN_STATES}, by_scope=frozenset({Role.MANAGER})),
    # "a coordinator's substitute overtager the item": a coordinator of the region, by scope,
    # from dispatch until the case is closed.
    "take-over": Rule(
        frozenset(),
        {s: s for s in (S.SENT, S.HELD, S.ADVISED, S.DECIDED)},
        by_scope=frozenset({Role.COORDINATOR}),
    ),
    # "a bisidder may be added" (schedule): the citizen, or her caseworker for her, names the
    # companion while the case has a time and before the conversation.
    "companion": Rule(HANDLERS | {Role.CITIZEN}, {S.SCHEDULED: S.SCHEDULED, S.SENT: S.SENT}),
}


def expected(action: str, state: Status, username: str) -> tuple[int, str]:
    """The answer DESIGN gives for one cell: (200, target state) or (status, error code)."""
    person, rule = PEOPLE[username], RULES[action]
    if state not in person.sees:
        return 404, "not_found"
    on_case = state in person.on_case
    acts = (person.role in rule.roles and on_case) or person.role in rule.by_scope
    if not acts:
        return 403, NOT_ON_CASE if person.role in rule.roles else ROLE_NOT_ALLOWED
    if action == "take-over" and on_case:
        return 422, INVALID_TRANSITION  # the item's own coordinator has nothing to take over
    if action == "advice" and state in (S.ADVISED, S.DECIDED):
        # Submitted advice is immutable: writing it again without a reason is refused.
        return 422, ADVICE_ALREADY_SUBMITTED
    if state not in rule.moves:
        return 422, INVALID_TRANSITION
    if action == "companion":
        # The matrix acts the day after the conversation's time: too late to name a companion
        # (the allowed cells before it are driven in cases/tests/test_companion.py).
        return 422, INVALID_TRANSITION
    return 200, rule.moves[state]


CELLS = [
    (action, state, username) for action in RULES for state in ALL_STATES for username in PEOPLE
]
ALLOWED = [cell for cell in CELLS if expected(*cell)[0] == 200]


def test_the_matrix_has_every_action_endpoint_of_the_api(api):
    """A new action endpoint without a row here fails, so no action escapes the matrix."""
    paths = api("sagsbehandler").get("/openapi.json").json()["paths"]
    prefix = "/api/v1/cases/{case_id}/"
    routes = {
        path.removeprefix(prefix)
        for path, operations in paths.items()
        if path.startswith(prefix) and "post" in operations
    }
    assert routes - {"documents"} == set(RULES)


def test_the_matrix_counts():
    """The hand count of the table above: what the matrix drives."""
    assert len(CELLS) == 17 * 11 * 11
    by_action: dict[str, int] = {}
    for action, _state, _username in ALLOWED:
        by_action[action] = by_action.get(action, 0) + 1
    assert by_action == {
        "submit": 2,  # caseworker, citizen
        "complete": 1,
        "schedule": 1,
        "unschedule": 1,
        "dispatch": 1,
        "hold-conversation": 2,  # coordinator, secretariat
        "cancel": 2,
        "advice": 1,
        "file-note": 3,  # held, advised, decided
        "decision": 1,
        "close": 1,
        "withdraw": 14,  # seven states × caseworker, citizen
        "move": 2,  # scheduled, sent × secretariat
        "reject": 2,  # requested, ready
        "reassign": 16,  # eight open states × responsible caseworker, manager
        "take-over": 4,  # four states × the substitute
        # companion: none at the matrix's moment, after the conversation's time
    }


# --- Driving the cells ----------------------------------------------------------------------
@pytest.fixture
def matrix(world, api):
    """The world, a substitute coordinator of the region, a later meeting to schedule on, and
    an API client per person."""
    vikar = User.objects.create_user(username="vikar", first_name="Vera", last_name="Vikar")
    RoleMembership.objects.create(
        user=vikar, role=Role.COORDINATOR, region=Region.objects.get(code="1083")
    )
    later = meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(dt.date(2027, 1, 12), 9),
        ends_at=local(dt.date(2027, 1, 12), 12),
    )
    clients = {name: api(name) for name in PEOPLE if name != "vikar"}
    clients["vikar"] = ApiClient(vikar)
    return world, later, clients


def _case_in(world: Any, state: Status) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    case = walk_case_to(case, state, cast=world.cast, meeting=world.meeting)
    if state == S.REQUESTED:  # a complete case file, so that completing it is up to the people
        for kind in (DocumentKind.ACTION_PLAN, DocumentKind.HEALTH_INFORMATION):
            services.add_document(
                actor=world.users["sagsbehandler"],
                case_id=case.pk,
                kind=kind,
                filename=f"{kind}.pdf",
                content=SAMPLE_PDF,
            )
    return case


def _body(action: str, world: Any, later: Any) -> dict[str, Any]:
    """A body the action accepts when it is allowed, so that a refusal is about who and when."""
    return {
        "submit": {"channel": "meeting"},
        "schedule": {"meeting": later.pk, "coordinator": world.users["koordinator"].pk},
        "unschedule": {"reason": "Sagen flyttes til et senere møde."},
        "hold-conversation": {
            "started_at": local(dt.date(2026, 12, 15), 9).isoformat(),
            "ended_at": local(dt.date(2026, 12, 15), 9, 30).isoformat(),
        },
        "cancel": {"reason": "Borgeren udeblev."},
        "advice": {"text": "Praktikken kan gennemføres med pauser.", "accommodations": "Pauser."},
        "file-note": {"text": "Aftalt: start kl. 10 og ingen løft over 5 kg."},
        "decision": {"outcome": "unchanged", "text": "Praktikken fastholdes efter rådgivningen."},
        "withdraw": {"reason": "Borgeren ønsker ikke at gå videre."},
        "move": {"meeting": later.pk},
        "reject": {"reason": "Borgerens ressourceforløb er ophørt.", "reason_code": "other"},
        "reassign": {"responsible": world.users["jobformidler"].pk},
        "companion": {"name": "Hanne Hansen", "relation": "søster"},
    }.get(action, {})


def _rows(queryset: Any) -> list[dict[str, Any]]:
    return [model_to_dict(obj) for obj in queryset.order_by("pk")]


def snapshot(case_id: int) -> dict[str, Any]:
    """Everything an action could write about a case."""
    return {
        "case": _rows(Case.objects.filter(pk=case_id)),
        "events": _rows(CaseEvent.objects.filter(case_id=case_id)),
        "agenda_items": _rows(AgendaItem.objects.filter(case_id=case_id)),
        "dispatches": _rows(Dispatch.objects.filter(case_id=case_id)),
        "documents": _rows(Document.objects.filter(case_id=case_id)),
        "conversations": _rows(Conversation.objects.filter(case_id=case_id)),
        "advice": _rows(Advice.objects.filter(case_id=case_id)),
        "decision": _rows(Decision.objects.filter(case_id=case_id)),
        "notifications": _rows(Notification.objects.filter(case_id=case_id)),
    }


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_forbidden_cell_is_refused_and_changes_nothing(matrix, state):
    world, later, clients = matrix
    case = _case_in(world, state)
    refused = [(a, s, u) for a, s, u in CELLS if s == state and expected(a, s, u)[0] != 200]
    wrong = []
    with clock.frozen(ACT_AT):
        before = snapshot(case.pk)
        for action, _state, username in refused:
            status, code = expected(action, state, username)
            response = clients[username].post(
                f"/cases/{case.pk}/{action}", _body(action, world, later)
            )
            got = (response.status_code, response.json().get("error", {}).get("code"))
            if got != (status, code):
                wrong.append(f"{action} by {username} in {state}: {got}, not {status} {code}")
            if snapshot(case.pk) != before:
                wrong.append(f"{action} by {username} in {state} changed the case")
                before = snapshot(case.pk)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("action", "state", "username"), ALLOWED)
def test_every_allowed_cell_moves_the_case_as_design_says(matrix, action, state, username):
    world, later, clients = matrix
    case = _case_in(world, state)
    target = expected(action, state, username)[1]
    with clock.frozen(ACT_AT):
        events_before = CaseEvent.objects.filter(case=case).count()
        response = clients[username].post(f"/cases/{case.pk}/{action}", _body(action, world, later))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == target
    case.refresh_from_db()
    assert case.status == target
    new_events = CaseEvent.objects.filter(case=case).order_by("pk")[events_before:]
    assert [(e.actor_id, e.from_state, e.to_state) for e in new_events] == [
        (User.objects.get(username=username).pk, state, target)
    ]
