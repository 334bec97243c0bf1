"""The demo world's citizens, meetings and cases in every state (DESIGN section 7), built through
the real services. Loading it twice adds nothing: each demo citizen is created once, with their
cases; meetings are found by team and start."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.cpr import lookup_hash
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings.choices import MeetingKind
from sundhedskoordinator.meetings.demo import load_demo_agreements
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.meetings.services import plan_meeting
from sundhedskoordinator.organisations.models import Municipality, RehabTeam, User

from .choices import Outcome, Status
from .walk import SAMPLE_OFFER, Cast, new_case, walk_case_to

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class DemoCitizen:
    cpr: str  # fictional numbers with valid dates
    name: str
    municipality: str
    username: str | None
    guided: bool
    states: tuple[tuple[Status, str], ...]  # (target state, "past"/"next"/"later"/"")
    #: Exempt from Digital Post: her letters wait for the municipality's print service.
    exempt: bool = False


CITIZENS = [
    DemoCitizen(
        "1203851234",
        "Bente Nielsen",
        "461",
        "borger",
        True,
        ((Status.SENT, "next"), (Status.CLOSED, "past")),
    ),
    DemoCitizen(
        "0507792345",
        "Mads Kristensen",
        "461",
        None,
        True,
        ((Status.DRAFT, ""), (Status.HELD, "recent")),
    ),
    DemoCitizen(
        "2210903456",
        "Aisha Hassan",
        "461",
        None,
        True,
        ((Status.REQUESTED, ""), (Status.ADVISED, "recent")),
    ),
    DemoCitizen(
        "1402884567",
        "Peter Lauridsen",
        "461",
        None,
        True,
        ((Status.READY, ""), (Status.DECIDED, "past")),
    ),
    DemoCitizen(
        "3008755678",
        "Line Holm Andersen",
        "461",
        None,
        True,
        ((Status.SCHEDULED, "later"), (Status.WITHDRAWN, "")),
        exempt=True,
    ),
    DemoCitizen("1111826789", "Jens Mikkelsen", "461", None, True, ((Status.REJECTED, ""),)),
    DemoCitizen("0903917890", "Camilla Berg", "461", None, False, ()),
    DemoCitizen(
        "2506868901",
        "Bo Jensen",
        "101",
        "borger2",
        True,
        ((Status.REQUESTED, ""), (Status.SENT, "next")),
    ),
    DemoCitizen("1710809012", "Fatima Ali", "101", None, True, ((Status.SCHEDULED, "later"),)),
]


def _tuesday_after(day: dt.date, weeks: int) -> dt.date:
    return day + dt.timedelta(days=(1 - day.weekday()) % 7 + 7 * weeks)


def _meeting(team: RehabTeam, day: dt.date) -> Meeting:
    starts = dt.datetime(day.year, day.month, day.day, 9, tzinfo=COPENHAGEN)
    existing = Meeting.objects.filter(team=team, starts_at=starts).first()
    return existing or plan_meeting(
        team=team, starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
    )


def _conversation_meeting(municipality: Municipality, day: dt.date) -> Meeting:
    starts = dt.datetime(day.year, day.month, day.day, 13, tzinfo=COPENHAGEN)
    existing = Meeting.objects.filter(
        municipality=municipality, team=None, starts_at=starts
    ).first()
    return existing or plan_meeting(
        team=None,
        municipality=municipality,
        kind=MeetingKind.CONVERSATION,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        # The jobcentre's own address, where the team used to meet.
        location=RehabTeam.objects.filter(municipality=municipality)
        .values_list("location", flat=True)
        .first()
        or municipality.name,
    )


def load_demo_cases(users: dict[str, User]) -> int:
    """Create the demo citizens and their cases; return how many citizens were new."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("The demo world is only loaded in demo mode.")
    today = clock.today()
    casts = {
        "461": Cast(users["sagsbehandler"], users["sekretariat"], users["koordinator"]),
        "101": Cast(users["sagsbehandler2"], users["sekretariat2"], users["koordinator2"]),
    }
    load_demo_agreements()
    meetings: dict[tuple[str, str], Meeting] = {}
    for team in RehabTeam.objects.select_related("municipality__region"):
        code = team.municipality.code
        # Meetings over the next weeks for every team; past ones carry the finished cases.
        for weeks in range(1, 7):
            _meeting(team, _tuesday_after(today, weeks))
        meetings[(code, "next")] = _meeting(team, _tuesday_after(today, 1))
        meetings[(code, "later")] = _meeting(team, _tuesday_after(today, 3))
        meetings[(code, "recent")] = _meeting(team, _tuesday_after(today, -1))
        meetings[(code, "past")] = _meeting(team, _tuesday_after(today, -5))
    # Copenhagen's agreement needs no rehab team since 1 July 2026: its later case has a
    # stand-alone conversation, beside Odense's rehab-team meetings.
    copenhagen = Municipality.objects.filter(code="101").first()
    if copenhagen is not None:
        meetings[("101", "later")] = _conversation_meeting(copenhagen, _tuesday_after(today, 3))

    created = 0
    for spec in CITIZENS:
        if Citizen.objects.filter(cpr_hash=lookup_hash(spec.cpr)).exists():
            continue
        created += 1
        cast = casts[spec.municipality]
        with clock.frozen(clock.now() - dt.timedelta(days=90)):
            citizen = citizen_services.create_citizen(
                actor=cast.caseworker,
                cpr=spec.cpr,
                name=spec.name,
                municipality=cast.caseworker.memberships.get().municipality,  # type: ignore[arg-type]
                course_start=today - dt.timedelta(days=200),
                digital_post_exempt=spec.exempt,
            )
            if spec.guided:
                citizen_services.record_guidance(
                    actor=cast.caseworker,
                    citizen=citizen,
                    given_on=today - dt.timedelta(days=90),
                    channel="digital_post",
                )
        if spec.username:
            citizen.user = users[spec.username]
            citizen.save(update_fields=["user"])
        for target, when in spec.states:
            meeting = meetings.get((spec.municipality, when))
            # Finished cases are walked from three weeks before their meeting, as they happened.
            start = (
                dt.datetime.combine(
                    meeting.date - dt.timedelta(days=21), dt.time(9), tzinfo=COPENHAGEN
                )
                if meeting and meeting.date <= today
                else clock.now()
            )
            with clock.frozen(start):
                offer = {**SAMPLE_OFFER, "start_date": (start.date() + dt.timedelta(days=60))}
                case = new_case(citizen=citizen, caseworker=cast.caseworker, offer=offer)
                walk_case_to(
                    case,
                    target,
                    cast=cast,
                    meeting=meeting,
                    outcome=Outcome.ADJUST if target != Status.DECIDED else Outcome.OTHER_OFFER,
                )
    return created
