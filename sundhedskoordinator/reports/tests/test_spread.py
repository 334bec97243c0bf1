"""The median and 90th percentile read off the database's count of each value (``spread_of``),
against values sorted and interpolated by hand: rank p·(n−1) counted from 0, linearly between
that rank and the next, as PostgreSQL's ``percentile_cont``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sundhedskoordinator.reports.selectors import Spread, spread_of


def _spread(count: int, median: str, p90: str) -> Spread:
    return Spread(count, Decimal(median), Decimal(p90))


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        # Nothing to spread.
        ({}, Spread(0, None, None)),
        # One value: every quantile is it.
        ({5: 1}, _spread(1, "5.0", "5.0")),
        # 1 2 3 4: median at rank 1.5 (2 + 0.5), p90 at rank 2.7 (3 + 0.7).
        ({4: 1, 2: 1, 1: 1, 3: 1}, _spread(4, "2.5", "3.7")),
        # 1 1 2 2: the median's rank 1.5 falls between the two groups (1 + 0.5 × 1).
        ({1: 2, 2: 2}, _spread(4, "1.5", "2.0")),
        # Eight zeros, 3 and 10: median at rank 4.5 inside the zeros; p90 at rank 8.1,
        # between the 3 at rank 8 and the 10 at rank 9 (3 + 0.1 × 7).
        ({10: 1, 0: 8, 3: 1}, _spread(10, "0.0", "3.7")),
        # Days as durations: 30 30 38: median rank 1; p90 rank 1.8 (30 + 0.8 × 8).
        ({dt.timedelta(days=38): 1, dt.timedelta(days=30): 2}, _spread(3, "30.0", "36.4")),
        # Rounded half up to a tenth: 0 and 1 (p90 at 0.9), 0 0 0 1 ... by counts.
        ({0: 1, 1: 1}, _spread(2, "0.5", "0.9")),
        ({0: 3, 1: 1, 2: 1}, _spread(5, "0.0", "1.6")),
    ],
)
def test_spread_of_counted_values(histogram: dict[object, int], expected: Spread) -> None:
    assert spread_of(histogram) == expected
