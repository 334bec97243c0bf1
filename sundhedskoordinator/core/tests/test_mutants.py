"""Working-day rules found missing by mutation testing (docs/dev/testing.md); each expected
value is a hand count on the calendar (December 2026: Monday 14th to Friday 18th are working
days, Thursday 24th is a closing day by default)."""

from __future__ import annotations

import datetime as dt

from sundhedskoordinator.core.workingdays import (
    add_working_days,
    is_working_day,
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
    assert is_working_day(D(2026, 12, 24), closing_days=())
    assert not is_working_day(D(2026, 12, 23), closing_days=((12, 23),))
