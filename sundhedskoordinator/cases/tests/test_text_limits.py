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


# --- The free texts that came in as lists, beside the limited fields ---------------------------
def test_the_areas_of_a_description_are_bounded_in_number_and_length(world, api):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    caseworker = api("sagsbehandler")
    concern = {"text": "Smerter i lænden.", "channel": "meeting"}
    at_limits = ["å" * limits.AREA] * limits.AREAS
    kept = caseworker.patch(
        f"/cases/{case.pk}", {"health_concern": {**concern, "areas": at_limits}}
    )
    assert kept.status_code == 200, kept.json()
    assert kept.json()["health_concern"]["areas"] == at_limits
    for areas, field in (
        (["å" * (limits.AREA + 1)], "health_concern.areas"),
        (["ryg"] * (limits.AREAS + 1), "health_concern.areas"),
    ):
        refused = caseworker.patch(
            f"/cases/{case.pk}", {"health_concern": {**concern, "areas": areas}}
        )
        assert refused.status_code == 422
        assert field in refused.json()["error"]["fields"]
    case.health_concern.refresh_from_db()
    assert case.health_concern.areas == at_limits


def test_attendees_given_through_the_api_are_bounded_in_number_and_length(world, api):
    import datetime as dt

    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )

    def held(attendees):
        with clock.frozen(dt.datetime(2026, 12, 15, 8, 35, tzinfo=dt.UTC)):
            return api("koordinator").post(
                f"/cases/{case.pk}/hold-conversation",
                {
                    "started_at": "2026-12-15T08:00:00Z",
                    "ended_at": "2026-12-15T08:28:00Z",
                    "attendees": attendees,
                },
            )

    for attendees in (
        [{"role": "companion", "name": "Ø" * (limits.COMPANION_NAME + 1)}],
        [{"role": "companion", "name": "Ole"}] * (limits.ATTENDEES + 1),
        [{"role": "c" * (limits.ATTENDEE_ROLE + 1), "name": "Ole"}],
        [{"role": "companion", "name": "Ole", "note": "x"}],
    ):
        refused = held(attendees)
        assert refused.status_code == 422, attendees
        assert "attendees" in refused.json()["error"]["fields"]
        case.refresh_from_db()
        assert case.status == Status.SENT
    at_limits = [{"role": "r" * limits.ATTENDEE_ROLE, "name": "Ø" * limits.COMPANION_NAME}]
    kept = held(at_limits * limits.ATTENDEES)
    assert kept.status_code == 200, kept.json()
    assert kept.json()["conversation"]["attendees"] == at_limits * limits.ATTENDEES


def test_a_rate_note_is_bounded_by_the_service_as_by_its_form_and_the_api(world):
    import datetime as dt
    from decimal import Decimal

    from sundhedskoordinator.billing.models import Rate
    from sundhedskoordinator.billing.services import RATE_NOTE, set_rate

    region = world.team.municipality.region_id
    with pytest.raises(DomainError) as refused:
        set_rate(
            actor=world.users["klinisk"],
            region_id=region,
            amount=Decimal("2000.00"),
            valid_from=dt.date(2027, 1, 1),
            bills_cancelled_after_dispatch=False,
            note="n" * (RATE_NOTE + 1),
        )
    assert "note" in refused.value.fields
    assert not Rate.objects.exists()
    kept = set_rate(
        actor=world.users["klinisk"],
        region_id=region,
        amount=Decimal("2000.00"),
        valid_from=dt.date(2027, 1, 1),
        bills_cancelled_after_dispatch=False,
        note="n" * RATE_NOTE,
    )
    assert len(kept.note) == RATE_NOTE
