"""Working-day rules found missing by mutation testing (docs/dev/testing.md); each expected
value is a hand count on the calendar (December 2026: Monday 14th to Friday 18th are working
days, Thursday 24th is a closing day by default)."""

from __future__ import annotations

import datetime as dt

from sundhedskoordinator.core.workingdays import (
    add_working_days,
    is_working_day,
    subtract_working_days,
    working_days_between,
)

D = dt.date


def test_no_working_days_lie_between_a_day_and_itself() -> None:
    assert working_days_between(D(2026, 12, 14), D(2026, 12, 14)) == 0
    assert add_working_days(D(2026, 12, 14), 0) == D(2026, 12, 14)


def test_counting_backwards_gives_the_same_number_negated() -> None:
    # After Monday 14 up to and including Friday 18: the 15th, 16th, 17th and 18th.
    assert working_days_between(D(2026, 12, 14), D(2026, 12, 18)) == 4
    assert working_days_between(D(2026, 12, 18), D(2026, 12, 14)) == -4


def test_closing_days_given_by_the_caller_are_the_ones_counted() -> None:
    assert not is_working_day(D(2026, 12, 24))
    assert is_working_day(D(2026, 12, 24), closing_days=((), ()))
    assert not is_working_day(D(2026, 12, 23), closing_days=(((12, 23),), ()))


def test_a_movable_closing_day_is_counted_from_easter(settings) -> None:
    """Issue 16, point 7: "the day after Ascension" as a rule. Easter Sunday 2027 is 28 March,
    Ascension Day (a public holiday) Thursday 6 May, the day after Friday 7 May; in 2026 Easter
    is 5 April and the Friday after Ascension 15 May."""
    settings.EXTRA_CLOSING_EASTER_OFFSETS = [40]
    assert not is_working_day(D(2027, 5, 7)) and not is_working_day(D(2026, 5, 15))
    assert is_working_day(D(2027, 5, 10)) and is_working_day(D(2027, 5, 5))
    # A deadline counted over it skips it: 10 working days before Tuesday 18 May 2027 (Whit
    # Monday 17 May is a holiday). Back: 14, 13, 12, 11, 10, (7 closed, 6 Ascension), 5, 4, 3,
    # 30 Apr, 29 Apr -> Thursday 29 April; without the rule the 7th counts -> Friday 30 April.
    assert subtract_working_days(D(2027, 5, 18), 10) == D(2027, 4, 29)
    settings.EXTRA_CLOSING_EASTER_OFFSETS = []
    assert is_working_day(D(2027, 5, 7))
    assert subtract_working_days(D(2027, 5, 18), 10) == D(2027, 4, 30)
