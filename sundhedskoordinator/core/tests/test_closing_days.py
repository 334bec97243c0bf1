"""Danish closing days 2024–2030, written out by hand, against ``core.workingdays``.

Which days are closed (DESIGN section 4, "Working days"; domain/procedure.md, "working days"):
Saturdays, Sundays, the Danish public holidays (nytårsdag, skærtorsdag, langfredag, påskedag,
2. påskedag, Kristi himmelfartsdag, pinsedag, 2. pinsedag, juledag, 2. juledag; Store Bededag
only up to and including 2023, lov nr. 214 af 6/3/2023) and the closing days forældelsesloven
§ 27, stk. 2 adds, which are the deployment's default extra closing days: grundlovsdag 5 June,
juleaftensdag 24 December and nytårsaftensdag 31 December. 1 May and the Friday after Ascension
are working days unless a deployment adds them.

Easter Sunday from the published Easter tables (den danske almanak): 31 March 2024, 20 April
2025, 5 April 2026, 28 March 2027, 16 April 2028, 1 April 2029, 21 April 2030. The movable days
below are written out from those dates by hand, not computed, and nothing here asks the
``holidays`` package.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sundhedskoordinator.core.workingdays import (
    add_working_days,
    dispatch_deadline,
    is_working_day,
    working_days_between,
)

D = dt.date

#: Every closing day of each year, Sundays included (påskedag and pinsedag always fall on one).
CLOSING_DAYS: dict[int, dict[dt.date, str]] = {
    2024: {
        D(2024, 1, 1): "nytårsdag",
        D(2024, 3, 28): "skærtorsdag",
        D(2024, 3, 29): "langfredag",
        D(2024, 3, 31): "påskedag",
        D(2024, 4, 1): "2. påskedag",
        D(2024, 5, 9): "Kristi himmelfartsdag",
        D(2024, 5, 19): "pinsedag",
        D(2024, 5, 20): "2. pinsedag",
        D(2024, 6, 5): "grundlovsdag",
        D(2024, 12, 24): "juleaftensdag",
        D(2024, 12, 25): "juledag",
        D(2024, 12, 26): "2. juledag",
        D(2024, 12, 31): "nytårsaftensdag",
    },
    2025: {
        D(2025, 1, 1): "nytårsdag",
        D(2025, 4, 17): "skærtorsdag",
        D(2025, 4, 18): "langfredag",
        D(2025, 4, 20): "påskedag",
        D(2025, 4, 21): "2. påskedag",
        D(2025, 5, 29): "Kristi himmelfartsdag",
        D(2025, 6, 8): "pinsedag",
        D(2025, 6, 9): "2. pinsedag",
        D(2025, 6, 5): "grundlovsdag",
        D(2025, 12, 24): "juleaftensdag",
        D(2025, 12, 25): "juledag",
        D(2025, 12, 26): "2. juledag",
        D(2025, 12, 31): "nytårsaftensdag",
    },
    2026: {
        D(2026, 1, 1): "nytårsdag",
        D(2026, 4, 2): "skærtorsdag",
        D(2026, 4, 3): "langfredag",
        D(2026, 4, 5): "påskedag",
        D(2026, 4, 6): "2. påskedag",
        D(2026, 5, 14): "Kristi himmelfartsdag",
        D(2026, 5, 24): "pinsedag",
        D(2026, 5, 25): "2. pinsedag",
        D(2026, 6, 5): "grundlovsdag",
        D(2026, 12, 24): "juleaftensdag",
        D(2026, 12, 25): "juledag",
        D(2026, 12, 26): "2. juledag",
        D(2026, 12, 31): "nytårsaftensdag",
    },
    2027: {
        D(2027, 1, 1): "nytårsdag",
        D(2027, 3, 25): "skærtorsdag",
        D(2027, 3, 26): "langfredag",
        D(2027, 3, 28): "påskedag",
        D(2027, 3, 29): "2. påskedag",
        D(2027, 5, 6): "Kristi himmelfartsdag",
        D(2027, 5, 16): "pinsedag",
        D(2027, 5, 17): "2. pinsedag",
        D(2027, 6, 5): "grundlovsdag",
        D(2027, 12, 24): "juleaftensdag",
        D(2027, 12, 25): "juledag",
        D(2027, 12, 26): "2. juledag",
        D(2027, 12, 31): "nytårsaftensdag",
    },
    2028: {
        D(2028, 1, 1): "nytårsdag",
        D(2028, 4, 13): "skærtorsdag",
        D(2028, 4, 14): "langfredag",
        D(2028, 4, 16): "påskedag",
        D(2028, 4, 17): "2. påskedag",
        D(2028, 5, 25): "Kristi himmelfartsdag",
        D(2028, 6, 4): "pinsedag",
        D(2028, 6, 5): "2. pinsedag and grundlovsdag",
        D(2028, 12, 24): "juleaftensdag",
        D(2028, 12, 25): "juledag",
        D(2028, 12, 26): "2. juledag",
        D(2028, 12, 31): "nytårsaftensdag",
    },
    2029: {
        D(2029, 1, 1): "nytårsdag",
        D(2029, 3, 29): "skærtorsdag",
        D(2029, 3, 30): "langfredag",
        D(2029, 4, 1): "påskedag",
        D(2029, 4, 2): "2. påskedag",
        D(2029, 5, 10): "Kristi himmelfartsdag",
        D(2029, 5, 20): "pinsedag",
        D(2029, 5, 21): "2. pinsedag",
        D(2029, 6, 5): "grundlovsdag",
        D(2029, 12, 24): "juleaftensdag",
        D(2029, 12, 25): "juledag",
        D(2029, 12, 26): "2. juledag",
        D(2029, 12, 31): "nytårsaftensdag",
    },
    2030: {
        D(2030, 1, 1): "nytårsdag",
        D(2030, 4, 18): "skærtorsdag",
        D(2030, 4, 19): "langfredag",
        D(2030, 4, 21): "påskedag",
        D(2030, 4, 22): "2. påskedag",
        D(2030, 5, 30): "Kristi himmelfartsdag",
        D(2030, 6, 9): "pinsedag",
        D(2030, 6, 10): "2. pinsedag",
        D(2030, 6, 5): "grundlovsdag",
        D(2030, 12, 24): "juleaftensdag",
        D(2030, 12, 25): "juledag",
        D(2030, 12, 26): "2. juledag",
        D(2030, 12, 31): "nytårsaftensdag",
    },
}

#: Days that are working days although they once were closed or are in some places: the day
#: Store Bededag would have fallen on (the fourth Friday after Easter), 1 May and the Friday
#: after Ascension, where these are weekdays.
OPEN_DAYS = [
    D(2024, 4, 26),  # would-be Store Bededag
    D(2025, 5, 16),
    D(2026, 5, 1),  # would-be Store Bededag and 1 May
    D(2027, 4, 23),
    D(2028, 5, 12),
    D(2029, 4, 27),
    D(2030, 5, 17),
    D(2024, 5, 1),  # 1 May
    D(2025, 5, 1),
    D(2028, 5, 1),
    D(2029, 5, 1),
    D(2030, 5, 1),
    D(2024, 5, 10),  # Friday after Ascension
    D(2025, 5, 30),
    D(2026, 5, 15),
    D(2027, 5, 7),
    D(2028, 5, 26),
    D(2029, 5, 11),
    D(2030, 5, 31),
]


def _days_of(year: int) -> list[dt.date]:
    first = D(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((D(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", sorted(CLOSING_DAYS))
def test_every_weekday_is_a_working_day_except_the_years_closing_days(year):
    closed = CLOSING_DAYS[year]
    wrong = {
        day: closed.get(day, "ordinary day")
        for day in _days_of(year)
        if is_working_day(day) != (day.weekday() < 5 and day not in closed)
    }
    assert wrong == {}


@pytest.mark.parametrize(
    ("day", "name"),
    [(day, name) for year in sorted(CLOSING_DAYS) for day, name in CLOSING_DAYS[year].items()],
)
def test_each_closing_day_is_closed(day, name):
    assert not is_working_day(day), name


@pytest.mark.parametrize("day", OPEN_DAYS)
def test_former_and_optional_closing_days_are_working_days_by_default(day):
    assert day.weekday() < 5
    assert is_working_day(day)


def test_store_bededag_was_closed_up_to_and_including_2023():
    # Easter 2023: 9 April; Store Bededag the fourth Friday after it.
    assert not is_working_day(D(2023, 5, 5))


def test_christmas_closes_its_three_days_and_the_working_day_either_side_is_open():
    # 2024: Monday 23 December open; 24, 25, 26 closed; Friday 27 open; 30 open; 31 closed.
    assert [is_working_day(D(2024, 12, d)) for d in (23, 24, 25, 26, 27, 30, 31)] == [
        True,
        False,
        False,
        False,
        True,
        True,
        False,
    ]
    assert is_working_day(D(2025, 1, 2))


def test_working_days_in_2026_by_hand_count():
    # 2026 starts on a Thursday: 52 weeks and one Thursday, 261 weekdays. Closed weekdays: 1 Jan,
    # 2 and 3 Apr, 6 Apr, 14 May, 25 May, 5 Jun, 24 and 25 Dec, 31 Dec (26 Dec is a Saturday),
    # ten in all: 251 working days.
    assert working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 251


def test_the_ten_working_day_deadline_before_a_meeting_right_after_christmas_2029():
    # Meeting Wednesday 2 January 2030. Counting back, not the meeting day: 1 January and
    # 31 December closed, 28 (1), 27 (2), 26, 25 and 24 closed, 21 (3), 20 (4), 19 (5), 18 (6),
    # 17 (7), 14 (8), 13 (9), 12 December (10).
    assert dispatch_deadline(D(2030, 1, 2), 10) == D(2029, 12, 12)


def test_a_deployment_without_extra_closing_days_still_closes_whit_monday_on_5_june_2028(
    settings,
):
    settings.EXTRA_CLOSING_DAYS = []
    assert not is_working_day(D(2028, 6, 5))  # 2. pinsedag, a public holiday
    assert is_working_day(D(2029, 6, 5))  # grundlovsdag, not configured
    assert is_working_day(D(2029, 12, 24))
    assert is_working_day(D(2029, 12, 31))
    assert not is_working_day(D(2029, 12, 26))


def test_counting_from_the_day_before_a_closing_day_skips_it():
    # Wednesday 23 December 2026: the next working day is Monday 28 December.
    assert add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 28)
    assert add_working_days(D(2026, 12, 28), -1) == D(2026, 12, 23)
