"""The start page shows each person their work, each item linking to where it is done: the
caseworker's drafts with what they miss, requests to complete and advice waiting for a decision
(with the agreed working days); the citizen's own case, in plain words, with what comes next."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db
START = reverse("web:start")


def _start(client, user):
    client.force_login(user)
    return client.get(START).content.decode()


def test_the_caseworker_sees_drafts_with_what_they_miss_and_requests_to_complete(client, world):
    draft = new_case(
        citizen=world.citizen,
        caseworker=world.users["sagsbehandler"],
        offer={**SAMPLE_OFFER, "demands": ""},
        concern=None,
    )
    requested = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.REQUESTED,
        cast=world.cast,
    )
    colleagues = new_case(citizen=world.citizen, caseworker=world.users["jobformidler"])
    page = _start(client, world.users["sagsbehandler"])
    assert "Dit arbejde" in page
    assert f'href="/sager/{draft.pk}/">{draft.reference}</a>' in page
    assert "Tilbuddets krav til borgerens deltagelse er ikke beskrevet." in page
    assert "Borgerens beskrivelse af, hvor tilbuddet ikke tager hensyn til helbredet" in page
    assert f'href="/sager/{requested.pk}/">{requested.reference}</a>' in page
    assert colleagues.reference not in page  # the job broker's own draft is theirs


def test_advice_waiting_is_flagged_on_the_agreed_working_day(client, world):
    """Advice on Tuesday 15 December; 16, 17, 18, 21 and 22 December are five working days, the
    seed procedure's reminder."""
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.ADVISED,
        cast=world.cast,
        meeting=world.meeting,
    )
    with clock.frozen(dt.datetime(2026, 12, 21, 9, tzinfo=dt.UTC)):
        page = _start(client, world.users["sagsbehandler"])
    assert case.reference in page and "har ventet 4 hverdage" in page
    assert "Tag stilling nu" not in page
    with clock.frozen(dt.datetime(2026, 12, 22, 9, tzinfo=dt.UTC)):
        page = _start(client, world.users["sagsbehandler"])
    assert "har ventet 5 hverdage" in page and "Tag stilling nu" in page
    with clock.frozen(dt.datetime(2026, 12, 22, 10, tzinfo=dt.UTC)):
        services.decide_case(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            outcome="unchanged",
            text="Fastholdt.",
        )
        page = _start(client, world.users["sagsbehandler"])
    assert "Ingen rådgivning venter." in page


def test_citizens_without_written_guidance_are_counted_with_a_link(client, world):
    citizen_services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0101904321",
        name="Ole Olsen",
        municipality=world.citizen.municipality,
        course_start=dt.date(2026, 10, 1),
    )
    page = _start(client, world.users["sagsbehandler"])
    assert "1 borger i ressourceforløb har ikke fået skriftlig vejledning om retten." in page
    assert "/borgere/?uden-vejledning=1" in page


def test_the_secretariat_gets_no_caseworker_queue(client, world):
    assert "Dit arbejde" not in _start(client, world.users["sekretariat"])


def test_the_citizen_sees_her_case_in_plain_words_with_what_comes_next(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    page = _start(client, world.users["borger"])
    assert "Din sag" in page and f"Sag {case.reference}" in page
    assert "Du har fået en tid til samtalen." in page
    assert "Mød op til samtalen. Du må tage en bisidder med." in page
    assert "Din samtale: 15. december 2026 09:00, Jobcenter Odense" in page
    assert "Din kontaktperson: Sara Holm, Odense Kommune." in page
    assert "Dit arbejde" not in page


def test_a_citizens_draft_invites_her_to_ask(client, world):
    new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"], concern=None)
    page = _start(client, world.users["borger"])
    assert "Kommunen har registreret dit tilbud." in page
    assert "Kommunen er ved at gøre din anmodning klar" not in page


def test_the_start_page_costs_the_same_for_few_and_many_cases(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["sagsbehandler"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(START).status_code == 200
        return len(ctx.captured_queries)

    new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    few = queries()
    for _ in range(6):
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    assert queries() == few


def test_a_closed_case_asks_nothing_more_and_shows_no_past_meeting(client, world):
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.CLOSED,
        cast=world.cast,
        meeting=world.meeting,
    )
    with clock.frozen(dt.datetime(2026, 12, 20, 9, tzinfo=dt.UTC)):
        page = _start(client, world.users["borger"])
    assert "Sagen er afsluttet." in page
    assert "Det næste:" not in page and "Din samtale:" not in page


def test_a_user_with_work_in_several_roles_sees_one_part_at_a_time_under_tabs(client, world):
    """A caseworker who is also the team's secretariat and a coordinator and Klinisk Funktion
    (a small organisation) gets a tab for each part of the work, in a fixed order, the first
    shown; another tab is its own address. A single role shows no tabs."""
    from sundhedskoordinator.organisations.choices import Role
    from sundhedskoordinator.organisations.services import grant_role

    odense = world.team.municipality
    assert "app-tabs" not in _start(client, world.users["sagsbehandler"])
    user = world.users["sagsbehandler"]
    grant_role(user=user, role=Role.SECRETARIAT, municipality=odense)
    grant_role(user=user, role=Role.COORDINATOR, region=odense.region)
    grant_role(user=user, role=Role.CLINICAL_ADMIN, region=odense.region)
    tabs = [
        ("sager", "Dit arbejde"),
        ("sekretariat", "Sekretariatet"),
        ("afregning", "Afregninger"),
        ("samtaler", "Mine samtaler"),
    ]
    sections = {
        "sager": 'id="work-heading"',
        "sekretariat": 'id="secretariat-heading"',
        "afregning": 'id="billing-heading"',
        "samtaler": 'id="coordinator-heading"',
    }
    page = _start(client, user)
    links = [f'<a href="?arbejde={key}"' for key, _label in tabs]
    assert all(link in page for link in links)
    assert [page.index(link) for link in links] == sorted(page.index(link) for link in links)
    for asked, shown in [
        (None, "sager"),
        ("sekretariat", "sekretariat"),
        ("afregning", "afregning"),
        ("samtaler", "samtaler"),
        ("mine-sager", "sager"),  # not hers: the first part instead
        ("x", "sager"),
    ]:
        page = client.get(START, {"arbejde": asked} if asked else {}).content.decode()
        assert f'<a href="?arbejde={shown}" aria-current="page">' in page, asked
        assert [key for key, mark in sections.items() if mark in page] == [shown], asked
