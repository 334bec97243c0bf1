"""Property-based: whatever a user puts in the address of a list or figures page (page numbers,
page sizes, filters, dates), the page answers 200 and shows what it was asked for when that is
written as the page writes it, and otherwise the default it names; never a server error, never
another filter than the one written. The expected values are read from the query by the test's
own rules, through Django's test client on the real views."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import World
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.citizens import services as citizen_services

#: The registered citizens beyond the world's one: two pages of 25 on the register.
MORE_CITIZENS = 30

PIECES = [
    *"0123456789",
    "25",
    "50",
    "100",
    "-",
    "+",
    "_",
    " ",
    ".",
    ",",
    "1",
    "0",
    "2026-12-15",
    "15.12.2026",
    "2026-02-30",
    "9" * 30,  # beyond a 64-bit integer
    *Status.values[:4],
    "active",
    "none",
    "name",
    "course",
    "deadline",
    "١",  # an Arabic-Indic one
    "２",  # a full-width two
    "\x00",
    "\u200f",
    "😀",
    "æøå",
    "<script>",
    "%",
    "x" * 500,
]
VALUE = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
SLOW = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _digits(text: str | None) -> int | None:
    """A whole number written in ASCII digits (at most 18, the pages' limit), else None."""
    if text and re.fullmatch("[0-9]{1,18}", text):
        return int(text)
    return None


def _day(text: str | None) -> dt.date | None:
    """A day written as a date input sends it, YYYY-MM-DD, else None."""
    found = re.fullmatch("([0-9]{4})-([0-9]{2})-([0-9]{2})", text or "")
    if not found:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _written_day(text: str) -> dt.date | None:
    """A day in a page's date field: YYYY-MM-DD or D.M.YYYY (Danish), by the digits' values."""
    text = "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
        for c in text.strip()
    )
    iso = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})- ?([0-9]{1,2})", text)
    danish = re.fullmatch(r" ?([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", text)
    parts = (
        (iso[1], iso[2], iso[3]) if iso else (danish[3], danish[2], danish[1]) if danish else None
    )
    if parts is None:
        return None
    try:
        return dt.date(*(int(part) for part in parts))
    except ValueError:
        return None


def _expected_page(side: str | None, pages: int) -> set[int]:
    """The page shown for ``side``: that page when it exists, the last one past the end (and
    for 0), the first when nothing is asked; for other text the first or the last."""
    number = _digits(side)
    if number is None:
        return {1} if not side else {1, pages}
    return {number} if 1 <= number <= pages else {pages}


#: The registered citizens in a ressourceforløb (since 2025, without an end) and never told in
#: writing about the right: every third.
IN_COURSE = {n for n in range(MORE_CITIZENS) if n % 3 == 0}


@pytest.fixture
def register(world: World) -> None:
    for n in range(MORE_CITIZENS):
        citizen_services.create_citizen(
            actor=world.users["sagsbehandler"],
            cpr=f"{n % 28 + 1:02d}0670{2000 + n:04d}",
            name=f"Borger {n:02d}",
            municipality=world.team.municipality,
            course_start=dt.date(2025, 1, 1) if n in IN_COURSE else None,
        )


QUERY = st.fixed_dictionaries(
    {},
    optional={
        key: VALUE
        for key in ("side", "antal", "forloeb", "order", "uden-vejledning", "status", "mine")
    },
)


@given(query=QUERY)
@example({"side": "2"})
@example({"side": "3"})
@example({"side": "0"})
@example({"side": "9" * 30})
@example({"side": "-1", "antal": "50"})
@example({"side": "١"})
@example({"antal": "100000", "order": "\x00"})
@example({"uden-vejledning": "1"})
@example({"forloeb": "active", "uden-vejledning": "1"})
@example({"forloeb": "none", "uden-vejledning": "1"})
@example({"forloeb": "active"})
@example({"forloeb": "none"})
@SLOW
def test_the_register_shows_the_page_and_filters_asked_for_or_the_defaults(
    client: Any, world: World, register: None, query: dict[str, str]
) -> None:
    client.force_login(world.users["sagsbehandler"])
    answer = client.get(reverse("citizens:list"), query)
    assert answer.status_code == 200
    size = int(query["antal"]) if query.get("antal") in ("25", "50", "100") else 25
    # The world's citizen is in a ressourceforløb and has had written guidance; of the others,
    # those IN_COURSE are in one without it, the rest in none.
    coursed = {f"new {n}" for n in IN_COURSE}
    listed = {"world", *(f"new {n}" for n in range(MORE_CITIZENS))}
    if query.get("forloeb") == "active":
        listed &= {"world"} | coursed
    if query.get("forloeb") == "none":
        listed -= {"world"} | coursed
    if query.get("uden-vejledning") == "1":
        # In a ressourceforløb today and not told in writing (BEK 2409/2021 § 2).
        listed &= coursed
    pages = max(1, -(-len(listed) // size))
    page = answer.context["page"]
    assert (page.paginator.per_page, page.paginator.count) == (size, len(listed))
    assert page.number in _expected_page(query.get("side"), pages)
    assert answer.context["course"] == (
        query["forloeb"] if query.get("forloeb") in ("active", "none") else ""
    )
    assert answer.context["order"] == (
        query["order"] if query.get("order") in ("name", "course") else "name"
    )
    assert answer.context["without"] is (query.get("uden-vejledning") == "1")


CASE_QUERY = st.fixed_dictionaries(
    {},
    optional={
        key: VALUE
        for key in (
            "side",
            "antal",
            "status",
            "mine",
            "team",
            "ansvarlig",
            "moede_fra",
            "moede_til",
        )
    },
)


@given(query=CASE_QUERY)
@example({"status": "draft", "moede_fra": "2026-12-15", "moede_til": "2026-12-15"})
@example({"moede_fra": "2026-02-30", "moede_til": "15.12.2026"})
@example({"team": "9" * 18, "ansvarlig": "9" * 19})
@example({"team": "١", "side": "\x00"})
@SLOW
def test_the_case_list_filters_by_what_is_written_or_not_at_all(
    client: Any, world: World, query: dict[str, str]
) -> None:
    client.force_login(world.users["sagsbehandler"])
    answer = client.get(reverse("cases:list"), query)
    assert answer.status_code == 200
    context = answer.context
    assert context["status"] == (query["status"] if query.get("status") in Status.values else "")
    assert context["mine"] is (query.get("mine") == "1")
    assert context["size"] == (int(query["antal"]) if query.get("antal") in ("50", "100") else 25)
    assert context["team"] == _digits(query.get("team"))
    assert context["responsible"] == _digits(query.get("ansvarlig"))
    assert context["meeting_from"] == _day(query.get("moede_fra"))
    assert context["meeting_to"] == _day(query.get("moede_til"))
    assert context["page"].number == 1  # the world's cases fit on one page


@given(side=VALUE, mine=VALUE)
@example(side="2", mine="1")
@example(side="9" * 30, mine="")
@SLOW
def test_the_citizens_own_pages_page_whatever_is_asked(
    client: Any, world: World, side: str, mine: str
) -> None:
    client.force_login(world.users["borger"])
    for name in ("web:my-access-log", "post:inbox"):
        answer = client.get(reverse(name), {"side": side, "mine": mine})
        assert answer.status_code == 200
        page = answer.context["page"]
        assert page.number in _expected_page(side, page.paginator.num_pages)


DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))


def _formats(day: dt.date) -> list[str]:
    """The ways a day may be written in a Danish page's date field: as a date input sends it,
    and as Danes write it (with and without leading zeros)."""
    return [
        f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
        f"{day.day:02d}.{day.month:02d}.{day.year:04d}",
        f"{day.day}.{day.month}.{day.year}",
    ]


@given(start=DAYS, end=DAYS, written=st.integers(0, 2), region=VALUE, team=VALUE)
@example(dt.date(2026, 1, 1), dt.date(2026, 11, 23), 0, "", "")
@example(dt.date(2026, 1, 1), dt.date(2026, 11, 23), 1, "9" * 30, "\x00")
@SLOW
def test_the_statistics_read_the_period_as_written(
    client: Any,
    world: World,
    start: dt.date,
    end: dt.date,
    written: int,
    region: str,
    team: str,
) -> None:
    client.force_login(world.users["leder"])
    query = {
        "date_from": _formats(start)[written],
        "date_to": _formats(end)[written],
        "region": region,
        "team": team,
    }
    answer = client.get(reverse("reports:statistics"), query)
    assert answer.status_code == 200
    form = answer.context["form"]
    assert form.cleaned_data["date_from"] == start
    assert form.cleaned_data["date_to"] == end
    if region.strip() and form.is_valid():
        assert form.cleaned_data["region"] == int(region)


@given(date_from=VALUE, date_to=VALUE, municipality=VALUE)
@example("2026-10-01", "2026-10-31", "")
@example("01.10.2026", "31.10.2026", "9" * 30)
@example("2026-10-31", "2026-10-01", "\x00")
@SLOW
def test_the_settlement_page_answers_any_period_in_its_address(
    client: Any, world: World, date_from: str, date_to: str, municipality: str
) -> None:
    client.force_login(world.users["klinisk"])
    answer = client.get(
        reverse("billing:settlement"),
        {"municipality": municipality, "date_from": date_from, "date_to": date_to},
    )
    assert answer.status_code == 200
    form = answer.context["form"]
    if form.is_valid():
        assert form.cleaned_data["date_from"] == _written_day(date_from)
        assert form.cleaned_data["date_to"] == _written_day(date_to)
    elif _written_day(date_from) and _written_day(date_to):
        assert set(form.errors) <= {"municipality", "__all__"}, form.errors
