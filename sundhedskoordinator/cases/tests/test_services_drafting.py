"""The drafting services called directly (not through a page or the API): creating and editing a
draft, and that each action writes one event naming what it recorded."""

import re

import pytest

from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services, workflow
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case, Offer
from sundhedskoordinator.cases.walk import SAMPLE_CONCERN, SAMPLE_OFFER
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _events(case):
    return list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", "data"))


def test_creating_a_case_with_offer_and_description_writes_one_event(world):
    result = services.create_case(
        actor=world.users["sagsbehandler"],
        citizen=world.citizen,
        offer=dict(SAMPLE_OFFER),
        health_concern=dict(SAMPLE_CONCERN),
    )
    case = result.case
    assert case.status == Status.DRAFT
    assert re.fullmatch(r"RSK-2026-\d{6}", case.reference)
    assert case.responsible == world.users["sagsbehandler"]
    assert _events(case) == [
        ("case_created", {"fields": ["health_concern", "offer"], "written_by": "caseworker"})
    ]
    assert result.warnings == []  # the citizen had written guidance on 1 March


def test_creating_an_empty_case_writes_one_event_without_data(world):
    case = services.create_case(actor=world.users["sagsbehandler"], citizen=world.citizen).case
    assert _events(case) == [("case_created", {})]


def test_the_second_case_of_the_year_gets_the_next_number(world):
    first = services.create_case(actor=world.users["sagsbehandler"], citizen=world.citizen).case
    second = services.create_case(actor=world.users["sagsbehandler"], citizen=world.citizen).case
    assert second.number == first.number + 1
    assert second.reference == f"RSK-2026-{first.number + 1:06d}"


def test_a_secretary_cannot_create_a_case_and_nothing_is_written(world):
    with pytest.raises(DomainError) as refused:
        services.create_case(actor=world.users["sekretariat"], citizen=world.citizen)
    assert refused.value.code == workflow.ROLE_NOT_ALLOWED and refused.value.status == 403
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.parametrize("username", ["jobformidler", "sagsbehandler"])
def test_a_handler_of_the_citizens_municipality_opens_the_case(world, username):
    case = services.create_case(actor=world.users[username], citizen=world.citizen).case
    assert case.responsible == world.users[username]
    assert CaseEvent.objects.get(case=case).role == world.users[username].memberships.get().role


def test_a_caseworker_of_another_municipality_cannot_open_the_case(world):
    """Copenhagen's caseworker holds the right role, but not in Odense, the citizen's."""
    with pytest.raises(DomainError) as refused:
        services.create_case(actor=world.users["sagsbehandler2"], citizen=world.citizen)
    assert refused.value.code == workflow.ROLE_NOT_ALLOWED and refused.value.status == 403
    assert not Case.objects.exists()


def test_an_invalid_offer_leaves_no_half_written_case(world):
    with pytest.raises(DomainError) as refused:
        services.create_case(
            actor=world.users["sagsbehandler"],
            citizen=world.citizen,
            offer={**SAMPLE_OFFER, "kind": "no_such_kind"},
        )
    assert "offer.kind" in refused.value.fields
    assert not Case.objects.exists() and not Offer.objects.exists()


def test_an_update_writes_one_event_naming_every_field_it_changed(world):
    case = services.create_case(actor=world.users["sagsbehandler"], citizen=world.citizen).case
    services.update_case(
        actor=world.users["sagsbehandler"],
        case_id=case.pk,
        offer=dict(SAMPLE_OFFER),
        no_health_information_note="Borgeren har ingen relevante helbredsoplysninger.",
    )
    case.refresh_from_db()
    assert case.version == 2
    assert _events(case)[1:] == [
        ("case_updated", {"fields": ["no_health_information_note", "offer"]})
    ]


def test_the_citizen_writes_only_her_own_description(world):
    case = services.create_case(actor=world.users["sagsbehandler"], citizen=world.citizen).case
    with pytest.raises(DomainError) as refused:
        services.update_case(actor=world.users["borger"], case_id=case.pk, offer=dict(SAMPLE_OFFER))
    assert refused.value.status == 403
    services.update_case(
        actor=world.users["borger"], case_id=case.pk, health_concern={"text": "Ondt i ryggen."}
    )
    assert _events(case)[1:] == [
        ("case_updated", {"fields": ["health_concern"], "written_by": "citizen"})
    ]
    assert case.health_concern.channel == "self_service"


def test_a_stale_version_is_refused_and_changes_nothing(world):
    case = services.create_case(actor=world.users["sagsbehandler"], citizen=world.citizen).case
    with pytest.raises(DomainError) as refused:
        services.update_case(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            expected_version=case.version + 1,
            offer=dict(SAMPLE_OFFER),
        )
    assert refused.value.status in (409, 412)
    assert not Offer.objects.filter(case=case).exists()
    assert len(_events(case)) == 1
