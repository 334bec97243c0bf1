"""The decision on the case page: the caseworker reads the letter before it is sent, with the
offer as it will be; sending it decides with the same values."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case, Decision, OfferVersion
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to

pytestmark = pytest.mark.django_db

NEW_DEMANDS = "Fremmøde kl. 10–13, ingen løft over 5 kg."


def _form(case, **extra):
    return {
        "version": Case.objects.get(pk=case.pk).version,
        "decision-outcome": "adjust",
        "decision-text": "Du starter senere på dagen, som koordinatoren anbefaler.",
        **{f"decision-{k}": v for k, v in SAMPLE_OFFER.items() if v is not None},
        "decision-demands": NEW_DEMANDS,
        **extra,
    }


@pytest.fixture
def advised(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.ADVISED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(world.users["sagsbehandler"])
    return case


def test_the_form_starts_with_the_offer_as_it_stands_and_only_offers_the_preview(client, advised):
    page = client.get(reverse("cases:detail", args=[advised.pk])).content.decode()
    assert 'name="decision-demands"' in page and SAMPLE_OFFER["demands"] in page
    assert "Se brevet, før det sendes" in page
    assert "Send stillingtagen og brevet" not in page


def test_the_preview_shows_the_letter_and_writes_nothing(client, advised):
    response = client.post(reverse("cases:decide", args=[advised.pk]), _form(advised, preview="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sådan lyder brevet til borgeren" in page
    assert "Du starter senere på dagen, som koordinatoren anbefaler." in page
    assert "Dit tilbud fremover" in page and NEW_DEMANDS in page
    assert "Klagevejledning" in page
    assert "Send stillingtagen og brevet" in page
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=advised.pk).status == Status.ADVISED
    # The values stay in the form, to send or to change.
    assert f"{NEW_DEMANDS}</textarea>" in page


def test_a_refused_preview_says_what_is_missing_at_the_field(client, advised):
    form = _form(advised, preview="1")
    form["decision-demands"] = SAMPLE_OFFER["demands"]  # "tilpas" with nothing changed
    page = client.post(reverse("cases:decide", args=[advised.pk]), form).content.decode()
    assert "Tilbuddet er ikke ændret." in page
    assert "Sådan lyder brevet til borgeren" not in page
    assert not Decision.objects.exists()


def _previewed(client, case, **extra):
    """The digest of the letter shown, as the preview's send button carries it."""
    page = client.post(reverse("cases:decide", args=[case.pk]), _form(case, preview="1", **extra))
    return re.search(r'name="previewed" value="([0-9a-f]{64})"', page.content.decode()).group(1)


def test_a_send_without_reading_the_letter_shows_it_instead(client, advised):
    response = client.post(reverse("cases:decide", args=[advised.pk]), _form(advised, send=""))
    page = response.content.decode()
    assert response.status_code == 200 and "så den er ikke sendt" in page
    assert "Sådan lyder brevet til borgeren" in page
    assert not Decision.objects.exists()


def test_a_change_after_reading_the_letter_is_not_sent_unseen(client, advised):
    digest = _previewed(client, advised)
    changed = _form(advised, send="", previewed=digest)
    changed["decision-text"] = "En anden begrundelse, som ikke blev vist."
    page = client.post(reverse("cases:decide", args=[advised.pk]), changed).content.decode()
    assert "så den er ikke sendt" in page and "En anden begrundelse, som ikke blev vist." in page
    assert not Decision.objects.exists()


def test_sending_decides_with_the_values_read(client, advised):
    digest = _previewed(client, advised)
    response = client.post(
        reverse("cases:decide", args=[advised.pk]), _form(advised, send="", previewed=digest)
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=advised.pk)
    assert case.status == Status.DECIDED and case.offer.demands == NEW_DEMANDS
    assert OfferVersion.objects.filter(case=case).count() == 2
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Version 2 (tilpasset ved stillingtagen)." in page
    assert "Tidligere version af tilbuddet (1)" in page


def test_the_offers_start_date_stays_in_the_form(client, world):
    """A date input shows only YYYY-MM-DD; in any other format the browser shows it empty and
    sends it back as no date, and "tilpas" would then erase the start date."""
    case = walk_case_to(
        new_case(
            citizen=world.citizen,
            caseworker=world.users["sagsbehandler"],
            offer={**SAMPLE_OFFER, "start_date": dt.date(2027, 1, 11)},
        ),
        Status.ADVISED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(world.users["sagsbehandler"])
    for language in ("da", "en"):
        client.cookies["sk_language"] = language
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert 'name="decision-start_date" value="2027-01-11"' in page, language


def test_the_edit_form_keeps_the_start_date_too(client, world):
    case = new_case(
        citizen=world.citizen,
        caseworker=world.users["sagsbehandler"],
        offer={**SAMPLE_OFFER, "start_date": dt.date(2027, 1, 11)},
    )
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'name="edit-start_date" value="2027-01-11"' in page
