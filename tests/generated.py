"""Cases treated at meetings on chosen days, and a generated year of them, made through the real
services with the clock as it was at each step. Used by the test suite (the ``treat`` fixture,
the figure checks) and by ``bench/figures.py``."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sundhedskoordinator.billing.demo import set_rates
from sundhedskoordinator.cases import services as case_services
from sundhedskoordinator.cases.choices import Outcome, RejectionReason, Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import HAPPY_PATH, Cast, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.models import RehabTeam, User

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
#: The demo staff who move a municipality's cases.
STAFF = {
    "461": ("sagsbehandler", "sekretariat", "koordinator"),
    "101": ("sagsbehandler2", "sekretariat2", "koordinator2"),
}


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=COPENHAGEN)


@dataclass
class Treated:
    """What ``Treater.treat`` made: the case as it is now and its meeting."""

    case: Case
    meeting: Meeting


class Treater:
    """Makes one citizen and one case per call, on meetings of 9–15 (eight slots) per team and
    day, created when first needed."""

    def __init__(self, users: dict[str, User], cpr_year: str = "84") -> None:
        self.users = users
        self.cpr_year = cpr_year
        self.numbers = itertools.count(1)
        self.meetings: dict[tuple[int, dt.date], Meeting] = {}

    def _cast(self, municipality: str) -> tuple[RehabTeam, Cast]:
        caseworker, secretariat, coordinator = (self.users[u] for u in STAFF[municipality])
        team = RehabTeam.objects.filter(municipality__code=municipality).earliest("pk")
        return team, Cast(caseworker, secretariat, coordinator)

    def _citizen(self, cast: Cast, team: RehabTeam, day: dt.date, *, guided: bool) -> Any:
        n = next(self.numbers)
        citizen = citizen_services.create_citizen(
            actor=cast.caseworker,
            cpr=f"{n % 28 + 1:02d}{n % 12 + 1:02d}{self.cpr_year}{n % 10000:04d}",
            name=f"Borger {n}",
            municipality=team.municipality,
            course_start=day - dt.timedelta(days=300),
        )
        if guided:
            citizen_services.record_guidance(
                actor=cast.caseworker,
                citizen=citizen,
                given_on=day - dt.timedelta(days=200),
                channel="digital_post",
            )
        return citizen

    def treat(
        self,
        day: dt.date,
        target: str = Status.HELD,
        *,
        municipality: str = "461",
        requested_days_before: int = 30,
        sent_late_on: dt.date | None = None,
        cancelled: bool | str = False,
        outcome: str = Outcome.ADJUST,
        guided: bool = True,
        advice_minutes: int | None = None,
        team: RehabTeam | None = None,
    ) -> Treated:
        """A case requested ``requested_days_before`` the meeting on ``day`` and sent right away
        (or ``sent_late_on`` that day), then taken to ``target``; ``cancelled`` cancels it at
        the meeting instead (the citizen did not come, or the reason code given);
        ``advice_minutes`` sets when the advice comes after the talk; ``team``: another team of
        the municipality than its first."""
        first_team, cast = self._cast(municipality)
        team = team or first_team
        with clock.frozen(local(day - dt.timedelta(days=requested_days_before), 10)):
            meeting = self.meetings.get((team.pk, day))
            if meeting is None:
                meeting = meeting_services.create_meeting(
                    actor=cast.secretariat,
                    team=team,
                    starts_at=local(day, 9),
                    ends_at=local(day, 15),
                )
                self.meetings[(team.pk, day)] = meeting
            citizen = self._citizen(cast, team, day, guided=guided)
            case = new_case(citizen=citizen, caseworker=cast.caseworker)
            first = (
                Status.SCHEDULED if sent_late_on else Status.SENT if cancelled else Status(target)
            )
            if advice_minutes is not None and HAPPY_PATH.index(first) > HAPPY_PATH.index(
                Status.HELD
            ):
                first = Status.HELD
            case = walk_case_to(case, first, cast=cast, meeting=meeting, outcome=outcome)
        if sent_late_on:
            with clock.frozen(local(sent_late_on, 10)):
                case = walk_case_to(case, Status.SENT, cast=cast, meeting=meeting)
        if cancelled:
            with clock.frozen(local(day, 9, 5)):
                case = case_services.cancel_conversation(
                    actor=cast.coordinator,
                    case_id=case.pk,
                    reason="Skrevet ud.",
                    reason_code=cancelled if isinstance(cancelled, str) else "citizen_absent",
                )
            return Treated(case, meeting)
        # The later steps happen on the meeting day, as the walk times them from the slot.
        with clock.frozen(local(day, 8)):
            wanted = Status(target)
            if advice_minutes is not None and HAPPY_PATH.index(wanted) > HAPPY_PATH.index(
                Status.HELD
            ):
                case = walk_case_to(case, Status.HELD, cast=cast, meeting=meeting)
                conversation = case.conversations.get()
                with clock.frozen(conversation.ended_at + dt.timedelta(minutes=advice_minutes)):
                    case = case_services.write_advice(
                        actor=cast.coordinator,
                        case_id=case.pk,
                        text="Praktikken kan gennemføres med skiftende stillinger.",
                        accommodations="Ingen løft over 5 kg.",
                    )
            if HAPPY_PATH.index(Status(case.status)) < HAPPY_PATH.index(wanted):
                case = walk_case_to(case, wanted, cast=cast, meeting=meeting, outcome=outcome)
        return Treated(case, meeting)

    def reject(self, day: dt.date, code: str, *, municipality: str = "461") -> Case:
        """A request made and refused on ``day`` with the reason ``code``."""
        team, cast = self._cast(municipality)
        with clock.frozen(local(day, 11)):
            citizen = self._citizen(cast, team, day, guided=True)
            case = walk_case_to(
                new_case(citizen=citizen, caseworker=cast.caseworker),
                Status.REQUESTED,
                cast=cast,
            )
            return case_services.reject_case(
                actor=cast.caseworker, case_id=case.pk, reason="Se årsagskoden.", reason_code=code
            )


def year_rates(users: dict[str, User], year: int) -> None:
    """Region Syddanmark: 2.050 kr. from New Year, 2.175,25 kr. from 1 July, cancellations after
    dispatch billed; Region Hovedstaden: 2.400 kr., cancellations not billed."""
    with clock.frozen(local(dt.date(year - 1, 12, 1), 10)):
        set_rates(
            users,
            [
                ("klinisk", Decimal("2050.00"), dt.date(year, 1, 1), True),
                ("klinisk", Decimal("2175.25"), dt.date(year, 7, 1), True),
                ("klinisk2", Decimal("2400.00"), dt.date(year, 1, 1), False),
            ],
        )


def generate_year(
    users: dict[str, User],
    *,
    year: int,
    cases_per_week: int,
    every_weeks: int = 1,
    seed: int = 2026,
) -> int:
    """Every ``every_weeks``-th Tuesday of ``year``, ``cases_per_week`` cases per team of Odense
    and Copenhagen, drawn with a fixed seed: most are decided or closed, some advised or only
    held, some still waiting, some cancelled at the meeting, some sent late, some refused; the
    advice comes
    5 to 60 minutes after the conversation. Returns the number of cases."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable test world, not a secret
    treater = Treater(users, cpr_year=f"{year % 100:02d}")
    first = dt.date(year, 1, 1)
    tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
    made = 0
    while tuesday.year == year:
        for municipality in ("461", "101"):
            for _ in range(cases_per_week):
                draw = rng.random()
                lead = rng.randint(15, 60)
                advice = rng.randint(5, 60)
                outcome = rng.choice(list(Outcome))
                if draw < 0.08:
                    treater.reject(
                        tuesday - dt.timedelta(days=lead),
                        rng.choice(list(RejectionReason)),
                        municipality=municipality,
                    )
                elif draw < 0.18:
                    treater.treat(
                        tuesday,
                        municipality=municipality,
                        requested_days_before=lead,
                        cancelled=True,
                    )
                elif draw < 0.28:
                    treater.treat(
                        tuesday,
                        Status.DECIDED,
                        municipality=municipality,
                        requested_days_before=max(lead, 25),
                        sent_late_on=tuesday - dt.timedelta(days=rng.randint(1, 8)),
                        outcome=outcome,
                        advice_minutes=advice,
                    )
                else:
                    target = rng.choice(
                        [Status.SENT, Status.HELD, Status.ADVISED]
                        + [Status.DECIDED] * 3
                        + [Status.CLOSED] * 2
                    )
                    treater.treat(
                        tuesday,
                        target,
                        municipality=municipality,
                        requested_days_before=lead,
                        outcome=outcome,
                        advice_minutes=advice
                        if target in (Status.DECIDED, Status.CLOSED)
                        else None,
                    )
                made += 1
        tuesday += dt.timedelta(days=7 * every_weeks)
    return made


def months(year: int) -> list[tuple[dt.date, dt.date]]:
    """The calendar months of ``year`` as (first day, last day)."""
    firsts = [dt.date(year, month, 1) for month in range(1, 13)]
    lasts = [day - dt.timedelta(days=1) for day in [*firsts[1:], dt.date(year + 1, 1, 1)]]
    return list(zip(firsts, lasts, strict=True))
