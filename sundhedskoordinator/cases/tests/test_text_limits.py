"""Every free text of a case has a limit that fits its purpose; the services refuse a longer one
before writing anything, so the pages and the API answer alike, and the forms say the limit."""

import pytest
from django.urls import reverse

from sundhedskoordinator.cases import limits, services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Advice, Offer
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "limit"),
    [("content", limits.OFFER_TEXT), ("demands", limits.OFFER_TEXT)],
)
def test_an_offer_text_at_its_limit_is_kept_and_one_more_character_refused(world, field, limit):
    case = services.create_case(
        actor=world.users["sagsbehandler"],
        citizen=world.citizen,
        offer={**SAMPLE_OFFER, field: "x" * limit},
    ).case
    assert len(getattr(case.offer, field)) == limit
    with pytest.raises(DomainError) as refused:
        services.update_case(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            offer={**SAMPLE_OFFER, field: "x" * (limit + 1)},
        )
    assert f"offer.{field}" in refused.value.fields
    assert f"højst {limit} tegn" in refused.value.fields[f"offer.{field}"]
    assert len(getattr(Offer.objects.get(case=case), field)) == limit


def test_a_twenty_thousand_character_description_is_refused_and_nothing_is_stored(world):
    with pytest.raises(DomainError) as refused:
        services.create_case(
            actor=world.users["sagsbehandler"],
            citizen=world.citizen,
            offer=dict(SAMPLE_OFFER),
            health_concern={"text": "å" * 20_000},
        )
    assert "health_concern" in refused.value.fields
    assert not Offer.objects.exists()


def test_too_long_advice_is_refused_before_anything_is_written(world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.HELD,
        cast=world.cast,
        meeting=world.meeting,
    )
    ended = case.conversations.get().ended_at
    with clock.frozen(ended), pytest.raises(DomainError) as refused:
        services.write_advice(
            actor=world.users["koordinator"], case_id=case.pk, text="r" * (limits.ADVICE + 1)
        )
    assert set(refused.value.fields) == {"text"}
    assert not Advice.objects.exists()


def test_the_api_answers_the_same_refusal(world, api):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    response = api("sagsbehandler").patch(
        f"/cases/{case.pk}", {"offer": {**SAMPLE_OFFER, "demands": "d" * (limits.OFFER_TEXT + 1)}}
    )
    assert response.status_code == 422  # a rule that refused (core.errors.DomainError)
    body = response.json()["error"]
    assert body["code"] == "invalid_input" and "offer.demands" in body["fields"]


def test_the_forms_say_the_limit(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'maxlength="{limits.OFFER_TEXT}"' in page
    assert f'maxlength="{limits.REASON}"' in page  # the withdrawal's reason
