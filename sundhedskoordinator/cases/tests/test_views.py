"""The case pages: every demo user opens their list and every case they may see; the procedure
moves through the forms; refusals appear next to the fields with the input kept."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.demo import USERS
from sundhedskoordinator.organisations.models import User

pytestmark = pytest.mark.django_db


# The demo world's cases (cases/demo.py), counted by hand as (citizen, state).
ODENSE_NOT_SENT = {
    ("Mads Kristensen", Status.DRAFT),
    ("Aisha Hassan", Status.REQUESTED),
    ("Peter Lauridsen", Status.READY),
    ("Line Holm Andersen", Status.SCHEDULED),
    ("Line Holm Andersen", Status.WITHDRAWN),
    ("Jens Mikkelsen", Status.REJECTED),
}
ODENSE_SENT = {  # sent to Region Syddanmark's coordinator at least once
    ("Bente Nielsen", Status.SENT),
    ("Bente Nielsen", Status.CLOSED),
    ("Mads Kristensen", Status.HELD),
    ("Aisha Hassan", Status.ADVISED),
    ("Peter Lauridsen", Status.DECIDED),
}
ODENSE = ODENSE_NOT_SENT | ODENSE_SENT
COPENHAGEN = {
    ("Bo Jensen", Status.REQUESTED),
    ("Bo Jensen", Status.SENT),
    ("Fatima Ali", Status.SCHEDULED),
}
#: DESIGN section 2: municipal staff see their municipality's cases, regional staff their
#: region's from the moment a case is sent, a citizen their own, the administrator none.
SEES = {
    "sagsbehandler": ODENSE,
    "jobformidler": ODENSE,
    "sekretariat": ODENSE,
    "leder": ODENSE,
    "koordinator": ODENSE_SENT,
    "klinisk": ODENSE_SENT,
    "borger": {("Bente Nielsen", Status.SENT), ("Bente Nielsen", Status.CLOSED)},
    "admin": set(),
    "sagsbehandler2": COPENHAGEN,
    "sekretariat2": COPENHAGEN,
    "borger2": {("Bo Jensen", Status.REQUESTED), ("Bo Jensen", Status.SENT)},
    "koordinator2": {("Bo Jensen", Status.SENT)},
    "klinisk2": {("Bo Jensen", Status.SENT)},
}


def test_the_hand_count_names_every_demo_user():
    assert set(SEES) == {u.username for u in USERS}


@pytest.mark.parametrize("username", [u.username for u in USERS])
def test_every_demo_user_opens_the_list_and_exactly_the_cases_they_may_see(client, now, username):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cases = {(c.citizen.name, Status(c.status)): c for c in Case.objects.select_related("citizen")}
    assert set(cases) == ODENSE | COPENHAGEN  # the demo is what was counted
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("cases:list")).status_code == 200
    opened = {
        key
        for key, case in cases.items()
        if client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    }
    assert opened == SEES[username]
    for key in set(cases) - opened:
        assert client.get(reverse("cases:detail", args=[cases[key].pk])).status_code == 404


def test_the_caseworker_creates_a_case_and_a_missing_demand_is_shown_at_its_field(client, world):
    client.force_login(world.users["sagsbehandler"])
    response = client.post(
        reverse("cases:create"),
        {
            "citizen": world.citizen.pk,
            "kind": "company_internship",
            "content": "Lagerarbejde.",
            "demands": "",
            "health_concern": "Rygsmerter.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    refused = client.post(
        reverse("cases:submit", args=[case.pk]), {"channel": "meeting", "version": case.version}
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Tilbuddets krav til borgerens deltagelse er ikke beskrevet." in html
    assert 'value="meeting" selected' in html  # the input is kept
    assert Case.objects.get().status == Status.DRAFT


def test_the_citizen_requests_with_their_own_description(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"], concern=None)
    client.force_login(world.users["borger"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Bed om en samtale med en sundhedskoordinator" in page
    empty = client.post(
        reverse("cases:submit-citizen", args=[case.pk]),
        {"health_concern": "", "version": case.version},
    )
    assert "Skriv din beskrivelse." in empty.content.decode()
    client.post(
        reverse("cases:submit-citizen", args=[case.pk]),
        {"health_concern": "Jeg kan ikke stå op i lang tid.", "version": case.version},
    )
    case.refresh_from_db()
    assert case.status == Status.REQUESTED
    assert case.health_concern.written_by == "citizen"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Du har bedt om en samtale med en sundhedskoordinator." in page
    assert "Tilbuddet er sat i bero" not in page  # the sample offer has no start date


def test_the_procedure_through_the_pages(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    client.force_login(world.users["sekretariat"])
    client.post(
        reverse("cases:schedule", args=[case.pk]),
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "companion": "",
            "late_reason": "",
            "version": Case.objects.get().version,
        },
    )
    assert Case.objects.get().status == Status.SCHEDULED
    client.post(reverse("cases:dispatch", args=[case.pk]), {"version": Case.objects.get().version})
    assert Case.objects.get().status == Status.SENT
    with clock.frozen(dt.datetime(2026, 12, 15, 8, 40, tzinfo=dt.UTC)):
        client.force_login(world.users["koordinator"])  # meeting day: a new session
        client.post(
            reverse("cases:hold-conversation", args=[case.pk]),
            {
                "started_at": "2026-12-15T09:00",
                "ended_at": "2026-12-15T09:30",
                "version": Case.objects.get().version,
            },
        )
        assert Case.objects.get().status == Status.HELD
        client.post(
            reverse("cases:advice", args=[case.pk]),
            {
                "advice-text": "Tilpas arbejdstiden.",
                "advice-accommodations": "Ingen løft.",
                "version": Case.objects.get().version,
            },
        )
        assert Case.objects.get().status == Status.ADVISED
        client.force_login(world.users["sagsbehandler"])
        decision = {
            "decision-outcome": "adjust",
            "decision-text": "Arbejdstiden ændres.",
            "decision-kind": case.offer.kind,
            "decision-content": case.offer.content,
            "decision-demands": "Start kl. 10 og ingen løft.",
            "version": Case.objects.get().version,
        }
        # The letter is read first; the send carries the fingerprint of what was read.
        shown = client.post(reverse("cases:decide", args=[case.pk]), {**decision, "preview": "1"})
        digest = re.search(r'name="previewed" value="(\w+)"', shown.content.decode()).group(1)
        client.post(reverse("cases:decide", args=[case.pk]), {**decision, "previewed": digest})
    assert Case.objects.get().status == Status.DECIDED
    client.force_login(world.users["borger"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Tilpas arbejdstiden." in page and "Tilbuddet tilpasses" in page
    assert (
        AccessLog.objects.filter(case=case, user=world.users["borger"], action="view").count() == 1
    )


def test_a_stale_form_is_refused_and_changes_nothing(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.REQUESTED,
        cast=world.cast,
    )
    client.force_login(world.users["sagsbehandler"])
    response = client.post(
        reverse("cases:reject", args=[case.pk]),
        {
            "reject-reason": "Ikke i ressourceforløb.",
            "reject-reason_code": "not_in_resource_course",
            "reject-confirm": "on",
            "version": 1,
        },
    )
    assert response.status_code == 200
    assert "ændret af en anden" in response.content.decode()
    assert Case.objects.get().status == Status.REQUESTED


@pytest.mark.parametrize("version", [{}, {"version": ""}, {"version": "abc"}, {"version": "-1"}])
def test_a_form_whose_version_cannot_be_read_is_refused_as_out_of_date(client, world, version):
    """A page without a readable version is not let through unchecked: the check that protects
    against overwriting a colleague's change is refused, as a stale page is."""
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.REQUESTED,
        cast=world.cast,
    )
    client.force_login(world.users["sagsbehandler"])
    form = {
        "reject-reason": "Ikke i ressourceforløb.",
        "reject-reason_code": "not_in_resource_course",
        "reject-confirm": "on",
    }
    response = client.post(reverse("cases:reject", args=[case.pk]), {**form, **version})
    assert response.status_code == 200
    assert "ændret af en anden" in response.content.decode()
    assert Case.objects.get().status == Status.REQUESTED
    # The same form with the page's version is carried out.
    client.post(
        reverse("cases:reject", args=[case.pk]), {**form, "version": Case.objects.get().version}
    )
    assert Case.objects.get().status == Status.REJECTED


def test_the_overview_counts_cases_per_state_and_lists_deadlines_at_risk(client, world):
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["leder"])
    page = client.get(reverse("cases:overview")).content.decode()
    assert "Ingen frister i fare." in page  # the deadline (1 December) is more than 2 days off
    assert "udløber inden for 2 hverdage." in page
    assert '<th scope="row">I alt</th><td class="text-align-right">2</td>' in page
    # Thursday 26 November: 27, 30 November and 1 December are 3 working days: not yet.
    with clock.frozen(dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)):
        client.force_login(world.users["leder"])
        page = client.get(reverse("cases:overview")).content.decode()
    assert "Ingen frister i fare." in page
    # Friday 27 November: 30 November and 1 December are 2 working days: at risk.
    with clock.frozen(dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)):
        client.force_login(world.users["leder"])
        page = client.get(reverse("cases:overview")).content.decode()
    assert "RSK-2026-000001" in page


def test_the_menu_follows_the_roles(client, world):
    client.force_login(world.users["borger"])
    page = client.get(reverse("web:start")).content.decode()
    assert "Mine sager" in page and "Møder" not in page and "Overblik" not in page
    client.force_login(world.users["sekretariat"])
    page = client.get(reverse("web:start")).content.decode()
    assert 'aria-current="page">Forside' in page and "Møder" in page and "Overblik" in page


def test_the_coordinator_prepares_from_the_package_as_it_was_sent(client, world):
    from sundhedskoordinator.cases import services

    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(world.users["koordinator"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Sagspakken, som den blev sendt" in page
    assert "laegeattest.pdf" in page
    services.cancel_conversation(
        actor=world.users["koordinator"], case_id=case.pk, reason="Ny tid."
    )
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_the_status_filter_answers_htmx_with_the_table_only(client, world):
    new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    full = client.get(reverse("cases:list"), {"status": "draft"}).content.decode()
    assert "<html" in full and "RSK-2026-000001" in full
    fragment = client.get(
        reverse("cases:list"), {"status": "draft"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment and "RSK-2026-000001" in fragment
    empty = client.get(
        reverse("cases:list"), {"status": "closed"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Der er ingen sager at vise." in empty


def test_a_refused_citizen_request_keeps_nothing_of_the_description(client, world):
    from sundhedskoordinator.cases.walk import SAMPLE_OFFER

    case = new_case(
        citizen=world.citizen,
        caseworker=world.users["sagsbehandler"],
        offer={**SAMPLE_OFFER, "demands": ""},
        concern=None,
    )
    client.force_login(world.users["borger"])
    response = client.post(
        reverse("cases:submit-citizen", args=[case.pk]),
        {"health_concern": "Jeg kan ikke løfte.", "version": case.version},
    )
    html = response.content.decode()
    assert "Tilbuddets krav til borgerens deltagelse er ikke beskrevet." in html
    assert "Jeg kan ikke løfte." in html  # the input is kept on the page ...
    case.refresh_from_db()
    assert case.status == Status.DRAFT
    assert not hasattr(case, "health_concern")  # ... but nothing half-written is stored


def test_the_citizen_status_text_follows_the_language(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["borger"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "The municipality has registered your offer." in page
