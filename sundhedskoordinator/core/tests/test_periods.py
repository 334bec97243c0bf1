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


def test_a_period_within_the_rules_passes() -> None:
    check_period(dt.date(2026, 1, 1), dt.date(2026, 1, 30), max_days=30, too_long="For lang.")


def test_local_days_become_instants_across_the_summer_time_change() -> None:
    start, end = local_bounds(dt.date(2026, 3, 29), dt.date(2026, 3, 29))
    # The night the clocks go forward the local day is 23 hours long.
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=23)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 3, 28, 23, tzinfo=dt.UTC)
