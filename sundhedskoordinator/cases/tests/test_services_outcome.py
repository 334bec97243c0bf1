"""The outcome services called directly: the caseworker's decision, closing, withdrawing and
rejecting, each one event, and a refused one writing nothing."""

import pytest

from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Outcome, RejectionReason, Status
from sundhedskoordinator.cases.models import Decision
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _new(world):
    return new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])


def _kinds(case):
    return list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def test_deciding_then_closing_writes_one_event_each(world):
    case = walk_case_to(_new(world), Status.DECIDED, cast=world.cast, meeting=world.meeting)
    assert Decision.objects.get(case=case).outcome == Outcome.ADJUST
    assert _kinds(case)[-1] == "case_decided"
    closed = services.close_case(actor=world.users["sagsbehandler"], case_id=case.pk)
    assert closed.status == Status.CLOSED and closed.closed_at is not None
    assert _kinds(case)[-1] == "case_closed"
    assert _kinds(case).count("case_decided") == 1


def test_a_decision_needs_its_reasons(world):
    case = walk_case_to(_new(world), Status.ADVISED, cast=world.cast, meeting=world.meeting)
    before = _kinds(case)
    with pytest.raises(DomainError):
        services.decide_case(
            actor=world.users["sagsbehandler"], case_id=case.pk, outcome=Outcome.ADJUST, text=""
        )
    case.refresh_from_db()
    assert case.status == Status.ADVISED and _kinds(case) == before
    assert not Decision.objects.exists()


def test_withdrawing_a_draft_is_one_event(world):
    case = _new(world)
    withdrawn = services.withdraw_case(
        actor=world.users["sagsbehandler"], case_id=case.pk, reason="Borgeren trækker den."
    )
    assert withdrawn.status == Status.WITHDRAWN
    assert _kinds(case) == ["case_created", "case_withdrawn"]


def test_a_rejection_needs_a_reason_and_then_is_one_event(world):
    case = walk_case_to(_new(world), Status.REQUESTED, cast=world.cast)
    before = _kinds(case)
    with pytest.raises(DomainError):
        services.reject_case(actor=world.users["sagsbehandler"], case_id=case.pk, reason="")
    assert _kinds(case) == before
    rejected = services.reject_case(
        actor=world.users["sagsbehandler"],
        case_id=case.pk,
        reason="Ressourceforløbet er ophørt.",
        reason_code=RejectionReason.NOT_IN_RESOURCE_COURSE,
    )
    assert rejected.status == Status.REJECTED
    assert _kinds(case) == [*before, "case_rejected"]
