"""The figures against a small world counted by hand (the comments give each count), through the
API as Klinisk Funktion and managers see them, and on the page with its charts and tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import World, local
from sundhedskoordinator.cases.choices import Outcome, RejectionReason, Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.services import write_advice
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import Municipality, RehabTeam
from tests.generated import Treater

pytestmark = pytest.mark.django_db

# Tuesdays of 2026; the period is February and March.
JAN_27, FEB_17 = dt.date(2026, 1, 27), dt.date(2026, 2, 17)
MAR_10, MAR_17, APR_14 = dt.date(2026, 3, 10), dt.date(2026, 3, 17), dt.date(2026, 4, 14)
PERIOD = {"from": "2026-02-01", "to": "2026-03-31"}


@pytest.fixture
def counted(world: World, treat: Any) -> dict[str, Any]:
    """Odense: A–F and H–I below, two refusals and two citizens never told about the right.
    Copenhagen: G, and one citizen never told."""
    # A: requested 18 Jan (before the period), held 17 Feb 30 days later, adjusted.
    treat(FEB_17, Status.DECIDED, requested_days_before=30, outcome=Outcome.ADJUST)
    # B: requested 18 Feb, held 10 Mar (20 days), another offer.
    treat(MAR_10, Status.DECIDED, requested_days_before=20, outcome=Outcome.OTHER_OFFER)
    # C: requested 5 Feb, sent 10 Mar, 5 working days after the 3 March deadline, held 17 Mar
    #    (40 days); the advice comes 40 minutes after the conversation.
    treat(MAR_17, Status.ADVISED, requested_days_before=40, sent_late_on=MAR_10, advice_minutes=40)
    # D: requested 2 Mar, sent on time for 17 Mar, not held yet.
    treat(MAR_17, Status.SENT, requested_days_before=15)
    # F: requested and sent 8 Feb, cancelled at the 10 Mar meeting (the citizen did not come):
    #    back to ready.
    treat(MAR_10, cancelled=True, requested_days_before=30)
    # H: requested 15 Mar, held 14 Apr (after the period).
    treat(APR_14, Status.HELD, requested_days_before=30)
    # I: requested and held in January.
    treat(JAN_27, Status.DECIDED, requested_days_before=30)
    # Two refusals in February.
    treater = Treater(world.users, cpr_year="79")
    treater.reject(dt.date(2026, 2, 9), RejectionReason.NOT_IN_RESOURCE_COURSE)
    treater.reject(dt.date(2026, 2, 23), RejectionReason.NO_CONCRETE_OFFER)
    # G in Copenhagen: requested 13 Feb, held 10 Mar (25 days), offer unchanged.
    treat(
        MAR_10,
        Status.DECIDED,
        municipality="101",
        requested_days_before=25,
        outcome=Outcome.UNCHANGED,
    )
    # Citizens in a ressourceforløb never told about the right: one in Odense, one in Copenhagen;
    # one more in Odense whose course ended 1 March does not count.
    with clock.frozen(local(dt.date(2026, 1, 5), 10)):
        for n, caseworker, end in (
            (5, "sagsbehandler", None),
            (6, "sagsbehandler2", None),
            (7, "sagsbehandler", dt.date(2026, 3, 1)),
        ):
            actor = world.users[caseworker]
            citizen_services.create_citizen(
                actor=actor,
                cpr=f"1{n}0688{n}{n}{n}{n}",
                name=f"Uvejledt {n}",
                municipality=actor.memberships.get().municipality,  # type: ignore[arg-type]
                course_start=dt.date(2025, 6, 1),
                course_end=end,
            )
    return {
        "odense": Municipality.objects.get(code="461").pk,
        "copenhagen": Municipality.objects.get(code="101").pk,
        "odense_team": world.team.pk,
    }


def _by_key(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {row["key"]: row["count"] for row in rows if row["count"]}


def test_odense_figures_match_the_hand_count(api: Any, counted: dict[str, Any]) -> None:
    response = api("leder").get("/statistics", **PERIOD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["municipalities"] == ["Odense Kommune"]
    assert body["requests"] == 7  # B, C, D, F, H and the two refused
    assert body["refusals_total"] == 2
    assert _by_key(body["refusals_by_reason"]) == {
        "not_in_resource_course": 1,
        "no_concrete_offer": 1,
    }
    # Cancelled at meetings of the period: F, the citizen did not come.
    assert body["cancellations_total"] == 1
    assert _by_key(body["cancellations_by_reason"]) == {"citizen_absent": 1}
    assert _by_key(body["cases_by_state"]) == {
        "decided": 1,  # B
        "advised": 1,  # C
        "sent": 1,  # D
        "ready": 1,  # F
        "held": 1,  # H
        "rejected": 2,
    }
    # Held at meetings in the period: A 30, B 20, C 40 days after the request.
    assert body["request_to_meeting_days"] == {"count": 3, "median": "30.0", "p90": "38.0"}
    # Sent for meetings in the period: A, B, D, F on time, C 5 working days late.
    assert body["dispatches"] == 5
    assert body["dispatches_on_time"] == 4
    assert body["share_on_time"] == "0.800"
    assert body["dispatch_working_days_late"] == {"count": 5, "median": "0.0", "p90": "3.0"}
    # Advice in the period: A and B 12 minutes after (the walk's), C 40.
    assert body["minutes_conversation_to_advice"] == {"count": 3, "median": "12.0", "p90": "34.4"}
    assert _by_key(body["outcomes"]) == {"adjust": 1, "other_offer": 1}
    assert body["citizens_not_informed"] == 1


def test_the_region_team_and_municipality_filters(api: Any, counted: dict[str, Any]) -> None:
    region = api("klinisk").get("/statistics", **PERIOD).json()
    # Klinisk Funktion counts the cases sent to its coordinators: B, C, D, F and H; the two
    # refused requests never reached the region, so the refusals are not its figures at all.
    assert region["scope"]["basis"] == "sent_cases"
    assert region["requests_sent"] == 5
    assert (region["requests"], region["refusals_total"], region["refusals_by_reason"]) == (
        None,
        None,
        [],
    )
    assert region["citizens_not_informed"] is None
    assert region["dispatches"] == 5
    team = api("klinisk").get("/statistics", team=counted["odense_team"], **PERIOD).json()
    assert team["requests_sent"] == 5  # the refused never reached the team
    assert team["dispatches"] == 5
    copenhagen = api("klinisk2").get("/statistics", municipality=counted["copenhagen"], **PERIOD)
    body = copenhagen.json()
    assert (body["requests_sent"], body["citizens_not_informed"]) == (1, None)
    assert _by_key(body["outcomes"]) == {"unchanged": 1}
    assert body["request_to_meeting_days"] == {"count": 1, "median": "25.0", "p90": "25.0"}


def test_a_team_counts_the_advice_and_decisions_of_its_own_cases(
    api: Any, counted: dict[str, Any], treat: Any
) -> None:
    """Odense's second team holds J's meeting on 10 March: J's advice (25 minutes after the
    talk) and decision (unchanged) are Odense's and that team's, not the first team's. (A team's
    advice is that given after a conversation at its meeting; its decisions those of the cases
    it has had on an agenda.)"""
    second = RehabTeam.objects.create(
        municipality_id=counted["odense"], name="Rehab Syd", location="Ørbækvej 100, Odense"
    )
    treat(
        MAR_10,
        Status.DECIDED,
        team=second,
        requested_days_before=20,
        outcome=Outcome.UNCHANGED,
        advice_minutes=25,
    )
    odense = api("klinisk").get("/statistics", municipality=counted["odense"], **PERIOD).json()
    first = api("klinisk").get("/statistics", team=counted["odense_team"], **PERIOD).json()
    other = api("klinisk").get("/statistics", team=second.pk, **PERIOD).json()
    # Odense: A adjusted, B another offer, J unchanged; advice of A, B, C and J.
    assert _by_key(odense["outcomes"]) == {"adjust": 1, "other_offer": 1, "unchanged": 1}
    assert odense["minutes_conversation_to_advice"]["count"] == 4
    # The first team: as before J (A and B decided, A, B and C advised).
    assert _by_key(first["outcomes"]) == {"adjust": 1, "other_offer": 1}
    assert first["minutes_conversation_to_advice"] == {"count": 3, "median": "12.0", "p90": "34.4"}
    # The second team: J alone.
    assert _by_key(other["outcomes"]) == {"unchanged": 1}
    assert other["minutes_conversation_to_advice"] == {"count": 1, "median": "25.0", "p90": "25.0"}
    months = api("klinisk").get("/statistics/monthly", team=second.pk, **PERIOD)
    assert months.status_code == 200, months.content
    march = next(m for m in months.json()["months"] if m["month"] == "2026-03-01")
    assert (march["advice"], march["decisions"]) == (1, 1)


def test_figures_outside_the_users_scope_are_not_found(api: Any, counted: dict[str, Any]) -> None:
    for username, params in (
        ("leder", {"municipality": counted["copenhagen"]}),
        ("klinisk2", {"municipality": counted["odense"]}),
        ("klinisk2", {"team": counted["odense_team"]}),
        ("sagsbehandler", {}),
        ("koordinator", {}),
        ("borger", {}),
    ):
        response = api(username).get("/statistics", **PERIOD, **params)
        assert response.status_code == 404, (username, params)
    backwards = api("leder").get("/statistics", **{"from": "2026-03-01", "to": "2026-02-01"})
    assert (backwards.status_code, backwards.json()["error"]["code"]) == (422, "invalid_period")
    missing = api("leder").get("/statistics")
    assert missing.status_code == 400


def test_the_figures_cost_the_same_queries_for_few_and_many_cases(
    api: Any, counted: dict[str, Any], treat: Any
) -> None:
    """Database aggregates: the number of queries does not grow with the number of cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leder = api("leder")  # the token is made here, outside the count

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert leder.get("/statistics", **PERIOD).status_code == 200
        return len(captured)

    few = queries()
    for day in (FEB_17, MAR_10, MAR_17):
        treat(day, Status.DECIDED, requested_days_before=14, advice_minutes=9)
    assert leder.get("/statistics", **PERIOD).json()["requests"] == 10
    assert queries() == few


def test_the_page_shows_each_chart_with_its_table(world: World, counted: dict[str, Any]) -> None:
    browser = Client()
    browser.force_login(world.users["klinisk"])
    response = browser.get("/statistik/", {"date_from": "2026-02-01", "date_to": "2026-03-31"})
    assert response.status_code == 200
    html = response.content.decode()
    # Klinisk Funktion: cancellations, the sent cases' states, outcomes and the months; no
    # refusals (never its).
    assert html.count('<svg role="img"') == 4
    assert html.count("<caption>") >= 3
    assert "Borgeren er ikke i ressourceforløb" not in html
    browser.force_login(world.users["leder"])
    manager = browser.get("/statistik/", {"date_from": "2026-02-01", "date_to": "2026-03-31"})
    html_manager = manager.content.decode()
    # The manager also sees the refusals and all the municipality's cases by state.
    assert html_manager.count('<svg role="img"') == 6
    assert "Borgeren er ikke i ressourceforløb" in html_manager
    browser.force_login(world.users["klinisk"])
    assert 'aria-labelledby="chart-cancellations-title"' in html
    assert 'aria-labelledby="chart-outcomes-title"' in html
    bad = browser.get("/statistik/", {"date_from": "2026-03-01", "date_to": "2026-02-01"})
    assert bad.status_code == 200
    assert "Slutdatoen ligger før startdatoen." in bad.content.decode()
    other_team = RehabTeam.objects.get(municipality__code="101")
    refused = browser.get(
        "/statistik/",
        {"date_from": "2026-02-01", "date_to": "2026-03-31", "team": other_team.pk},
    )
    # Another region's team is not among the choices: the form says so and shows no figures.
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'id="id_team_error"' in html
    assert "Nøgletal" not in html


def test_a_manager_and_klinisk_funktion_see_equal_figures_for_one_municipality(
    api: Any, counted: dict[str, Any]
) -> None:
    """Both see Odense's cases sent to the region; every figure of those is the same number for
    both. Only the manager, who sees every Odense case, gets the municipality's own figures."""
    from sundhedskoordinator.reports.selectors import MUNICIPAL_ONLY, SHARED

    odense = {"municipality": counted["odense"], **PERIOD}
    manager = api("leder").get("/statistics", **odense).json()
    klinisk = api("klinisk").get("/statistics", **odense).json()
    for key in SHARED:
        assert manager[key] == klinisk[key], key
    # Counted by hand (the fixture): B, C, D, F and H requested in the period and sent.
    assert klinisk["requests_sent"] == 5
    sent_states = {
        row["key"]: row["count"] for row in klinisk["sent_cases_by_state"] if row["count"]
    }
    assert sent_states == {"decided": 1, "advised": 1, "sent": 1, "ready": 1, "held": 1}
    # No row for a state a sent case can never be in.
    assert {row["key"] for row in klinisk["sent_cases_by_state"]}.isdisjoint(
        {"draft", "submitted", "rejected"}
    )
    # The municipality's own figures: the manager's, counted by hand; Klinisk's left out.
    assert manager["scope"]["basis"] == "all_cases"
    assert (manager["requests"], manager["refusals_total"]) == (7, 2)
    assert klinisk["scope"]["basis"] == "sent_cases"
    for key in MUNICIPAL_ONLY:
        assert klinisk[key] in (None, []), key
        assert manager[key] not in (None, []), key
    # Each says in words whose cases it counts.
    assert "alle sager i Odense Kommune" in manager["scope"]["description"]
    assert "sendt til regionens sundhedskoordinatorer" in klinisk["scope"]["description"]


def test_the_page_says_whose_cases_are_counted_and_leaves_out_rows_it_cannot_see(
    world: World, counted: dict[str, Any]
) -> None:
    query = {"date_from": "2026-02-01", "date_to": "2026-03-31"}
    client = Client()
    client.force_login(world.users["klinisk"])
    page = client.get("/statistik/", query).content.decode()
    assert "Hvis sager tælles med" in page
    assert "sendt til regionens sundhedskoordinatorer" in page
    assert "Afvisninger efter årsag" not in page
    assert "Afviste anmodninger" not in page
    assert "uden skriftlig vejledning" not in page
    assert "Anmodninger i perioden, der er sendt til sundhedskoordinator" in page
    client.force_login(world.users["leder"])
    page = client.get("/statistik/", query).content.decode()
    assert "Afvisninger efter årsag" in page and "Afviste anmodninger" in page
    assert "alle sager i Odense Kommune" in page


def test_the_figures_month_by_month_counted_by_hand(api: Any, counted: dict[str, Any]) -> None:
    manager = api("leder").get("/statistics/monthly", **PERIOD).json()
    months = {row["month"]: row for row in manager["months"]}
    assert list(months) == ["2026-02-01", "2026-03-01"]
    feb, mar = months["2026-02-01"], months["2026-03-01"]
    # Sent requests: B (18 Feb), C (5 Feb), F (8 Feb); D (2 Mar), H (15 Mar).
    assert (feb["requests_sent"], mar["requests_sent"]) == (3, 2)
    # Meetings: A on 17 Feb; B and F on 10 Mar, C and D on 17 Mar (C sent late).
    assert (feb["dispatches"], mar["dispatches"]) == (1, 4)
    assert (feb["dispatches_on_time"], mar["dispatches_on_time"]) == (1, 3)
    assert (feb["cancellations"], mar["cancellations"]) == (0, 1)  # F on 10 Mar
    assert (feb["advice"], mar["advice"]) == (1, 2)  # A; B and C
    # The manager's own: all requests (the two refused in February too), and the refusals.
    assert (feb["requests"], mar["requests"]) == (5, 2)
    assert (feb["refusals"], mar["refusals"]) == (2, 0)
    klinisk = api("klinisk").get("/statistics/monthly", municipality=counted["odense"], **PERIOD)
    body = klinisk.json()
    assert [s["key"] for s in body["series"]] == [
        "requests_sent",
        "dispatches",
        "dispatches_on_time",
        "cancellations",
        "advice",
        "decisions",
    ]
    for row, mine in zip(body["months"], manager["months"], strict=True):
        assert set(row) == {"month", *[s["key"] for s in body["series"]]}
        assert all(row[key] == mine[key] for key in row), row


def test_the_months_cost_the_same_queries_for_two_months_and_two_years(
    api: Any, counted: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leder = api("leder")

    def queries(start: str, end: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            answer = leder.get("/statistics/monthly", **{"from": start, "to": end})
            assert answer.status_code == 200
        return len(captured)

    assert queries("2026-02-01", "2026-03-31") == queries("2025-01-01", "2026-12-31")
    long = leder.get("/statistics/monthly", **{"from": "2025-01-01", "to": "2026-12-31"}).json()
    assert len(long["months"]) == 24
    too_long = leder.get("/statistics/monthly", **{"from": "2024-01-01", "to": "2026-12-31"})
    assert too_long.status_code == 422


def test_the_months_export_for_a_danish_spreadsheet_and_as_xlsx(
    world: World, counted: dict[str, Any]
) -> None:
    import io

    from openpyxl import load_workbook

    query = {"date_from": "2026-02-01", "date_to": "2026-03-31", "municipality": counted["odense"]}
    client = Client()
    client.force_login(world.users["leder"])
    page = client.get("/statistik/", query).content.decode()
    assert "Udviklingen måned for måned" in page
    assert "februar 2026" in page and "marts 2026" in page
    assert "/statistik/pr-maaned.csv?" in page and "/statistik/pr-maaned.xlsx?" in page
    answer = client.get("/statistik/pr-maaned.csv", query)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="statistik-pr-maaned-odense-kommune-2026-02-01-2026-03-31.csv"'
        in answer["Content-Disposition"]
    )
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeffmåned;Anmodninger sendt til sundhedskoordinator;")
    lines = text.strip("\ufeff").splitlines()
    assert lines[1].startswith("01-02-2026;3;1;1;0;1;")
    assert lines[2].startswith("01-03-2026;2;4;3;1;2;")
    workbook = load_workbook(io.BytesIO(client.get("/statistik/pr-maaned.xlsx", query).content))
    sheet = workbook["Pr. måned"]
    assert [cell.value for cell in sheet[1]][:2] == [
        "måned",
        "Anmodninger sendt til sundhedskoordinator",
    ]
    assert sheet.cell(row=2, column=2).value == 3
    assert sheet.cell(row=3, column=3).value == 4
    assert "alle sager i Odense Kommune" in workbook["Oplysninger"]["B4"].value
    # A bad period goes back to the page, which says what is wrong; an unknown format is 404.
    bad = client.get("/statistik/pr-maaned.csv", {**query, "date_to": "2026-01-01"})
    assert bad.status_code == 302
    assert client.get("/statistik/pr-maaned.pdf", query).status_code == 404
    client.force_login(world.users["sagsbehandler"])
    assert client.get("/statistik/pr-maaned.csv", query).status_code == 404


def test_a_cancellation_from_before_the_codes_counts_as_other(
    api: Any, counted: dict[str, Any]
) -> None:
    """An item cancelled before cancellations had codes has none (""): it is counted, as other,
    in the period and in its month."""
    from sundhedskoordinator.cases.models import AgendaItem

    before_codes = AgendaItem.objects.filter(meeting__date=MAR_10, cancelled_at__isnull=False)
    assert before_codes.update(cancel_code="") == 1  # F
    body = api("leder").get("/statistics", **PERIOD).json()
    assert body["cancellations_total"] == 1
    assert _by_key(body["cancellations_by_reason"]) == {"other": 1}
    months = api("leder").get("/statistics/monthly", **PERIOD).json()["months"]
    assert [row["cancellations"] for row in months] == [0, 1]


def test_a_corrected_advice_counts_once_by_the_first_version(
    api: Any, counted: dict[str, Any], world: World
) -> None:
    """The minutes from conversation to advice are those of the first advice: a correction the
    next day (a new version, some 1,500 minutes after the conversation) adds no value."""
    advised = Case.objects.get(municipality__code="461", status=Status.ADVISED)  # C
    with clock.frozen(local(dt.date(2026, 3, 18), 10)):
        write_advice(
            actor=world.users["koordinator"],
            case_id=advised.pk,
            text="Rettet: skånehensyn præciseret efter samtalen.",
            correction_reason="Skånehensynene var ikke skrevet tydeligt nok.",
        )
    assert advised.advice_versions.count() == 2
    body = api("leder").get("/statistics", **PERIOD).json()
    # As in the hand count: A and B 12 minutes, C 40; C's correction is not a value.
    assert body["minutes_conversation_to_advice"] == {"count": 3, "median": "12.0", "p90": "34.4"}
