"""Property-based: the API's list parameters (``page``, ``page_size``, filters, the search and
the days of a period) and the days in its bodies are read as the document writes them or
refused with 400 and the field named; never a server error, never another value. A day is
YYYY-MM-DD only: before, "0" and 0 were read as 1 January 1970 (seconds since 1970) and a
datetime at midnight as its day.

The expected pages and days are computed by the test (``_expected_items``, ``isoformat``)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import World
from sundhedskoordinator.api.schemas import NOT_A_DAY
from sundhedskoordinator.billing.models import Rate
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Citizen

pytestmark = pytest.mark.django_db

#: Citizens besides the world's one, so that a page can be full, partly full or past the end.
MORE_CITIZENS = 6
SLOW = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: New, valid CPR numbers for the citizens the body tests register (born 1 January 1971).
CPRS = (f"010171{n:04d}" for n in itertools.count(1))

PIECES = [
    *"0123456789",
    "-",
    "+",
    "_",
    " ",
    ".",
    ",",
    ":",
    "T",
    "Z",
    "e",
    "2026-12-15",
    "15.12.2026",
    "2026-02-30",
    "9" * 30,
    "١",  # an Arabic-Indic one
    "２",  # a full-width two
    "\x00",
    "\u200f",
    "😀",
    "æøå",
    "<script>",
    "x" * 200,
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=5).map("".join)


@pytest.fixture
def citizens(world: World) -> None:
    for n in range(MORE_CITIZENS):
        citizen_services.create_citizen(
            actor=world.users["sagsbehandler"],
            cpr=f"0202{72 + n}1234",
            name=f"Borger {n}",
            municipality=world.team.municipality,
        )


def _refused(answer: Any, field: str, sent: Any = None) -> None:
    """Refused as invalid at ``field``; a JSON body with a NUL in ``sent`` is refused whole, as
    a malformed body, before any field is read."""
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    if isinstance(sent, str) and "\x00" in sent:
        assert error["code"] == "malformed_body"
        return
    assert error["code"] == "invalid_input"
    assert field in json.dumps(error["fields"]) or not error["fields"]


def _expected_items(page: int, size: int, total: int) -> int:
    return max(0, min(size, total - (page - 1) * size))


@given(
    page=st.integers(min_value=-3, max_value=1_000_003),
    page_size=st.integers(min_value=-3, max_value=103),
)
@example(page=1, page_size=100)
@example(page=2, page_size=6)
@example(page=1_000_000, page_size=1)
@example(page=1_000_001, page_size=1)
@example(page=0, page_size=25)
@example(page=1, page_size=101)
@SLOW
def test_a_page_in_range_holds_what_is_left_and_one_out_of_range_is_refused(
    api: Any, citizens: None, page: int, page_size: int
) -> None:
    answer = api("sagsbehandler").get("/citizens", page=page, page_size=page_size)
    if not 1 <= page <= 1_000_000:
        _refused(answer, "page")
    elif not 1 <= page_size <= 100:
        _refused(answer, "page_size")
    else:
        assert answer.status_code == 200
        body = answer.json()
        assert body["count"] == MORE_CITIZENS + 1
        assert len(body["items"]) == _expected_items(page, page_size, MORE_CITIZENS + 1)


@given(page=TEXT, page_size=TEXT)
@example(page="١", page_size="")
@example(page="9" * 30, page_size="25")
@example(page="\x00", page_size="1")
@SLOW
def test_any_text_as_a_page_is_a_number_in_range_or_refused(
    api: Any, citizens: None, page: str, page_size: str
) -> None:
    answer = api("sagsbehandler").get("/citizens", page=page, page_size=page_size)
    assert answer.status_code in (200, 400), answer.content
    if answer.status_code == 200:
        # Read as whole numbers in range (an empty parameter is left out: its default).
        for text, top in ((page, 1_000_000), (page_size, 100)):
            if text.strip():
                assert 1 <= int(text.strip().replace("_", "")) <= top
    elif re.fullmatch("[1-9][0-9]{0,5}", page) and re.fullmatch("[1-9][0-9]?", page_size):
        pytest.fail(f"page {page!r} of {page_size!r} was refused")


@given(status=TEXT, q=TEXT)
@example(status="draft", q="")
@example(status="draft,sent", q="Sørensen")
@example(status="\x00", q="a\x00b")
@SLOW
def test_a_status_filter_or_search_of_any_text_never_fails(
    api: Any, world: World, status: str, q: str
) -> None:
    answer = api("sagsbehandler").get("/cases", status=status, q=q)
    if answer.status_code == 400:
        # What a database cannot compare (a NUL on PostgreSQL), a search over 100 characters,
        # or a search written as a CPR number.
        error = answer.json()["error"]
        assert error["code"] == "invalid_input"
        for run in re.findall("[0-9]{6,}", status + q):
            assert run not in json.dumps(error)
        return
    assert answer.status_code == 200, answer.content
    assert answer.json()["count"] == 0  # the world holds no case


@given(
    cpr=st.tuples(st.integers(0, 999999), st.integers(0, 9999)),
    separator=st.sampled_from(["", "-", " ", "–", "/"]),
)
@example(cpr=(120385, 1234), separator="-")
@SLOW
def test_a_cpr_number_in_the_search_is_refused_without_being_repeated(
    api: Any, world: World, cpr: tuple[int, int], separator: str
) -> None:
    written = f"{cpr[0]:06d}{separator}{cpr[1]:04d}"
    answer = api("sagsbehandler").get("/cases", q=written)
    _refused(answer, "q")
    assert f"{cpr[0]:06d}" not in answer.content.decode()
    assert f"{cpr[1]:04d}" not in answer.content.decode()


DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


def _written_as_a_day(text: str) -> dt.date | None:
    found = re.fullmatch("([0-9]{4})-([0-9]{2})-([0-9]{2})", text)
    if not found:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


@given(first=st.one_of(DAYS.map(dt.date.isoformat), TEXT), last=DAYS.map(dt.date.isoformat))
@example(first="0", last="2026-12-15")  # was read as 1 January 1970
@example(first="1700000000", last="2026-12-15")
@example(first="2026-12-15T00:00:00Z", last="2026-12-15")  # was read as its day
@example(first="15.12.2026", last="2026-12-15")
@example(first="2026-02-30", last="2026-12-15")
@SLOW
def test_a_period_in_a_list_query_is_read_as_its_days_or_refused(
    api: Any, world: World, first: str, last: str
) -> None:
    client = api("sekretariat")
    for path, names in (
        ("/cases", ("meeting_from", "meeting_to")),
        ("/meetings", ("date_from", "date_to")),
    ):
        answer = client.get(path, **dict(zip(names, (first, last), strict=True)))
        day = _written_as_a_day(first)
        if day is None:
            _refused(answer, names[0])
            if not re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", first):
                assert NOT_A_DAY in json.dumps(answer.json(), ensure_ascii=False)
        else:
            assert answer.status_code == 200, answer.content
    meetings = client.get("/meetings", date_from=first, date_to=last)
    if meetings.status_code == 200:
        start = _written_as_a_day(first) or dt.date.min
        for meeting in meetings.json()["items"]:
            assert start <= dt.date.fromisoformat(meeting["date"]) <= dt.date.fromisoformat(last)


BODY_DAY = st.one_of(
    DAYS.map(dt.date.isoformat),
    TEXT,
    st.integers(min_value=-(2**40), max_value=2**40),
    st.just(None),
)


@given(start=BODY_DAY, given_on=BODY_DAY)
@example(start=0, given_on="2026-03-01")  # was 1 January 1970
@example(start="0", given_on="2026-03-01")
@example(start="2026-03-01T00:00:00", given_on="2026-03-01")
@example(start="2026-03-01", given_on=1772323200)  # 1 March 2026 in seconds since 1970
@SLOW
def test_a_day_in_a_body_is_kept_as_written_or_refused(
    api: Any, world: World, start: Any, given_on: Any
) -> None:
    client = api("sagsbehandler")
    before = Citizen.objects.count()
    body = {"cpr": next(CPRS), "name": "Ny Borger", "resource_course_start": start}
    answer = client.post("/citizens", body)
    day = _written_as_a_day(start) if isinstance(start, str) else None
    if start is not None and day is None:
        _refused(answer, "resource_course_start", start)
        assert Citizen.objects.count() == before
        return
    assert answer.status_code == 201, answer.content
    course = answer.json()["resource_course"]
    assert (course or {}).get("start_date") == (day.isoformat() if day else None)
    citizen_id = answer.json()["id"]
    guidance = client.post(
        f"/citizens/{citizen_id}/guidance", {"given_on": given_on, "channel": "letter"}
    )
    written = _written_as_a_day(given_on) if isinstance(given_on, str) else None
    if written is None:
        _refused(guidance, "given_on", given_on)
    elif guidance.status_code == 201:
        assert guidance.json()["given_on"] == written.isoformat()
    else:
        # A day the service refuses (before the ressourceforløb, in the future): 422, in words.
        assert guidance.status_code == 422, guidance.content


#: Days for new rates: each after the newest, as a new rate must be.
RATE_DAYS = (dt.date(2027, 1, 1) + dt.timedelta(days=n) for n in itertools.count())
AMOUNTS = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)
AMOUNT_PIECES = [*"0123456789", ".", ",", "-", "+", "e", "_", " ", "NaN", "Infinity", "١", "\x00"]


@given(amount=AMOUNTS, as_text=st.booleans())
@example(amount=Decimal("2150.50"), as_text=True)
@example(amount=Decimal("0.10"), as_text=False)  # 0.1 has no exact binary float
@SLOW
def test_a_rate_is_kept_to_the_oere_as_sent(
    api: Any, world: World, amount: Decimal, as_text: bool
) -> None:
    sent: Any = f"{amount:f}" if as_text else float(amount)
    answer = api("klinisk").post(
        "/rates",
        {
            "region": world.team.municipality.region_id,
            "amount": sent,
            "valid_from": next(RATE_DAYS).isoformat(),
        },
    )
    assert answer.status_code == 201, answer.content
    assert Decimal(str(answer.json()["amount"])) == amount
    assert Rate.objects.get(pk=answer.json()["id"]).amount == amount


@given(text=st.lists(st.sampled_from(AMOUNT_PIECES), max_size=8).map("".join))
@example("2.150,50")  # the Danish way is the pages'; the API takes decimal strings
@example("1e3")
@example("-5")
@example("0.001")
@SLOW
def test_a_rate_of_any_text_is_that_decimal_or_refused(api: Any, world: World, text: str) -> None:
    before = Rate.objects.count()
    answer = api("klinisk").post(
        "/rates",
        {
            "region": world.team.municipality.region_id,
            "amount": text,
            "valid_from": next(RATE_DAYS).isoformat(),
        },
    )
    if answer.status_code == 201:
        stored = Rate.objects.get(pk=answer.json()["id"]).amount
        assert stored == Decimal(text.strip()) and stored > 0, text
        return
    assert answer.status_code in (400, 422), answer.content
    # A NUL anywhere in a JSON body refuses the body before any field is read.
    codes = ("malformed_body",) if "\x00" in text else ("invalid_input", "rate_invalid")
    assert answer.json()["error"]["code"] in codes
    assert Rate.objects.count() == before
