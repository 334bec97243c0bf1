"""Every write to a case: one service per action of the transition table (``workflow.py``).

Each service has the same shape: one durable transaction -> lock the case and check its version
-> find the actor's role and check the state (``workflow``) -> run the guards -> write -> bump the
version -> append one audit event. A refused action raises ``DomainError`` and writes nothing.

The services are split by phase: ``drafting``, ``scheduling``, ``rescheduling``, ``conversation``,
``outcome`` and ``retention``, with what they share in ``common``; this package names them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sundhedskoordinator.cases.choices import Action
from sundhedskoordinator.organisations.models import User

from .common import (
    GUIDANCE_MISSING,
    Result,
    Warning,
    together,
)
from .conversation import (
    cancel_conversation,
    hold_conversation,
    record_file_note,
    save_advice_draft,
    write_advice,
)
from .drafting import (
    add_document,
    complete_case,
    create_case,
    reassign_case,
    submit_case,
    update_case,
)
from .outcome import (
    close_case,
    decide_case,
    offer_is_on_hold,
    preview_decision_letter,
    reject_case,
    withdraw_case,
)
from .rescheduling import (
    cancel_meeting,
    change_meeting,
    move_case,
    reorder_item,
)
from .retention import (
    anonymise_case,
)
from .scheduling import (
    dispatch_meeting,
    dispatch_package,
    package_snapshot,
    schedule_case,
    set_companion,
    take_over_item,
    unschedule_case,
)

__all__ = [
    "ACTION_SERVICES",
    "GUIDANCE_MISSING",
    "Result",
    "Warning",
    "together",
    "add_document",
    "anonymise_case",
    "cancel_conversation",
    "cancel_meeting",
    "change_meeting",
    "move_case",
    "reorder_item",
    "close_case",
    "complete_case",
    "create_case",
    "decide_case",
    "preview_decision_letter",
    "dispatch_meeting",
    "dispatch_package",
    "hold_conversation",
    "offer_is_on_hold",
    "package_snapshot",
    "reassign_case",
    "record_file_note",
    "reject_case",
    "run_action",
    "save_advice_draft",
    "schedule_case",
    "set_companion",
    "submit_case",
    "take_over_item",
    "unschedule_case",
    "update_case",
    "withdraw_case",
    "write_advice",
]

#: The service that carries out each action of the transition table: the one place where an
#: action's name meets its service's (``dispatch`` is ``dispatch_package``, ``decide`` is
#: ``decide_case``). The API paths are mapped in ``api/cases.py``, the events in the table.
ACTION_SERVICES: dict[Action, Callable[..., Any]] = {
    Action.CREATE: create_case,
    Action.SUBMIT: submit_case,
    Action.COMPLETE: complete_case,
    Action.SCHEDULE: schedule_case,
    Action.UNSCHEDULE: unschedule_case,
    Action.DISPATCH: dispatch_package,
    Action.HOLD_CONVERSATION: hold_conversation,
    Action.CANCEL: cancel_conversation,
    Action.WRITE_ADVICE: write_advice,
    Action.CORRECT_ADVICE: write_advice,
    Action.DECIDE: decide_case,
    Action.CLOSE: close_case,
    Action.WITHDRAW: withdraw_case,
    Action.REJECT: reject_case,
    Action.UPDATE: update_case,
    Action.ADD_DOCUMENT: add_document,
    Action.RECORD_FILE_NOTE: record_file_note,
    Action.REASSIGN: reassign_case,
    Action.TAKE_OVER: take_over_item,
    Action.SET_COMPANION: set_companion,
    Action.MOVE: move_case,
}


def run_action(
    action: Action,
    *,
    actor: User,
    case_id: int,
    expected_version: int | None = None,
    **inputs: Any,
) -> Any:
    """Carry out ``action`` on the case through its service (``ACTION_SERVICES``), with the
    action's own inputs; the page forms and the API endpoints call this. An upload takes no
    version: a new file adds a version of its own and changes nothing the caller saw."""
    if expected_version is not None:
        inputs["expected_version"] = expected_version
    return ACTION_SERVICES[action](actor=actor, case_id=case_id, **inputs)
