"""A draft that cannot be sent shows what is missing at the fields where it is written, on the
case page; fixed there, the request goes out without leaving the case (no dead end)."""

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to

pytestmark = pytest.mark.django_db


def _edit_data(case, **changes):
    offer = {**SAMPLE_OFFER, "start_date": "", "hours_per_week": "12", **changes}
    return {"version": case.version, **{f"edit-{k}": v for k, v in offer.items()}}


def test_a_draft_missing_its_demands_is_fixed_on_the_case_page_and_sent(client, world):
    case = new_case(
        citizen=world.citizen,
        caseworker=world.users["sagsbehandler"],
        offer={**SAMPLE_OFFER, "demands": ""},
        concern=None,
    )
    client.force_login(world.users["sagsbehandler"])
    refused = client.post(
        reverse("cases:submit", args=[case.pk]), {"version": case.version, "channel": "meeting"}
    )
    page = refused.content.decode()
    # The errors sit at the edit form's fields, which is open, and the summary links to them.
    assert '<details class="app-edit" id="ret" open>' in page
    assert 'href="#id_edit-demands"' in page and 'href="#id_edit-health_concern"' in page
    assert Case.objects.get(pk=case.pk).status == Status.DRAFT

    saved = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            **_edit_data(case, demands="Fremmøde tre dage om ugen kl. 9–13."),
            "edit-health_concern": "Borgeren kan ikke stå længe.",
        },
        follow=True,
    )
    assert "Tilbuddet og borgerens beskrivelse er gemt." in saved.content.decode()
    case.refresh_from_db()
    assert case.offer.demands == "Fremmøde tre dage om ugen kl. 9–13."
    assert case.health_concern.text == "Borgeren kan ikke stå længe."
    sent = client.post(
        reverse("cases:submit", args=[case.pk]),
        {"version": case.version, "channel": "meeting"},
        follow=True,
    )
    assert "Anmodningen er sendt." in sent.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.REQUESTED


def test_the_edit_form_is_filled_with_the_offer_and_says_who_changed_it(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Ret tilbuddet og borgerens beskrivelse" in page
    assert "Fynsk Genbrug ApS, Odense" in page  # the provider, pre-filled
    assert "Senest ændret af Sara Holm" in page
    assert "(skal udfyldes, før anmodningen sendes)" in page


def test_the_offer_cannot_be_edited_once_the_case_is_ready(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    client.force_login(world.users["sagsbehandler"])
    assert (
        "Ret tilbuddet" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    client.post(reverse("cases:edit", args=[case.pk]), _edit_data(case, content="Noget andet."))
    case.refresh_from_db()
    assert case.offer.content == SAMPLE_OFFER["content"]


def test_the_secretariat_gets_no_edit_form(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sekretariat"])
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert "Ret tilbuddet" not in page.content.decode()
