"""The transition table itself: complete, consistent with DESIGN section 3."""

import pytest

from sundhedskoordinator.audit.models import EventKind
from sundhedskoordinator.cases.choices import TERMINAL_STATES, Action, Status
from sundhedskoordinator.cases.workflow import (
    PREREQUISITES_MISSING,
    TRANSITIONS,
    Missing,
    Transition,
    available_actions,
    run_guards,
)
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.organisations.choices import Role


def test_every_action_has_one_entry_with_roles_and_an_event():
    assert set(TRANSITIONS) == set(Action)
    for action, transition in TRANSITIONS.items():
        assert transition.action == action
        assert transition.roles or transition.by_scope, action
        # Only opening a case starts from no state.
        assert bool(transition.sources) is (action != Action.CREATE), action


def test_terminal_states_have_no_way_out():
    for transition in TRANSITIONS.values():
        assert not transition.sources & TERMINAL_STATES


def test_every_state_is_reached_by_some_transition():
    targets = {t.target for t in TRANSITIONS.values() if t.target}
    assert targets == set(Status)
    assert TRANSITIONS[Action.CREATE].target == Status.DRAFT


def test_roles_follow_design_section_3():
    assert TRANSITIONS[Action.SUBMIT].roles == {Role.CITIZEN, Role.CASEWORKER, Role.JOB_BROKER}
    assert TRANSITIONS[Action.SCHEDULE].roles == {Role.SECRETARIAT}
    assert TRANSITIONS[Action.DISPATCH].roles == {Role.SECRETARIAT}
    assert TRANSITIONS[Action.HOLD_CONVERSATION].roles == {Role.COORDINATOR, Role.SECRETARIAT}
    assert TRANSITIONS[Action.CANCEL].roles == {Role.COORDINATOR, Role.SECRETARIAT}
    assert TRANSITIONS[Action.WRITE_ADVICE].roles == {Role.COORDINATOR}
    assert TRANSITIONS[Action.DECIDE].roles == {Role.CASEWORKER, Role.JOB_BROKER}
    for transition in TRANSITIONS.values():
        assert Role.ADMIN not in transition.roles
        assert Role.MANAGER not in transition.roles  # managers only read, and hand cases on
    assert TRANSITIONS[Action.REASSIGN].by_scope == {Role.MANAGER}
    assert TRANSITIONS[Action.TAKE_OVER].by_scope == {Role.COORDINATOR}
    # A caseworker or job broker of the citizen's municipality opens a case (procedure item 4).
    assert TRANSITIONS[Action.CREATE].by_scope == {Role.CASEWORKER, Role.JOB_BROKER}
    for action, transition in TRANSITIONS.items():
        if action not in (Action.REASSIGN, Action.TAKE_OVER, Action.CREATE):
            assert not transition.by_scope, action
        assert Role.CLINICAL_ADMIN not in transition.roles


S = Status
OPEN = {S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED, S.SENT, S.HELD, S.ADVISED, S.DECIDED}

#: Each action's source states and target, written by hand from DESIGN section 3 (None: the case
#: keeps its state).
MOVES: dict[Action, tuple[set[Status], Status | None]] = {
    # A case begins as a draft (DESIGN section 3).
    Action.CREATE: (set(), S.DRAFT),
    Action.SUBMIT: ({S.DRAFT}, S.REQUESTED),
    Action.COMPLETE: ({S.REQUESTED}, S.READY),
    Action.SCHEDULE: ({S.READY}, S.SCHEDULED),
    Action.UNSCHEDULE: ({S.SCHEDULED}, S.READY),
    Action.DISPATCH: ({S.SCHEDULED}, S.SENT),
    Action.HOLD_CONVERSATION: ({S.SENT}, S.HELD),
    # A no-show or a rescheduling at the meeting returns the case to ready.
    Action.CANCEL: ({S.SENT}, S.READY),
    Action.WRITE_ADVICE: ({S.HELD}, S.ADVISED),
    Action.DECIDE: ({S.ADVISED}, S.DECIDED),
    Action.CLOSE: ({S.DECIDED}, S.CLOSED),
    # Withdrawal is possible until the decision (issue 16: the citizen withdraws after dispatch;
    # no case is stuck without a way to an end).
    Action.WITHDRAW: (
        {S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED, S.SENT, S.HELD, S.ADVISED},
        S.WITHDRAWN,
    ),
    # A request is refused while it waits for its meeting (the diagram's reject edge reaches
    # "ready"; a ressourceforløb may end meanwhile).
    Action.REJECT: ({S.REQUESTED, S.READY}, S.REJECTED),
    # The offer and the citizen's description change until the case file is complete.
    Action.UPDATE: ({S.DRAFT, S.REQUESTED}, None),
    # Documents join the case file until the package is frozen and sent.
    Action.ADD_DOCUMENT: ({S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED}, None),
    # The caseworker's note of what was agreed, once the conversation is held (DESIGN section 4).
    Action.RECORD_FILE_NOTE: ({S.HELD, S.ADVISED, S.DECIDED}, None),
    # Submitted advice is immutable; a correction is a new version, while the case is open.
    Action.CORRECT_ADVICE: ({S.ADVISED, S.DECIDED}, None),
    # A case is handed on at any point while it is open (DESIGN section 2).
    Action.REASSIGN: (OPEN, None),
    # The coordinator's part runs from dispatch until the case closes.
    Action.TAKE_OVER: ({S.SENT, S.HELD, S.ADVISED, S.DECIDED}, None),
    # "a bisidder may be added" while the case has a time on an agenda.
    Action.SET_COMPANION: ({S.SCHEDULED, S.SENT}, None),
    # A case on an agenda, sent or not, moves to another meeting and waits to be sent there.
    Action.MOVE: ({S.SCHEDULED, S.SENT}, S.SCHEDULED),
}

#: The roles that take each action when on the case (DESIGN sections 2 and 3).
HANDLERS = {Role.CASEWORKER, Role.JOB_BROKER}
ROLES: dict[Action, set[Role]] = {
    Action.CREATE: set(),  # by scope: nobody is on a case before it exists
    Action.SUBMIT: {*HANDLERS, Role.CITIZEN},
    Action.COMPLETE: HANDLERS,
    Action.SCHEDULE: {Role.SECRETARIAT},
    Action.UNSCHEDULE: {Role.SECRETARIAT},
    Action.DISPATCH: {Role.SECRETARIAT},
    Action.HOLD_CONVERSATION: {Role.COORDINATOR, Role.SECRETARIAT},
    Action.CANCEL: {Role.COORDINATOR, Role.SECRETARIAT},
    Action.WRITE_ADVICE: {Role.COORDINATOR},
    Action.CORRECT_ADVICE: {Role.COORDINATOR},
    Action.DECIDE: HANDLERS,
    Action.CLOSE: HANDLERS,
    Action.WITHDRAW: {*HANDLERS, Role.CITIZEN},
    Action.REJECT: HANDLERS,
    Action.UPDATE: {*HANDLERS, Role.CITIZEN},
    Action.ADD_DOCUMENT: HANDLERS,
    Action.RECORD_FILE_NOTE: HANDLERS,
    Action.REASSIGN: HANDLERS,
    Action.TAKE_OVER: set(),
    Action.SET_COMPANION: {*HANDLERS, Role.CITIZEN},
    Action.MOVE: {Role.SECRETARIAT},
}


@pytest.mark.parametrize("action", list(Action))
def test_each_action_starts_only_from_the_states_design_names(action):
    sources, target = MOVES[action]
    assert TRANSITIONS[action].sources == sources
    assert TRANSITIONS[action].target == target


@pytest.mark.parametrize("action", list(Action))
def test_each_action_is_taken_by_the_roles_design_names(action):
    assert TRANSITIONS[action].roles == ROLES[action]


def test_no_action_leads_out_of_a_sent_package_but_forward_back_or_to_withdrawal():
    """Once the coordinator has the package, the case is not rejected: it is held, cancelled
    back to ready, moved to another meeting, withdrawn by the citizen, or goes on to a
    decision."""
    after_sent = {S.SENT, S.HELD, S.ADVISED, S.DECIDED}
    leaving = {t.target for t in TRANSITIONS.values() if t.target and t.sources & after_sent}
    assert leaving == {S.HELD, S.READY, S.SCHEDULED, S.ADVISED, S.DECIDED, S.CLOSED, S.WITHDRAWN}


def test_every_open_state_has_a_way_to_an_end():
    """Issue 16, point 5: from every open state some action leads, step by step, to closed,
    withdrawn or rejected."""
    ends = {S.CLOSED, S.WITHDRAWN, S.REJECTED}
    reach = set(ends)
    changed = True
    while changed:
        changed = False
        for t in TRANSITIONS.values():
            for source in t.sources:
                if t.target in reach and source not in reach:
                    reach.add(source)
                    changed = True
    assert reach >= OPEN


def test_cancel_and_unschedule_return_the_case_to_ready():
    assert TRANSITIONS[Action.CANCEL].target == Status.READY
    assert TRANSITIONS[Action.UNSCHEDULE].target == Status.READY


def test_available_actions_depend_on_state_and_role():
    class Stub:
        status = Status.DRAFT

    citizen = [Role.CITIZEN]
    assert set(available_actions(Stub(), citizen, citizen)) == {"update", "submit", "withdraw"}
    assert available_actions(Stub(), [Role.SECRETARIAT], [Role.SECRETARIAT]) == []
    # In scope but not on the case: nothing, but the manager's hand-over by scope.
    assert available_actions(Stub(), [Role.CASEWORKER], []) == []
    assert available_actions(Stub(), [Role.MANAGER], []) == ["reassign"]


def test_each_guard_answers_with_its_own_message():
    """A cancelled conversation is asked for the reason for the cancellation, not for a rejection
    (the two guards used to share one message)."""
    from sundhedskoordinator.cases.workflow import (
        CANCEL_REASON_MISSING,
        REJECT_REASON_MISSING,
        cancellation_has_reason,
        rejection_has_reason,
    )

    class Stub:
        status = Status.SENT

    [cancel] = cancellation_has_reason(Stub(), {"reason": "  ", "reason_code": "other"})
    [reject] = rejection_has_reason(Stub(), {"reason": ""})
    assert (cancel.field, reject.field) == ("reason", "reason")
    assert str(cancel.message) == str(CANCEL_REASON_MISSING)
    assert str(reject.message) == str(REJECT_REASON_MISSING)
    assert str(CANCEL_REASON_MISSING) != str(REJECT_REASON_MISSING)
    assert cancellation_has_reason in TRANSITIONS[Action.CANCEL].guards
    assert rejection_has_reason not in TRANSITIONS[Action.CANCEL].guards
    assert (
        cancellation_has_reason(Stub(), {"reason": "Borgeren var syg", "reason_code": "other"})
        == []
    )
    # A fixed reason needs no text; an unknown code is refused.
    assert cancellation_has_reason(Stub(), {"reason": "", "reason_code": "citizen_absent"}) == []
    [unknown] = cancellation_has_reason(Stub(), {"reason": "x", "reason_code": "ferie"})
    assert unknown.field == "reason_code"


def test_all_missing_parts_are_refused_at_once_per_field_and_in_one_message():
    """Every guard runs; parts of one field are told together at that field, the whole message
    names every part in order, and several kinds of refusal answer with the general code."""

    def first(case, params):
        return [Missing("code_a", "x", "Første."), Missing("code_b", "x", "Anden.")]

    def second(case, params):
        return [Missing("code_a", "y", "Tredje.")]

    def only_a(case, params):
        return [Missing("code_a", "x", "Første.")]

    def transition(*guards):
        return Transition(
            Action.SUBMIT, frozenset(), None, frozenset(), EventKind.CASE_SUBMITTED, guards
        )

    with pytest.raises(DomainError) as refused:
        run_guards(transition(first, second), None, {})
    assert refused.value.code == PREREQUISITES_MISSING
    assert refused.value.fields == {"x": "Første. Anden.", "y": "Tredje."}
    assert refused.value.message == "Første. Anden. Tredje."
    with pytest.raises(DomainError) as one_kind:
        run_guards(transition(only_a, only_a), None, {})
    assert one_kind.value.code == "code_a"
    assert one_kind.value.fields == {"x": "Første. Første."}
    run_guards(transition(), None, {})  # no guard, nothing missing: no refusal
