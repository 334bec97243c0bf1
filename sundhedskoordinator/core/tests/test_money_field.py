"""Property-based: an amount of money typed on a page (``MoneyField``, the rate of a case) is read
as the amount it is written as in the page's language, to the øre, or refused with the field's
own message; never read as another amount, never an exception.

The expected amounts are written by the test itself (``_written``), and for arbitrary text the
test reads it by its own rules (``_read``): the rules of the field's docstring."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sundhedskoordinator.core.forms import MoneyField

AMOUNTS = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)
#: What may group thousands in each language, and its decimal separator.
GROUPS = {"da": [".", " ", "\xa0", "\u202f"], "en": [",", " ", "\xa0", "\u202f"]}
DECIMAL = {"da": ",", "en": "."}
#: The message of an amount that is not written as one, in the language of each page.
NOT_A_NUMBER = {"da": "Indtast et tal.", "en": "Enter a number."}
REQUIRED = {"da": "Dette felt er påkrævet.", "en": "This field is required."}
EMPTY = "empty"

PIECES = [
    *"0123456789",
    *".,  ",
    "\xa0",
    "\u202f",
    "kr.",
    "kr",
    "e",
    "E",
    "_",
    "+",
    "-",
    "١",  # an Arabic-Indic one
    "１",  # a full-width one
    "²",
    "\x00",
    "\ud800",  # a lone surrogate: no UTF-8 can carry it, a Python string can
    "\u200f",
    "😀",
    "æøå",
    "NaN",
    "Infinity",
    "<b>",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def _field() -> MoneyField:
    # As the rate form has it: at most 10 digits, 2 of them after the decimal separator.
    return MoneyField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))


def _grouped(kroner: int, separator: str) -> str:
    digits = str(kroner)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return separator.join(groups)


def _written(amount: Decimal, language: str, separator: str, oere: str, suffix: str) -> str:
    kroner = int(amount)
    cents = int((amount - kroner) * 100)
    whole = _grouped(kroner, separator) if separator else str(kroner)
    if oere == "always" or (oere == "short" and cents):
        fraction = f"{cents:02d}" if oere == "always" else f"{cents:02d}".rstrip("0")
        whole += DECIMAL[language] + fraction
    return whole + suffix


@given(
    amount=AMOUNTS,
    language=st.sampled_from(["da", "en"]),
    grouping=st.integers(min_value=-1, max_value=3),
    oere=st.sampled_from(["always", "short"]),
    suffix=st.sampled_from(["", " kr.", "kr.", "\xa0kr."]),
    padding=st.sampled_from(["", " ", "\t", "\xa0"]),
)
@example(Decimal("2150.50"), "da", 0, "always", " kr.", "")
@example(Decimal("1000000.00"), "en", 0, "short", "", "")
@settings(max_examples=150, deadline=None)
def test_an_amount_written_in_the_pages_language_is_read_to_the_oere(
    amount: Decimal, language: str, grouping: int, oere: str, suffix: str, padding: str
) -> None:
    separator = "" if grouping < 0 else GROUPS[language][grouping]
    if language == "en" and suffix:
        suffix = ""  # "kr." belongs to the Danish way of writing an amount
    typed = padding + _written(amount, language, separator, oere, suffix) + padding
    with translation.override(language):
        assert _field().clean(typed) == amount


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _whole(text: str, groups: list[str]) -> str | None:
    """The kroner of ``text`` if they are plain digits or grouped in thousands by one of
    ``groups`` (the first group 1-3 digits, not starting with 0, the others 3), else None."""
    if text == "" or _digits(text):
        return text
    for separator in groups:
        parts = text.split(separator)
        if (
            len(parts) > 1
            and _digits(parts[0])
            and len(parts[0]) <= 3
            and parts[0][0] != "0"
            and all(_digits(p) and len(p) == 3 for p in parts[1:])
        ):
            return "".join(parts)
    return None


def _read(text: str, language: str) -> Decimal | str | None:
    """The amount ``text`` is written as, by the rules the field documents, ``EMPTY`` if nothing
    is written, or None."""
    text = text.strip()
    if text.endswith("kr."):
        text = text[:-3].strip()
    if not text:
        return EMPTY
    readings = []
    if DECIMAL[language] in text:
        whole, _, part = text.partition(DECIMAL[language])
        readings.append((whole, part))
    else:
        readings.append((text, ""))
    if language == "da" and text.count(".") == 1:
        whole, _, part = text.partition(".")
        readings.append((whole, part))  # a point as the decimal point: "2.5"
    for whole, part in readings:
        kroner = _whole(whole, GROUPS[language])
        if kroner is not None and (part == "" or _digits(part)) and (kroner or part):
            return Decimal(f"{kroner or 0}.{part or 0}")
    return None


def _within_the_rate_fields_limits(amount: Decimal) -> bool:
    whole, _, part = f"{amount:f}".partition(".")
    return amount >= Decimal("0.01") and len(whole.lstrip("0")) <= 8 and len(part) <= 2


@given(text=TEXT, language=st.sampled_from(["da", "en"]))
@example("0.001", "da")  # was read as 1 kr.: a leading 0 does not start a group of thousands
@example("0,001", "en")
@example("1 2", "da")  # was read as 12: spaces were taken out wherever they stood
@example("1e3", "da")  # was read as 1000: Python's number syntax, not an amount
@example("1_000", "da")
@example("١٢", "da")  # was read as 12
@example("+5", "en")
@example("2.500.5", "da")
@example("2.5", "da")
@example("2.150", "en")
@example("1.000,", "da")
@example("\x00", "da")
@settings(max_examples=200, deadline=None)
def test_any_other_text_is_read_by_the_documented_rules_or_refused(
    text: str, language: str
) -> None:
    expected = _read(text, language)
    with translation.override(language):
        try:
            amount = _field().clean(text)
        except forms.ValidationError as refusal:
            if expected is None:
                assert refusal.messages == [NOT_A_NUMBER[language]], text
            elif expected == EMPTY:
                assert refusal.messages == [REQUIRED[language]], text
            else:
                assert isinstance(expected, Decimal)
                assert not _within_the_rate_fields_limits(expected), (text, expected)
            return
    assert isinstance(expected, Decimal), (text, amount)
    assert amount == expected
    assert _within_the_rate_fields_limits(amount)


@pytest.mark.parametrize("typed", ["", " ", "kr.", " kr. "])
def test_an_empty_amount_is_required_not_a_number(typed: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        _field().clean(typed)
    assert refused.value.messages == [REQUIRED["da"]]
