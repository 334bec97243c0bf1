"""A dispatch deadline is kept on its day: passed only from the day after (regional procedure item
8); it is near from two working days before it up to and including its day. Dates are picked by
hand around Christmas 2026: 24, 25 and 26 December are closing days (the deployment's default
adds juleaftensdag) and 26-27 December is a weekend, so only Wednesday 23 and Monday 28 December
are working days between Tuesday 22 and Tuesday 29 December."""

from __future__ import annotations

import datetime as dt

import pytest

from sundhedskoordinator.core.workingdays import deadline_near, deadline_passed
from sundhedskoordinator.meetings.models import CollaborationAgreement

D = dt.date
DEADLINE = D(2026, 12, 29)  # Tuesday after Christmas


def test_the_seed_procedure_warns_two_working_days_ahead() -> None:
    assert CollaborationAgreement().deadline_warning_working_days == 2


@pytest.mark.parametrize(
    ("today", "passed"),
    [(D(2026, 12, 28), False), (D(2026, 12, 29), False), (D(2026, 12, 30), True)],
)
def test_passed_only_after_the_day(today: dt.date, passed: bool) -> None:
    assert deadline_passed(DEADLINE, today) is passed


@pytest.mark.parametrize(
    ("today", "near"),
    [
        # After the 22nd up to the 29th: the 23rd, 28th and 29th, 3 working days: not near yet.
        (D(2026, 12, 22), False),
        # After the 23rd: the 28th and 29th, 2 working days (Christmas adds none): near.
        (D(2026, 12, 23), True),
        (D(2026, 12, 24), True),
        (D(2026, 12, 25), True),
        (D(2026, 12, 28), True),
        (D(2026, 12, 29), True),  # the day itself
        (D(2026, 12, 30), False),  # passed, no longer "near"
    ],
)
def test_near_within_two_working_days(today: dt.date, near: bool) -> None:
    assert deadline_near(DEADLINE, today, 2) is near


@pytest.mark.parametrize(
    ("today", "near"),
    [
        (D(2026, 12, 22), True),  # 3 working days away: near with a warning of 3
        (D(2026, 12, 21), False),  # 4 working days away (22, 23, 28, 29)
    ],
)
def test_near_follows_the_agreed_number_of_days(today: dt.date, near: bool) -> None:
    assert deadline_near(DEADLINE, today, 3) is near
