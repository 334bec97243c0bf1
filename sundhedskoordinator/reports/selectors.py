"""The service's figures for a period, region, municipality and team (DESIGN section 1: lead
times, on-time dispatch, outcomes; section 4: the guidance duty). Every figure is a database
aggregate: counts and groups with COUNT, percentiles by letting the database sort and fetching
the one or two rows around the rank, as PostgreSQL's ``percentile_cont`` does.

The cases counted are those the user may see (``cases.selectors.scope_cases``): all of a
municipality's cases for its manager, the cases sent to the region's coordinators for Klinisk
Funktion and a region's manager, so that the figures can be recomputed from the API's case list.
Citizens not yet informed are a count per municipality and need no case.

Every figure that both kinds of reader can see is counted on the same basis, the cases sent to
the region (``SHARED``), so a municipality's manager and Klinisk Funktion looking at the same
municipality see the same numbers. The figures only a municipality sees (its requests and
refusals, cases that never left it, citizens not informed) are given only to a reader who sees
every case of each municipality counted, and left out (None) for the others; ``scope`` says in
words whose cases are counted and why.

Which date places a case in the period: requests by the request date, refusals by the refusal,
cases per state by the date the case was created, lead times and dispatches by the meeting date,
advice by the date it was given, outcomes by the decision date. Citizens not yet informed are
counted as of the period's last day and by municipality (citizens belong to no team).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sundhedskoordinator.access.policy import figure_municipalities, sees_every_case_of
from sundhedskoordinator.cases.choices import Outcome, RejectionReason, Status
from sundhedskoordinator.cases.models import Advice, AgendaItem, Conversation, Decision, Dispatch
from sundhedskoordinator.cases.selectors import scope_cases
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.selectors import not_informed
from sundhedskoordinator.core import periods
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.organisations.models import Municipality, RehabTeam, User

NO_ACCESS = "Statistikken findes ikke, eller du har ikke adgang til den."
#: Longer periods are allowed than for a settlement: a year's figures compare two years.
MAX_PERIOD_DAYS = 2 * 366


@dataclass(frozen=True)
class StatisticsFilter:
    period_start: dt.date
    period_end: dt.date
    region_id: int | None = None
    municipality_id: int | None = None
    team_id: int | None = None


@dataclass(frozen=True)
class Spread:
    """A lead time's count, median and 90th percentile (linear interpolation between ranks)."""

    count: int
    median: Decimal | None
    p90: Decimal | None


def _as_number(value: Any) -> Decimal:
    if isinstance(value, dt.timedelta):
        return Decimal(value.days) + Decimal(value.seconds) / Decimal(86400)
    return Decimal(value)


#: The fractions ``spread`` reads: the median and the 90th percentile.
QUANTILES = (0.5, 0.9)


def _quantile(by_rank: dict[int, Any], count: int, p: float) -> Decimal:
    """The value at fraction ``p`` of the sorted values (``by_rank``: the values at the ranks
    around it, counted from 0), interpolated between rank ``p·(n−1)`` and the next."""
    rank = p * (count - 1)
    low = math.floor(rank)
    value = _as_number(by_rank[low])
    if low + 1 in by_rank and rank > low:
        value += (_as_number(by_rank[low + 1]) - value) * Decimal(str(rank - low))
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def spread(queryset: QuerySet[Any], expression: str) -> Spread:
    """Median and 90th percentile of the annotated ``expression`` over ``queryset``, in one
    query whatever the number of values: the database sorts and numbers the values and counts
    them (window functions), and returns only the few rows around each quantile's rank (a margin
    of a row either side, so that the rank computed here in floating point always falls
    inside)."""
    values = queryset.exclude(**{f"{expression}__isnull": True}).order_by()
    near = Q()
    for p in QUANTILES:
        # ROW_NUMBER counts from 1: rank r (from 0) is row r + 1.
        rank = (F("total") - 1) * Value(p, output_field=FloatField())
        near |= Q(position__gte=rank, position__lte=rank + 3)
    rows = list(
        values.annotate(
            position=Window(RowNumber(), order_by=F(expression).asc()),
            total=Window(Count("pk")),
        )
        .filter(near)
        .values_list("position", "total", expression)
    )
    if not rows:
        return Spread(0, None, None)
    count = rows[0][1]
    by_rank = {position - 1: value for position, _total, value in rows}
    return Spread(count, *(_quantile(by_rank, count, p) for p in QUANTILES))


def scope_for(user: User, filters: StatisticsFilter) -> QuerySet[Municipality]:
    """The municipalities the figures cover: what the user may see, narrowed by the filters. A
    region, municipality or team outside the user's scope is not found."""
    municipalities = figure_municipalities(user)
    if not municipalities.exists():
        raise NotFoundError("not_found", NO_ACCESS)
    periods.check_period(
        filters.period_start,
        filters.period_end,
        max_days=MAX_PERIOD_DAYS,
        too_long=_("Vælg en periode på højst to år."),
    )
    if filters.region_id is not None:
        municipalities = municipalities.filter(region_id=filters.region_id)
    if filters.municipality_id is not None:
        municipalities = municipalities.filter(pk=filters.municipality_id)
    if filters.team_id is not None:
        team = RehabTeam.objects.filter(pk=filters.team_id, municipality__in=municipalities).first()
        if team is None:
            raise NotFoundError("not_found", NO_ACCESS)
        municipalities = municipalities.filter(pk=team.municipality_id)
    if not municipalities.exists():
        raise NotFoundError("not_found", NO_ACCESS)
    return municipalities


#: The states a case that was sent to the region can be in now (a cancelled conversation sends
#: it back to ready, a move to scheduled): the rows a reader who sees only sent cases can have.
SENT_CASE_STATES = (
    Status.READY,
    Status.SCHEDULED,
    Status.SENT,
    Status.HELD,
    Status.ADVISED,
    Status.DECIDED,
    Status.CLOSED,
    Status.WITHDRAWN,
)

#: The figures counted on the cases sent to the region, the same for every reader.
SHARED = (
    "requests_sent",
    "sent_cases_by_state",
    "cancellations_by_reason",
    "cancellations_total",
    "request_to_meeting_days",
    "dispatch_working_days_late",
    "minutes_conversation_to_advice",
    "dispatches",
    "dispatches_on_time",
    "share_on_time",
    "outcomes",
)
#: The figures only a reader who sees every case of the municipalities gets.
MUNICIPAL_ONLY = (
    "requests",
    "refusals_total",
    "refusals_by_reason",
    "cases_created",
    "cases_by_state",
    "citizens_not_informed",
)


def describe_scope(municipality_names: list[str], every_case: bool) -> str:
    """Whose cases the figures count, and why, in words for the page and the API."""
    places = ", ".join(municipality_names)
    if every_case:
        return _(
            "Tallene tæller alle sager i %(places)s, fordi du har en rolle i kommunen og ser "
            "alle dens sager. Tal for sager, der er sendt til sundhedskoordinatoren, tælles "
            "ligesom for Klinisk Funktion og er de samme, som regionen ser."
        ) % {"places": places}
    return _(
        "Tallene tæller de sager i %(places)s, der er sendt til regionens "
        "sundhedskoordinatorer: regionen ser en kommunes sager først, når de sendes. "
        "Anmodninger, der aldrig blev sendt (kladder og afviste), ser kun kommunen, og de tal "
        "er derfor udeladt her."
    ) % {"places": places}


def _counts(queryset: QuerySet[Any], field: str) -> dict[str, int]:
    return {
        row[field]: row["n"]
        for row in queryset.order_by().values(field).annotate(n=Count("pk", distinct=True))
    }


def _rows(choices: type[models.TextChoices], counts: dict[str, int]) -> list[dict[str, Any]]:
    """One row per choice, in the choices' order, zero where nothing was counted."""
    return [
        {"key": value, "label": str(label), "count": counts.get(value, 0)}
        for value, label in choices.choices
    ]


@dataclass(frozen=True)
class _Basis:
    """What both the figures and the months count, built once by ``_basis``."""

    filters: StatisticsFilter
    start: dt.datetime
    end: dt.datetime
    municipalities: QuerySet[Municipality]
    #: The cases the user may see (one policy for every read): every case of the municipality
    #: for its manager, those sent to the region for Klinisk Funktion.
    cases: QuerySet[Any]
    #: The shared basis: the cases sent to the region, which every reader of them sees.
    sent: QuerySet[Any]
    #: Agenda items of sent cases at meetings of the period.
    in_meetings: QuerySet[AgendaItem]
    #: First advice given in the period on sent cases.
    advice: QuerySet[Advice]
    every_case: bool

    def header(self) -> dict[str, Any]:
        names = [m.name for m in self.municipalities.order_by("name")]
        return {
            "period_start": self.filters.period_start,
            "period_end": self.filters.period_end,
            "municipalities": names,
            "scope": {
                "basis": "all_cases" if self.every_case else "sent_cases",
                "description": describe_scope(names, self.every_case),
            },
        }

    def in_period(self, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
        return queryset.filter(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def _basis(user: User, filters: StatisticsFilter) -> _Basis:
    municipalities = scope_for(user, filters)
    start, end = periods.local_bounds(filters.period_start, filters.period_end)
    cases = scope_cases(user).filter(municipality__in=municipalities)
    team = filters.team_id
    if team is not None:
        cases = cases.filter(
            Exists(AgendaItem.objects.filter(case=OuterRef("pk"), meeting__team_id=team))
        )
    sent = cases.filter(first_sent_at__isnull=False)
    items = AgendaItem.objects.filter(case__in=sent)
    advice = Advice.objects.filter(
        case__in=sent, version=1, submitted_at__gte=start, submitted_at__lt=end
    )
    if team is not None:
        items = items.filter(meeting__team_id=team)
        advice = advice.filter(conversation__agenda_item__meeting__team_id=team)
    return _Basis(
        filters=filters,
        start=start,
        end=end,
        municipalities=municipalities,
        cases=cases,
        sent=sent,
        in_meetings=items.filter(
            meeting__date__gte=filters.period_start, meeting__date__lte=filters.period_end
        ),
        advice=advice,
        every_case=sees_every_case_of(user, municipalities.values_list("pk", flat=True)),
    )


def _municipal_only(basis: _Basis) -> dict[str, Any]:
    """The municipality's own figures, for a reader who sees every case; left out (None, or no
    rows) for the others, never shown as zero."""
    if not basis.every_case:
        return {
            key: [] if key.endswith(("_by_reason", "_by_state")) else None for key in MUNICIPAL_ONLY
        }
    cases = basis.cases
    refusals = _counts(
        basis.in_period(cases.filter(status=Status.REJECTED), "closed_at"), "rejection_reason"
    )
    # Refusals from before reasons were coded count as "other".
    refusals[RejectionReason.OTHER] = refusals.get(RejectionReason.OTHER, 0) + refusals.pop("", 0)
    states = _counts(basis.in_period(cases, "created_at"), "status")
    return {
        "requests": basis.in_period(cases, "submitted_at").count(),
        "refusals_by_reason": _rows(RejectionReason, refusals),
        "refusals_total": sum(refusals.values()),
        "cases_by_state": _rows(Status, states),
        "cases_created": sum(states.values()),
        "citizens_not_informed": not_informed(
            Citizen.objects.filter(municipality__in=basis.municipalities),
            on=basis.filters.period_end,
        ).count(),
    }


def statistics(*, user: User, filters: StatisticsFilter) -> dict[str, Any]:
    """Every figure for the filters, as plain data the page, the charts and the API share."""
    basis = _basis(user, filters)
    sent, in_meetings = basis.sent, basis.in_meetings
    sent_states = _counts(basis.in_period(sent, "created_at"), "status")
    # Conversations cancelled at meetings of the period, by their reason code (the billing rules
    # bill a cancellation after dispatch by the same code); those from before the codes: other.
    cancellations = _counts(in_meetings.filter(cancelled_at__isnull=False), "cancel_code")
    cancellations[CancelCode.OTHER] = cancellations.get(CancelCode.OTHER, 0) + cancellations.pop(
        "", 0
    )
    request_to_meeting = Conversation.objects.filter(
        agenda_item__in=in_meetings, case__submitted_at__isnull=False
    ).annotate(
        lead=ExpressionWrapper(
            F("agenda_item__meeting__date")
            - TruncDate("case__submitted_at", tzinfo=timezone.get_default_timezone()),
            output_field=DurationField(),
        )
    )
    dispatches = Dispatch.objects.filter(agenda_item__in=in_meetings)
    dispatch_counts = dispatches.order_by().aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(is_late=False))
    )
    outcomes = _counts(
        basis.in_period(Decision.objects.filter(case__in=sent), "decided_at"), "outcome"
    )
    total_dispatches = dispatch_counts["total"]
    return {
        **basis.header(),
        "requests_sent": basis.in_period(sent, "submitted_at").count(),
        "sent_cases_by_state": [
            {"key": state.value, "label": str(state.label), "count": sent_states.get(state, 0)}
            for state in SENT_CASE_STATES
        ],
        "cancellations_by_reason": _rows(CancelCode, cancellations),
        "cancellations_total": sum(cancellations.values()),
        "request_to_meeting_days": spread(request_to_meeting, "lead"),
        "dispatch_working_days_late": spread(dispatches, "working_days_late"),
        "minutes_conversation_to_advice": spread(basis.advice, "minutes_after_conversation"),
        "dispatches": total_dispatches,
        "dispatches_on_time": dispatch_counts["on_time"],
        "share_on_time": (
            (Decimal(dispatch_counts["on_time"]) / Decimal(total_dispatches)).quantize(
                Decimal("0.001"), rounding=ROUND_HALF_UP
            )
            if total_dispatches
            else None
        ),
        "outcomes": _rows(Outcome, outcomes),
        **_municipal_only(basis),
    }


#: The monthly series: key, label, and whether only a reader who sees every case gets it.
MONTHLY_SERIES = (
    ("requests_sent", _lazy("Anmodninger sendt til sundhedskoordinator"), False),
    ("dispatches", _lazy("Sager sendt (møder i måneden)"), False),
    ("dispatches_on_time", _lazy("Heraf sendt rettidigt"), False),
    ("cancellations", _lazy("Aflyste samtaler"), False),
    ("advice", _lazy("Skriftlig rådgivning givet"), False),
    ("decisions", _lazy("Stillingtagen efter rådgivningen"), False),
    ("requests", _lazy("Alle anmodninger"), True),
    ("refusals", _lazy("Afviste anmodninger"), True),
)


def months_of(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month the period touches, in order."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _by_month(queryset: QuerySet[Any], field: str, *, moment: bool = True) -> dict[dt.date, int]:
    """COUNT per month of ``field``, one grouped query: a moment by its local month, a date
    (``moment=False``) by its own."""
    zone = timezone.get_default_timezone()
    month = TruncMonth(field, tzinfo=zone) if moment else TruncMonth(field)
    rows = (
        queryset.order_by()
        .annotate(month=month)
        .values("month")
        .annotate(n=Count("pk", distinct=True))
    )
    result: dict[dt.date, int] = {}
    for row in rows:
        value = row["month"]
        key = value.date() if isinstance(value, dt.datetime) else value
        result[key] = result.get(key, 0) + row["n"]
    return result


def monthly(*, user: User, filters: StatisticsFilter) -> dict[str, Any]:
    """The figures month by month over the period, on the same bases as ``statistics``: the
    series of sent cases for every reader, the municipality's own only for a reader who sees
    every case. A fixed number of grouped queries, whatever the period's length."""
    basis = _basis(user, filters)
    sent, cases = basis.sent, basis.cases
    dispatches = Dispatch.objects.filter(agenda_item__in=basis.in_meetings)
    meeting_day = "agenda_item__meeting__date"
    counted = {
        "requests_sent": _by_month(basis.in_period(sent, "submitted_at"), "submitted_at"),
        "dispatches": _by_month(dispatches, meeting_day, moment=False),
        "dispatches_on_time": _by_month(
            dispatches.filter(is_late=False), meeting_day, moment=False
        ),
        "cancellations": _by_month(
            basis.in_meetings.filter(cancelled_at__isnull=False), "meeting__date", moment=False
        ),
        "advice": _by_month(basis.advice, "submitted_at"),
        "decisions": _by_month(
            basis.in_period(Decision.objects.filter(case__in=sent), "decided_at"), "decided_at"
        ),
    }
    if basis.every_case:
        counted["requests"] = _by_month(basis.in_period(cases, "submitted_at"), "submitted_at")
        counted["refusals"] = _by_month(
            basis.in_period(cases.filter(status=Status.REJECTED), "closed_at"), "closed_at"
        )
    series = [
        {"key": key, "label": str(label)}
        for key, label, municipal in MONTHLY_SERIES
        if basis.every_case or not municipal
    ]
    return {
        **basis.header(),
        "series": series,
        "months": [
            {
                "month": month,
                **{entry["key"]: counted[entry["key"]].get(month, 0) for entry in series},
            }
            for month in months_of(filters.period_start, filters.period_end)
        ],
    }
