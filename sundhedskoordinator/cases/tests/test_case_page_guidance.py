"""The case page says who acts next and by when, every action says what it did and what follows,
and the notes on the case are shown with their author (notatpligt)."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import SAMPLE_PDF, new_case, walk_case_to
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db


def _page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def _case(world, status):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        status,
        cast=world.cast,
        meeting=world.meeting,
    )


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (Status.DRAFT, "Næste skridt: sagsbehandleren (eller borgeren) sender anmodningen"),
        (Status.REQUESTED, "godkender sagen som fuldstændig."),
        (Status.READY, "Næste skridt: sekretariatet sætter sagen på et møde."),
        # Ten working days before Tuesday 15 December is Tuesday 1 December.
        (Status.SCHEDULED, "sender sagen til sundhedskoordinatoren senest 1. december 2026."),
        (
            Status.SENT,
            "holder samtalen med borger og sagsbehandler den 15. december 2026 kl. 09:00.",
        ),
    ],
)
def test_the_page_says_who_acts_next_and_by_when(client, world, status, sentence):
    case = _case(world, status)
    client.force_login(world.users["sagsbehandler"])
    assert sentence in _page(client, case)


def test_a_closed_case_says_nothing_more_happens(client, world):
    case = _case(world, Status.CLOSED)
    client.force_login(world.users["sagsbehandler"])
    assert "Sagen er afsluttet. Der sker ikke mere i den." in _page(client, case)


def test_an_action_says_what_it_did_and_what_follows(client, world):
    case = _case(world, Status.REQUESTED)
    client.force_login(world.users["sagsbehandler"])
    for kind in ("action_plan", "health_information"):
        services.add_document(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            kind=kind,
            filename="bilag.pdf",
            content=SAMPLE_PDF,
        )
    case.refresh_from_db()
    response = client.post(
        reverse("cases:complete", args=[case.pk]), {"version": case.version}, follow=True
    )
    page = response.content.decode()
    assert "Sagen er godkendt som fuldstændig. Sekretariatet sætter den på et møde." in page
    assert "Sagen er opdateret." not in page


def test_the_citizens_request_is_answered_in_her_words(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"], concern=None)
    client.force_login(world.users["borger"])
    response = client.post(
        reverse("cases:submit-citizen", args=[case.pk]),
        {"version": case.version, "health_concern": "Jeg kan ikke løfte."},
        follow=True,
    )
    assert "Din anmodning er sendt. Kommunen sætter din sag på et møde" in (
        response.content.decode()
    )


def test_the_notes_are_shown_with_their_author_to_those_on_the_case(client, world):
    case = _case(world, Status.HELD)
    caseworker = world.users["sagsbehandler"]
    moment = dt.datetime(2026, 12, 15, 10, 30, tzinfo=dt.UTC)
    with clock.frozen(moment):
        services.record_file_note(actor=caseworker, case_id=case.pk, text="Aftalt: start kl. 10.")
    with clock.frozen(moment + dt.timedelta(minutes=5)):
        services.record_file_note(actor=caseworker, case_id=case.pk, text="Aftalt: start kl. 11.")
        client.force_login(caseworker)
        page = _page(client, case)
    assert "Notat om, hvad der blev aftalt ved samtalen" in page
    assert "Aftalt: start kl. 11." in page
    assert "Skrevet af Sara Holm 15. december 2026 11:35." in page
    assert "Tidligere udgaver af notatet" in page and "Aftalt: start kl. 10." in page
    # The secretariat is not on the case: without a purpose it reads no health content.
    with clock.frozen(moment + dt.timedelta(minutes=6)):
        client.force_login(world.users["sekretariat"])
        assert "Aftalt: start kl. 11." not in _page(client, case)


def test_the_note_that_there_is_no_health_information_is_shown(client, world):
    case = _case(world, Status.DRAFT)
    services.update_case(
        actor=world.users["sagsbehandler"],
        case_id=case.pk,
        no_health_information_note="Der er ingen relevante helbredsoplysninger.",
    )
    client.force_login(world.users["sagsbehandler"])
    page = _page(client, case)
    assert "Notat om helbredsoplysninger" in page
    assert "Der er ingen relevante helbredsoplysninger." in page


def test_english_pages_write_dates_the_english_way(client, world):
    case = _case(world, Status.SCHEDULED)
    client.force_login(world.users["sagsbehandler"])
    client.cookies["sk_language"] = "en"
    page = _page(client, case)
    assert "by Dec. 1, 2026." in page and "1. december" not in page
    assert "1. January" not in page and "1. December" not in page
