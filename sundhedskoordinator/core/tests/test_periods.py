"""The one set of checks every period of figures or settlement goes through."""

from __future__ import annotations

import datetime as dt

import pytest

from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.periods import INVALID_PERIOD, check_period, local_bounds


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(1999, 12, 31), dt.date(2000, 1, 31), "from"),
        (dt.date(2100, 12, 1), dt.date(2101, 1, 1), "from"),
        (dt.date(2026, 3, 1), dt.date(2026, 2, 28), "to"),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31), "to"),  # 30 days apart, at most 30 allowed
    ],
)
def test_a_period_outside_the_rules_names_the_field_at_fault(start, end, field) -> None:
    with pytest.raises(DomainError) as refused:
        check_period(start, end, max_days=30, too_long="For lang.")
    assert refused.value.code == INVALID_PERIOD
    assert list(refused.value.fields) == [field]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2000, 1, 1), dt.date(2000, 1, 1)),  # the earliest day, one day long
        (dt.date(2100, 12, 31), dt.date(2100, 12, 31)),  # the latest day
        (dt.date(2026, 1, 1), dt.date(2026, 1, 30)),  # 29 days apart: the longest allowed
        (dt.date(2026, 2, 28), dt.date(2026, 3, 1)),  # across a month end
    ],
)
def test_a_period_on_the_edge_of_the_rules_passes(start, end) -> None:
    assert check_period(start, end, max_days=30, too_long="For lang.") is None


def test_local_days_become_instants_across_the_summer_time_change() -> None:
    start, end = local_bounds(dt.date(2026, 3, 29), dt.date(2026, 3, 29))
    # The night the clocks go forward the local day is 23 hours long.
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=23)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 28, 23, tzinfo=dt.UTC)


def test_local_days_become_instants_on_an_ordinary_day_and_when_clocks_go_back() -> None:
    start, end = local_bounds(dt.date(2026, 11, 23), dt.date(2026, 11, 23))
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 22, 23, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) == dt.datetime(2026, 11, 23, 23, tzinfo=dt.UTC)
    start, end = local_bounds(dt.date(2026, 10, 25), dt.date(2026, 10, 25))
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=25)
