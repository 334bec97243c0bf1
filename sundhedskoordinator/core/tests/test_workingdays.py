import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sundhedskoordinator.core.workingdays import (
    add_working_days,
    dispatch_deadline,
    is_working_day,
    subtract_working_days,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 4, 2), False),  # Skærtorsdag
        (D(2026, 4, 3), False),  # Langfredag
        (D(2026, 4, 6), False),  # Anden påskedag
        (D(2026, 4, 7), True),
        (D(2026, 5, 14), False),  # Kristi himmelfartsdag
        (D(2026, 5, 15), True),  # the Friday after is open unless configured
        (D(2026, 5, 25), False),  # Anden pinsedag
        (D(2026, 6, 5), False),  # Grundlovsdag (extra closing day)
        (D(2026, 12, 24), False),  # juleaftensdag (extra closing day)
        (D(2026, 12, 31), False),  # nytårsaftensdag (extra closing day)
        (D(2027, 1, 1), False),  # nytårsdag
        (D(2023, 5, 5), False),  # Store Bededag 2023: still a holiday
        (D(2024, 4, 26), True),  # the day Store Bededag would have been in 2024
        (D(2026, 11, 21), False),  # Saturday
        (D(2026, 11, 23), True),  # an ordinary Monday
    ],
)
def test_danish_working_days(day, expected):
    assert is_working_day(day) is expected


def test_dispatch_deadline_counts_back_across_easter():
    # Meeting Tuesday 14 April 2026; Easter closes 2, 3 and 6 April.
    assert dispatch_deadline(D(2026, 4, 14), 10) == D(2026, 3, 26)


def test_dispatch_deadline_counts_back_across_christmas_and_new_year():
    # Meeting Monday 4 January 2027; 24, 25, 26, 31 December and 1 January are closed.
    assert dispatch_deadline(D(2027, 1, 4), 10) == D(2026, 12, 15)


def test_dispatch_deadline_across_ascension_and_whitsun():
    # Meeting Tuesday 26 May 2026: 25 May (Whit Monday) and 14 May (Ascension) are skipped.
    assert dispatch_deadline(D(2026, 5, 26), 10) == D(2026, 5, 8)


def test_store_bededag_counts_in_2024_but_not_in_2023():
    assert working_days_between(D(2023, 5, 4), D(2023, 5, 8)) == 1
    assert working_days_between(D(2024, 4, 25), D(2024, 4, 29)) == 2


def test_the_meeting_day_itself_is_not_counted():
    # Meeting on a Monday: the first day back is the Friday before.
    assert subtract_working_days(D(2026, 11, 23), 1) == D(2026, 11, 20)


def test_configured_closing_days_are_honoured(settings):
    settings.EXTRA_CLOSING_DAYS = [(5, 1)]
    assert not is_working_day(D(2026, 5, 1))
    assert is_working_day(D(2026, 6, 5))  # Grundlovsdag no longer configured
    settings.EXTRA_CLOSING_DAYS = [(6, 5), (12, 24), (12, 31)]
    assert is_working_day(D(2026, 5, 1))


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))
counts = st.integers(min_value=-60, max_value=60)


@given(day=days, count=counts)
def test_adding_n_working_days_lands_on_a_working_day(day, count):
    result = add_working_days(day, count)
    assert count == 0 or is_working_day(result)


@given(day=days, count=counts)
def test_counting_between_undoes_adding(day, count):
    # Counting is symmetric, (a, b] forwards and (b, a] backwards, so going back from a closed
    # day is undone only from a working day.
    if count >= 0 or is_working_day(day):
        assert working_days_between(day, add_working_days(day, count)) == count


@given(day=days, count=counts)
def test_adding_then_subtracting_returns_to_a_working_day(day, count):
    if is_working_day(day):
        assert subtract_working_days(add_working_days(day, count), count) == day


@given(day=days, a=counts, b=counts)
def test_adding_is_monotonic(day, a, b):
    if a < b:
        assert add_working_days(day, a) < add_working_days(day, b)


@given(start=days, middle=days, end=days)
def test_counting_is_additive(start, middle, end):
    assert working_days_between(start, middle) + working_days_between(
        middle, end
    ) == working_days_between(start, end)
