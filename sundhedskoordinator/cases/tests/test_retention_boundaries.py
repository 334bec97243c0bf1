"""Retention in calendar years (DESIGN section 4: "a conservative default of 10 years after
closing"; the advice may be part of a patient record, kept at least 10 years). A case closed on
Monday 23 November 2026 at 09:00 UTC has had its ten years at 09:00 UTC on 23 November 2036,
whatever the number of leap days between (2028, 2032 and 2036: three). Conservative, as the
design asks: at that very instant it is still kept; from the next moment on it is due.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import NOW, World
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db

TEN_YEARS_ON = dt.datetime(2036, 11, 23, 9, 0, tzinfo=dt.UTC)


def _due(world: World, moment: dt.datetime, *args: str) -> bool:
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.WITHDRAWN,
        cast=world.cast,
    )
    assert case.closed_at == NOW
    out = StringIO()
    with clock.frozen(moment):
        call_command("anonymise_cases", *args, stdout=out)
    return case.reference in out.getvalue()


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (TEN_YEARS_ON - dt.timedelta(days=1, seconds=-1), False),  # a day short, to the second
        (TEN_YEARS_ON - dt.timedelta(seconds=1), False),
        (TEN_YEARS_ON, False),  # the tenth anniversary itself
        (TEN_YEARS_ON + dt.timedelta(seconds=1), True),
    ],
)
def test_a_case_is_due_for_anonymisation_only_after_ten_calendar_years(
    world: World, moment, due
) -> None:
    assert _due(world, moment) is due


@pytest.mark.parametrize(
    ("years", "moment", "due"),
    [
        (3, dt.datetime(2029, 11, 23, 9, 0, tzinfo=dt.UTC), False),
        (3, dt.datetime(2029, 11, 23, 9, 1, tzinfo=dt.UTC), True),
        (4, dt.datetime(2030, 11, 23, 8, 59, tzinfo=dt.UTC), False),
        (4, dt.datetime(2030, 11, 23, 9, 1, tzinfo=dt.UTC), True),
    ],
)
def test_a_configured_number_of_years_is_counted_the_same_way(
    world: World, years, moment, due
) -> None:
    assert _due(world, moment, "--years", str(years)) is due


def test_apply_anonymises_once_the_ten_years_are_over(
    world: World,
) -> None:
    assert _due(world, TEN_YEARS_ON + dt.timedelta(minutes=1), "--apply")
    assert Case.objects.get().anonymised_at is not None
