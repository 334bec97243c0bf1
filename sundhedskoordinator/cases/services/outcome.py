"""The municipality's decision, closing, withdrawal and rejection of a case, and whether the
offer is on hold meanwhile."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sundhedskoordinator.cases import citizen_post, letter_data, limits, workflow
from sundhedskoordinator.cases.appointments import item_invitation
from sundhedskoordinator.cases.choices import (
    OFFER_ON_HOLD_STATES,
    OUTCOME_OFFER_CHANGE,
    Action,
    DocumentKind,
    Outcome,
    RejectionReason,
    Status,
)
from sundhedskoordinator.cases.limits import check_lengths
from sundhedskoordinator.cases.models import AdviceDraft, Case, Decision, OfferVersion
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import letters
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.notifications.models import NotificationKind
from sundhedskoordinator.notifications.services import notify
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.post.choices import LetterKind

from .common import (
    _active_item,
    _authorise,
    _cancel_item,
    _case_refusals_logged,
    _coordinator_if_sent,
    _finish,
    _found,
    _in_scope,
    _issue,
    _lock,
    _save_offer,
    current_offer_values,
    offer_values,
)


def _decision_inputs(
    case: Case, outcome: str, text: str, offer: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Check the decision's inputs against the case (the table's guards) and give the offer's
    values after the decision (None when the offer is kept)."""
    values = offer_values(offer) if offer is not None else None
    current = current_offer_values(case)
    if values is not None and current is not None:
        values = {**current, **values}
    transition = workflow.TRANSITIONS[Action.DECIDE]
    workflow.run_guards(
        transition,
        case,
        {
            "text": text,
            "outcome": outcome,
            "offer": values,
            "current": current,
            "today": clock.today(),
        },
    )
    return values if outcome != Outcome.UNCHANGED else None


def _check_decision_input(outcome: str, text: str, offer: dict[str, Any] | None) -> None:
    if outcome not in Outcome.values:
        raise DomainError(
            workflow.INVALID_INPUT,
            _("Vælg en stillingtagen."),
            fields={"outcome": _("Vælg tilpas, andet tilbud eller fastholdt.")},
        )
    check_lengths(
        {
            "text": (text, limits.DECISION),
            "offer.content": ((offer or {}).get("content"), limits.OFFER_TEXT),
            "offer.demands": ((offer or {}).get("demands"), limits.OFFER_TEXT),
        }
    )


@_case_refusals_logged
@letters.rendered_first
def decide_case(
    *,
    actor: User,
    case_id: int,
    outcome: str,
    text: str,
    offer: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Adjust the offer, start another, or keep it, with reasons (regional procedure item 7).
    An adjusted or other offer is recorded as the offer's next version and linked from the
    decision; the letter to the citizen describes it. The offer is no longer on hold."""
    _check_decision_input(outcome, text, offer)
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.DECIDE, actor)
        values = _decision_inputs(case, outcome, text, offer)
        version = (
            _save_offer(case, values, OUTCOME_OFFER_CHANGE[Outcome(outcome)], actor)
            if values is not None
            else None
        )
        decision = Decision.objects.create(
            case=case,
            outcome=outcome,
            text=text,
            decided_at=clock.now(),
            decided_by=actor,
            offer_version=version,
        )
        letter = letters.decision_letter(letter_data.decision_letter(decision))
        _issue(case, DocumentKind.DECISION_LETTER, letter, actor)
        citizen_post.decision(case, letter, actor)
        notify(users=[case.citizen.user], kind=NotificationKind.DECISION, case=case)
        data: dict[str, Any] = {"outcome": outcome}
        if version is not None:
            data["offer_version"] = version.version
        return _finish(case, transition, actor, role, data=data, offer_on_hold=False)


@_case_refusals_logged
def preview_decision_letter(
    *, actor: User, case_id: int, outcome: str, text: str, offer: dict[str, Any] | None = None
) -> letters.DecisionLetter:
    """The letter the decision would send, for the caseworker to read before deciding: the same
    checks as ``decide_case``, and nothing is written."""
    _check_decision_input(outcome, text, offer)
    case = _found(
        _in_scope(actor, case_id)
        .select_related("citizen", "municipality__region", "offer")
        .first(),
        actor,
    )
    _authorise(case, Action.DECIDE, actor)
    values = _decision_inputs(case, outcome, text, offer)
    version = (
        OfferVersion(case=case, change=OUTCOME_OFFER_CHANGE[Outcome(outcome)], **values)
        if values is not None
        else None
    )
    decision = Decision(
        case=case,
        outcome=outcome,
        text=text,
        decided_at=clock.now(),
        decided_by=actor,
        offer_version=version,
    )
    return letter_data.decision_letter(decision)


@_case_refusals_logged
def close_case(*, actor: User, case_id: int, expected_version: int | None = None) -> Case:
    """Archive the decided case."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.CLOSE, actor)
        return _finish(case, transition, actor, role, closed_at=clock.now())


@_case_refusals_logged
@letters.rendered_first
def withdraw_case(
    *, actor: User, case_id: int, reason: str = "", expected_version: int | None = None
) -> Case:
    """The citizen (or the caseworker for them) withdraws the request at any time before the
    decision. A conversation still to come is cancelled (reason: the citizen withdrew) and its
    participants are told; once the package was sent, the region may bill the cancellation
    (``billing``)."""
    check_lengths({"reason": (reason, limits.REASON)})
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.WITHDRAW, actor)
        if case.status in (Status.SCHEDULED, Status.SENT):
            item = _active_item(case)
            _cancel_item(item, CancelCode.CITIZEN_WITHDREW, reason)
            notify(
                users=[*_coordinator_if_sent(case, item), item.attendee, case.citizen.user],
                kind=NotificationKind.CANCELLED,
                case=case,
                calendar=item_invitation(item),
            )
            citizen_post.appointment(
                case, item, LetterKind.CANCELLED, actor, CancelCode.CITIZEN_WITHDREW.label
            )
        # No advice will follow: an unfinished draft (health content) goes.
        AdviceDraft.objects.filter(case=case).delete()
        if case.status in (Status.HELD, Status.ADVISED):
            # After the conversation the coordinator hears that no advice or decision follows.
            held = case.agenda_items.filter(cancelled_at__isnull=True).first()
            notify(
                users=[held.coordinator] if held else [],
                kind=NotificationKind.WITHDRAWN,
                case=case,
            )
        return _finish(
            case,
            transition,
            actor,
            role,
            closed_at=clock.now(),
            end_reason=reason,
            offer_on_hold=False,
        )


@_case_refusals_logged
def reject_case(
    *,
    actor: User,
    case_id: int,
    reason: str,
    reason_code: str = RejectionReason.OTHER,
    expected_version: int | None = None,
) -> Case:
    """The municipality refuses the request (e.g. the citizen is not in a ressourceforløb),
    with a written reason and one of the reason codes statistics count refusals by."""
    check_lengths({"reason": (reason, limits.REASON)})
    with transaction.atomic(durable=True):
        case = _lock(case_id, expected_version, actor)
        transition, role = _authorise(case, Action.REJECT, actor)
        workflow.run_guards(transition, case, {"reason": reason, "reason_code": reason_code})
        return _finish(
            case,
            transition,
            actor,
            role,
            closed_at=clock.now(),
            end_reason=reason,
            rejection_reason=reason_code,
            offer_on_hold=False,
        )


def offer_is_on_hold(case: Case) -> bool:
    """Shown to everyone: the citizen need not start the offer yet (LAB § 113, stk. 3)."""
    return case.offer_on_hold and case.status in OFFER_ON_HOLD_STATES
