"""The transition table itself: complete, consistent with DESIGN section 3."""

from sundhedskoordinator.cases.choices import TERMINAL_STATES, Action, Status
from sundhedskoordinator.cases.workflow import TRANSITIONS, available_actions
from sundhedskoordinator.organisations.choices import Role


def test_every_action_has_one_entry_with_roles_and_an_event():
    assert set(TRANSITIONS) == set(Action)
    for action, transition in TRANSITIONS.items():
        assert transition.action == action
        assert transition.roles or transition.by_scope, action
        assert transition.sources, action


def test_terminal_states_have_no_way_out():
    for transition in TRANSITIONS.values():
        assert not transition.sources & TERMINAL_STATES


def test_every_state_but_draft_is_reached_by_some_transition():
    targets = {t.target for t in TRANSITIONS.values() if t.target}
    assert targets == set(Status) - {Status.DRAFT}


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
    for action, transition in TRANSITIONS.items():
        if action not in (Action.REASSIGN, Action.TAKE_OVER):
            assert not transition.by_scope, action
        assert Role.CLINICAL_ADMIN not in transition.roles


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
