"""The case list finds every case: paged in the database with the count shown, open cases first
by their next deadline, filtered, sorted and searched (a CPR number never in a URL)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db
LIST = reverse("cases:list")


def _references(page: str) -> list[str]:
    return re.findall(r">(RSK-\d{4}-\d{6})</a>", page)


def _drafts(world, count, caseworker="sagsbehandler"):
    return [
        new_case(citizen=world.citizen, caseworker=world.users[caseworker]) for _ in range(count)
    ]


def test_thirty_cases_are_shown_on_two_pages_with_the_count(client, world):
    _drafts(world, 30)
    client.force_login(world.users["sagsbehandler"])
    first = client.get(LIST).content.decode()
    assert len(_references(first)) == 25
    assert "Viser 1–25 af 30 sager." in first and "Side 1 af 2" in first
    second = client.get(LIST + "?side=2").content.decode()
    assert len(_references(second)) == 5 and "Viser 26–30 af 30 sager." in second
    assert set(_references(first)).isdisjoint(_references(second))
    assert len(_references(client.get(LIST + "?antal=50").content.decode())) == 30


def test_open_cases_come_first_by_their_next_deadline_and_closed_ones_last(client, world):
    caseworker = world.users["sagsbehandler"]
    closed = walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker),
        Status.CLOSED,
        cast=world.cast,
        meeting=world.meeting,
    )
    scheduled = walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    draft = new_case(citizen=world.citizen, caseworker=caseworker)
    client.force_login(caseworker)
    shown = _references(client.get(LIST).content.decode())
    # The scheduled case has a deadline (1 December); the draft none; the closed one is done.
    assert shown == [scheduled.reference, draft.reference, closed.reference]
    newest = _references(client.get(LIST + "?order=newest").content.decode())
    assert newest == [draft.reference, scheduled.reference, closed.reference]


def test_mine_shows_only_the_cases_the_user_is_responsible_for(client, world):
    own = _drafts(world, 2)
    others = _drafts(world, 1, caseworker="jobformidler")
    client.force_login(world.users["sagsbehandler"])
    everything = _references(client.get(LIST).content.decode())
    assert set(everything) == {c.reference for c in own + others}
    assert set(_references(client.get(LIST + "?mine=1").content.decode())) == {
        c.reference for c in own
    }


def test_a_search_by_cpr_number_finds_the_citizens_cases_and_keeps_the_number_out_of_urls(
    client, world
):
    mine = _drafts(world, 2)
    other_citizen = citizen_services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0101904321",
        name="Ole Olsen",
        municipality=world.citizen.municipality,
    )
    other = new_case(citizen=other_citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    response = client.post(LIST, {"q": "120385-1234"})
    assert response.status_code == 302 and "1203851234" not in response["Location"]
    assert "120385" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert set(_references(page)) == {c.reference for c in mine}
    assert other.reference not in page
    assert "120385-XXXX" in page and "1203851234" not in page  # shown masked
    assert "1203851234" not in str(dict(client.session))  # only its keyed hash is kept
    # By name, and cleared again.
    client.post(LIST, {"q": "ole"})
    assert _references(client.get(LIST).content.decode()) == [other.reference]
    client.post(LIST, {"clear": "1"})
    assert len(_references(client.get(LIST).content.decode())) == 3


def test_a_search_by_reference_and_no_match(client, world):
    first, second = _drafts(world, 2)
    client.force_login(world.users["sagsbehandler"])
    client.post(LIST, {"q": second.reference})
    assert _references(client.get(LIST).content.decode()) == [second.reference]
    client.post(LIST, {"q": "RSK-1999"})
    assert "Ingen sager matcher søgningen." in client.get(LIST).content.decode()


def test_sorting_by_citizen_name(client, world):
    other_citizen = citizen_services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0101904321",
        name="Anna Andersen",
        municipality=world.citizen.municipality,
    )
    mette = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    anna = new_case(citizen=other_citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    shown = _references(client.get(LIST + "?order=citizen").content.decode())
    assert shown == [anna.reference, mette.reference]


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_for_few_and_many_cases(client, world):
    client.force_login(world.users["sagsbehandler"])
    _drafts(world, 3)
    few = _queries(client, LIST)
    _drafts(world, 40)
    assert _queries(client, LIST) == few
    assert _queries(client, LIST + "?side=2") == few


def test_a_sent_package_no_longer_counts_as_a_deadline_to_meet(client, world):
    """Both are on the meeting of 15 December (deadline 1 December), but only the scheduled
    case's package is still to be sent; the sent case goes among the other open cases, newest
    first."""
    caseworker = world.users["sagsbehandler"]
    sent = walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    draft = new_case(citizen=world.citizen, caseworker=caseworker)
    scheduled = walk_case_to(
        new_case(citizen=world.citizen, caseworker=caseworker),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(caseworker)
    shown = _references(client.get(LIST).content.decode())
    assert shown == [scheduled.reference, draft.reference, sent.reference]


def _bulk_drafts(world, start, count):
    """Draft rows written straight to the table (the services would take minutes for 10,000):
    what the list reads is the same."""
    now = clock.now()
    Case.objects.bulk_create(
        Case(
            reference=f"RSK-2025-{n:06d}",
            year=2025,
            number=n,
            citizen=world.citizen,
            municipality=world.team.municipality,
            responsible=world.users["sagsbehandler"],
            created_at=now,
        )
        for n in range(start, start + count)
    )


def test_the_list_costs_the_same_at_a_thousand_and_ten_thousand_cases(client, world, api):
    client.force_login(world.users["sagsbehandler"])
    reader = api("sagsbehandler")
    _bulk_drafts(world, 1, 1_000)
    page_at_1k = _queries(client, LIST + "?antal=100&side=3")
    with CaptureQueriesContext(connection) as ctx:
        assert reader.get("/cases", page=3, page_size=100).json()["count"] == 1_000
    api_at_1k = len(ctx.captured_queries)
    _bulk_drafts(world, 1_001, 9_000)
    assert _queries(client, LIST + "?antal=100&side=30") == page_at_1k
    with CaptureQueriesContext(connection) as ctx:
        assert reader.get("/cases", page=30, page_size=100).json()["count"] == 10_000
    assert len(ctx.captured_queries) == api_at_1k
