"""Property-based: a CPR number built from its parts (a date of birth, the century digit that
fits it, three more digits) is read back exactly, however it is written; anything else is
refused with the one Danish message, which never repeats the number. The same holds where a
number is typed: the register's form, and the search of the register and the case list, which
keep a number only as its hash and never put it in the address.

The century digit's table is the test's own (CPR-kontoret's), not the one under test."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import World
from sundhedskoordinator.citizens.cpr import (
    INVALID_CPR,
    birth_date,
    looks_like_cpr,
    lookup_hash,
    mask_cpr,
    normalise_cpr,
    validate_cpr,
)
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.search import Search

#: The years each 7th digit stands for (CPR-kontoret, "Personnummeret i CPR-systemet").
CENTURIES: dict[int, list[range]] = {
    **{digit: [range(1900, 2000)] for digit in (0, 1, 2, 3)},
    **{digit: [range(2000, 2037), range(1937, 2000)] for digit in (4, 9)},
    **{digit: [range(2000, 2058), range(1858, 1900)] for digit in (5, 6, 7, 8)},
}
#: What people write between the date and the last four digits.
SEPARATORS = ["", "-", " ", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", ".", "/"]


def _year(seventh: int, two_digits: int) -> int | None:
    for years in CENTURIES[seventh]:
        for year in years:
            if year % 100 == two_digits:
                return year
    return None


@st.composite
def _cpr(draw: Any) -> tuple[str, dt.date]:
    """A valid number (its 10 digits) and the date of birth it encodes."""
    born = draw(st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2057, 12, 31)))
    sevenths = [d for d, ranges in CENTURIES.items() if any(born.year in r for r in ranges)]
    seventh = draw(st.sampled_from(sevenths))
    rest = draw(st.integers(min_value=0, max_value=999))
    return f"{born:%d%m}{born.year % 100:02d}{seventh}{rest:03d}", born


def _written(digits: str, separator: str, before: str, after: str) -> str:
    return f"{before}{digits[:6]}{separator}{digits[6:]}{after}"


PADDING = st.sampled_from(["", " ", "  ", "\t", "\n"])
SLOW = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(cpr=_cpr(), separator=st.sampled_from(SEPARATORS), before=PADDING, after=PADDING)
@example(cpr=("0101901234", dt.date(1990, 1, 1)), separator="-", before="", after="")
@example(cpr=("2902004234", dt.date(2000, 2, 29)), separator="", before="", after="")
@settings(max_examples=200, deadline=None)
def test_a_number_built_from_its_parts_is_read_back_exactly(
    cpr: tuple[str, dt.date], separator: str, before: str, after: str
) -> None:
    digits, born = cpr
    typed = _written(digits, separator, before, after)
    assert validate_cpr(typed) is None  # accepted: it raises for an invalid number
    assert normalise_cpr(typed) == digits
    assert birth_date(normalise_cpr(typed)) == born
    assert mask_cpr(normalise_cpr(typed)) == f"{digits[:6]}-XXXX"
    assert looks_like_cpr(typed)


@given(
    day=st.integers(0, 99),
    month=st.integers(0, 99),
    year=st.integers(0, 99),
    seventh=st.integers(0, 9),
    rest=st.integers(0, 999),
)
@example(day=29, month=2, year=0, seventh=0, rest=0)  # 1900 was no leap year
@example(day=29, month=2, year=0, seventh=4, rest=0)  # 2000 was
@example(day=31, month=4, year=90, seventh=1, rest=0)
@settings(max_examples=200, deadline=None)
def test_ten_digits_are_valid_exactly_when_they_begin_with_a_real_date(
    day: int, month: int, year: int, seventh: int, rest: int
) -> None:
    digits = f"{day:02d}{month:02d}{year:02d}{seventh}{rest:03d}"
    full_year = _year(seventh, year)
    try:
        born = dt.date(full_year, month, day) if full_year else None
    except ValueError:
        born = None
    if born is None:
        with pytest.raises(ValidationError) as refused:
            validate_cpr(digits)
        assert refused.value.messages == [str(INVALID_CPR)]
        assert refused.value.error_list[0].code == "invalid_cpr"
    else:
        assert validate_cpr(digits) is None
        assert birth_date(digits) == born


PIECES = [
    *"0123456789",
    "0101901234",
    "120385",
    "1234",
    "-",
    " ",
    "\u2013",
    ".",
    "/",
    "+",
    "\xa0",
    "\u3000",
    "١",  # Arabic-Indic one: a digit to str.isdigit, not to a CPR number
    "５",  # a full-width five
    "²",
    "\x00",
    "\ud800",  # a lone surrogate: no UTF-8 can carry it, a Python string can
    "\u200f",
    "\u202e",
    "æøå",
    "😀",
    "<script>",
    "x" * 300,
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


def _written_as_a_cpr(text: str) -> str | None:
    """The 10 digits ``text`` is written as, by the module's documented rule (six and four ASCII
    digits with at most one dash, point, slash or space between them), else None."""
    found = re.fullmatch(
        r"\s*([0-9]{6})\s*[-\u2010\u2011\u2012\u2013\u2014\u2015./]?\s*([0-9]{4})\s*", text
    )
    return found.group(1) + found.group(2) if found else None


def _real_date(digits: str) -> bool:
    year = _year(int(digits[6]), int(digits[4:6]))
    try:
        dt.date(year or 0, int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        return False
    return True


def _digit_runs(text: str) -> list[str]:
    """The runs of digits in ``text`` long enough to be part of a number worth hiding."""
    return [run for run in re.findall("[0-9]+", text) if len(run) >= 4]


@given(text=TEXT)
@example("0101901234")
@example("010190-12345")
@example("010190--1234")
@example("٠١٠١٩٠١٢٣٤")  # Arabic-Indic digits are not taken for another person's number
@example("０１０１９０１２３４")
@example("3213851234")
@example("0101901234\x00")
@example("\ud8000101901234")
@settings(max_examples=200, deadline=None)
def test_any_other_text_is_refused_without_repeating_it(text: str) -> None:
    digits = _written_as_a_cpr(text)
    try:
        validate_cpr(text)
    except ValidationError as refused:
        assert digits is None or not _real_date(digits), text
        assert refused.messages == [str(INVALID_CPR)]
        for run in _digit_runs(text):
            assert run not in " ".join(refused.messages)
        return
    assert digits is not None and _real_date(digits), text
    assert normalise_cpr(text) == digits


@given(text=TEXT)
@example("010190-1234")
@example("120312-1203")
@example(" 0101901234 ")
@example("Mette\x00 Sørensen")
@example("x" * 300)
@settings(max_examples=200, deadline=None)
def test_a_search_keeps_a_number_only_as_its_hash(text: str) -> None:
    found = Search.parse(text)
    typed = text.replace("\x00", "").strip()[:100]
    digits = _written_as_a_cpr(typed)
    if digits is not None:
        assert found == Search(cpr_hash=lookup_hash(digits), shown=f"{digits[:6]}-XXXX")
        # The last four digits are never shown (they may occur in the date part, 001234-1234).
        assert digits[6:] not in found.shown[6:]
    elif not typed:
        assert found is None
    else:
        assert found == Search(text=typed, shown=typed)


def _register(client: Any, cpr: str) -> Any:
    return client.post(reverse("citizens:create"), {"cpr": cpr, "name": "Ny Borger"})


def _no_number_in(text: str, typed: str) -> None:
    for run in _digit_runs(typed):
        assert run not in text, "a CPR number was repeated"


#: Text a browser can send: a lone surrogate has no UTF-8 and never reaches a form.
SENDABLE = TEXT.filter(lambda text: "\ud800" not in text)


@given(
    typed=st.one_of(
        SENDABLE,
        st.builds(_written, _cpr().map(lambda c: c[0]), st.just("-"), st.just(""), st.just("")),
    )
)
@example("0101901234")
@example("1203851234")  # the world's citizen: already registered
@example("0101901234\x00")
@example("3213851234")
@SLOW
def test_the_register_form_registers_a_valid_number_or_says_why_not(
    client: Any, world: World, typed: str
) -> None:
    client.force_login(world.users["sagsbehandler"])
    registered = set(Citizen.objects.values_list("cpr_hash", flat=True))
    answer = _register(client, typed)
    digits = _written_as_a_cpr(typed.strip())
    if answer.status_code == 302:
        assert digits is not None and _real_date(digits) and len(typed.strip()) <= 11
        citizen = Citizen.objects.get(pk=int(answer.url.rstrip("/").rsplit("/", 1)[-1]))
        assert citizen.cpr_masked == f"{digits[:6]}-XXXX"
        assert citizen.cpr_hash == lookup_hash(digits)
        assert citizen.cpr_hash not in registered
        _no_number_in(answer.url, typed)
        return
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    messages = " ".join(errors.get("cpr", []))
    assert messages, (typed, errors)  # the refusal is said next to the number
    if digits is not None and _real_date(digits) and len(typed.strip()) <= 11:
        assert lookup_hash(digits) in registered  # refused only as a citizen already known
    _no_number_in(messages, typed)


def test_a_form_that_is_not_utf_8_is_refused_like_any_other_text(client: Any, world: World) -> None:
    client.force_login(world.users["sagsbehandler"])
    # A surrogate encoded as if it were a character, and a byte that starts no character.
    answer = client.post(
        reverse("citizens:create"),
        b"cpr=010190%FF234&name=Ny+Borger%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors["cpr"] == [str(INVALID_CPR)]


@given(typed=SENDABLE)
@example("010190-1234")
@example("1203851234")
@example("Sørensen")
@SLOW
def test_a_searched_number_never_reaches_the_address(client: Any, world: World, typed: str) -> None:
    client.force_login(world.users["sagsbehandler"])
    digits = _written_as_a_cpr(typed.replace("\x00", "").strip()[:100])
    for name in ("cases:list", "citizens:list"):
        answer = client.post(reverse(name) + "?antal=50", {"q": typed})
        assert answer.status_code == 302
        _no_number_in(answer.url, typed)
        listed = client.get(answer.url)
        assert listed.status_code == 200
        page = listed.content.decode()
        if digits is not None:
            assert f"{digits[:6]}-XXXX" in page
            assert digits not in page and f"{digits[:6]}-{digits[6:]}" not in page
