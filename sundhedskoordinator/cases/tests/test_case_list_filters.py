"""The case list's filters by team, responsible caseworker and meeting date (both ends
included), on the page and in the API alike. Hand-made world: case A on the world's meeting
(team 1, Tuesday 15 December 2026), case B on a second team's meeting on Tuesday 12 January
2027, case C ready and on no meeting, case D a draft the job broker is responsible for."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from conftest import local
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.organisations.models import RehabTeam

pytestmark = pytest.mark.django_db
LIST = reverse("cases:list")


@pytest.fixture
def cases(world):
    team2 = RehabTeam.objects.create(
        municipality=world.team.municipality, name="Team Syd", location="Jobcenter Syd"
    )
    january = meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=team2,
        starts_at=local(dt.date(2027, 1, 12), 9),
        ends_at=local(dt.date(2027, 1, 12), 12),
    )

    def new():
        return new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])

    a = walk_case_to(new(), Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    b = walk_case_to(new(), Status.SCHEDULED, cast=world.cast, meeting=january)
    c = walk_case_to(new(), Status.READY, cast=world.cast)
    d = new_case(citizen=world.citizen, caseworker=world.users["jobformidler"])
    return {"a": a, "b": b, "c": c, "d": d, "team1": world.team, "team2": team2}


def _page(client, query):
    page = client.get(LIST + query).content.decode()
    return set(re.findall(r">(RSK-\d{4}-\d{6})</a>", page))


def _api(api, **params):
    body = api("sagsbehandler").get("/cases", **params).json()
    return {c["reference"] for c in body["items"]}


def _refs(cases, *names):
    return {cases[n].reference for n in names}


def test_filters_on_the_page_and_in_the_api_agree(client, world, api, cases):
    client.force_login(world.users["sagsbehandler"])
    team1, team2 = cases["team1"].pk, cases["team2"].pk
    checks = [
        (f"?team={team1}", {"team": team1}, {"a"}),
        (f"?team={team2}", {"team": team2}, {"b"}),
        (
            "?moede_fra=2026-12-15&moede_til=2026-12-15",
            {"meeting_from": "2026-12-15", "meeting_to": "2026-12-15"},
            {"a"},
        ),
        ("?moede_fra=2026-12-16", {"meeting_from": "2026-12-16"}, {"b"}),
        ("?moede_til=2027-01-12", {"meeting_to": "2027-01-12"}, {"a", "b"}),
        ("?moede_til=2026-12-14", {"meeting_to": "2026-12-14"}, set()),
        (
            f"?ansvarlig={world.users['jobformidler'].pk}",
            {"responsible": world.users["jobformidler"].pk},
            {"d"},
        ),
        ("", {}, {"a", "b", "c", "d"}),
    ]
    for query, params, expected in checks:
        assert _page(client, query) == _refs(cases, *expected), query
        assert _api(api, **params) == _refs(cases, *expected), params


def test_a_case_taken_off_the_agenda_leaves_the_meeting_filters(client, world, cases):
    services.unschedule_case(
        actor=world.users["sekretariat"], case_id=cases["a"].pk, reason="Flyttes."
    )
    client.force_login(world.users["sagsbehandler"])
    assert _page(client, f"?team={cases['team1'].pk}") == set()


def test_the_filters_offer_the_teams_and_people_and_keep_their_values(client, world, cases):
    client.force_login(world.users["sagsbehandler"])
    page = client.get(LIST + f"?team={cases['team2'].pk}&moede_fra=2026-12-16").content.decode()
    assert f'<option value="{cases["team2"].pk}" selected>Team Syd</option>' in page
    assert 'name="moede_fra" value="2026-12-16"' in page
    assert str(world.users["jobformidler"]) in page
    # Paging and sorting links keep the filters.
    assert f"team={cases['team2'].pk}" in page and "moede_fra=2026-12-16" in page


def test_a_malformed_filter_is_ignored_not_an_error(client, world, cases):
    client.force_login(world.users["sagsbehandler"])
    response = client.get(LIST + "?team=abc&moede_fra=2026-13-45&ansvarlig=-1")
    assert response.status_code == 200
