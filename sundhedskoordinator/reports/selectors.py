"""The service's figures for a period, region, municipality and team (DESIGN section 1: lead
times, on-time dispatch, outcomes; section 4: the guidance duty). Every figure is a database
aggregate: the counts of the period and of each of its months in one query over the cases alive
in it, each count a filtered COUNT of one pass; one over the agenda items of the period's
meetings (from what each keeps of its case, its dispatch and its conversation), grouped by
month, cancellation, lateness and lead time, from which both the items' counts and their spreads
are read; one over the period's decisions and one over its first advice (grouped by the minutes
after the conversation), both found by the municipality they keep of their case; percentiles
from the database's count of each value, interpolated between ranks as PostgreSQL's
``percentile_cont`` does. A request costs the
same number of queries whatever the period, the data and the user's roles, and reads each agenda
item of the period once.

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
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sundhedskoordinator.access.policy import (
    figure_municipalities,
    sees_every_case_of,
)
from sundhedskoordinator.cases.choices import Outcome, RejectionReason, Status
from sundhedskoordinator.cases.models import Advice, AgendaItem, Decision
from sundhedskoordinator.cases.selectors import scope_cases
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.selectors import not_informed
from sundhedskoordinator.core import periods
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.organisations.models import User

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


def spread_of(histogram: Mapping[Any, int]) -> Spread:
    """Median and 90th percentile of values given as how many times each occurs (the
    database's ``GROUP BY`` count of each value): the values in order, and the one at each rank
    ``_quantile`` needs found by adding up the counts."""
    count = sum(histogram.values())
    if not count:
        return Spread(0, None, None)
    wanted = set()
    for p in QUANTILES:
        low = math.floor(p * (count - 1))
        wanted |= {rank for rank in (low, low + 1) if rank < count}
    by_rank: dict[int, Any] = {}
    below = 0
    for value in sorted(histogram):
        times = histogram[value]
        by_rank |= {rank: value for rank in wanted if below <= rank < below + times}
        below += times
    return Spread(count, *(_quantile(by_rank, count, p) for p in QUANTILES))


@dataclass(frozen=True)
class Place:
    """A municipality whose figures the user may read, with its region."""

    pk: int
    name: str
    region_id: int
    region_name: str


@dataclass(frozen=True)
class Team:
    """A rehab team of one of those municipalities."""

    pk: int
    name: str
    municipality_id: int


@dataclass(frozen=True)
class Places:
    """The municipalities whose figures the user may read (``figure_municipalities``), with their
    regions and teams: what the filters offer and what the figures cover, read once."""

    municipalities: tuple[Place, ...]
    teams: tuple[Team, ...]

    @property
    def regions(self) -> list[tuple[int, str]]:
        """The regions of the municipalities, by name."""
        named = {m.region_id: m.region_name for m in self.municipalities}
        return sorted(named.items(), key=lambda region: (region[1], region[0]))


def figure_places(user: User) -> Places:
    """The places of the user's figures in one query: each municipality with its region and its
    teams (a row per team, or one without)."""
    rows = (
        figure_municipalities(user)
        .order_by("name", "pk", "rehab_teams__name", "rehab_teams__pk")
        .values_list(
            "pk", "name", "region_id", "region__name", "rehab_teams__pk", "rehab_teams__name"
        )
    )
    municipalities: dict[int, Place] = {}
    teams: list[Team] = []
    for pk, name, region_id, region_name, team_pk, team_name in rows:
        municipalities.setdefault(pk, Place(pk, name, region_id, region_name))
        if team_pk is not None:
            teams.append(Team(team_pk, team_name, pk))
    return Places(tuple(municipalities.values()), tuple(teams))


def scope_for(user: User, filters: StatisticsFilter, places: Places | None = None) -> list[Place]:
    """The municipalities the figures cover: what the user may see (``places``, when the caller
    has read them), narrowed by the filters. A region, municipality or team outside the user's
    scope is not found."""
    places = places or figure_places(user)
    municipalities = list(places.municipalities)
    if not municipalities:
        raise NotFoundError("not_found", NO_ACCESS)
    periods.check_period(
        filters.period_start,
        filters.period_end,
        max_days=MAX_PERIOD_DAYS,
        too_long=_("Vælg en periode på højst to år."),
    )
    if filters.region_id is not None:
        municipalities = [m for m in municipalities if m.region_id == filters.region_id]
    if filters.municipality_id is not None:
        municipalities = [m for m in municipalities if m.pk == filters.municipality_id]
    if filters.team_id is not None:
        team = next(
            (
                t
                for t in places.teams
                if t.pk == filters.team_id and t.municipality_id in {m.pk for m in municipalities}
            ),
            None,
        )
        if team is None:
            raise NotFoundError("not_found", NO_ACCESS)
        municipalities = [m for m in municipalities if m.pk == team.municipality_id]
    if not municipalities:
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


def _rows(choices: type[models.TextChoices], counts: dict[str, int]) -> list[dict[str, Any]]:
    """One row per choice, in the choices' order, zero where nothing was counted."""
    return [
        {"key": value, "label": str(label), "count": counts.get(value, 0)}
        for value, label in choices.choices
    ]


def _coded(field: str, value: str, other: str) -> Q:
    """Rows coded ``value``; those from before the codes (no code) count as ``other``."""
    if value == other:
        return Q(**{f"{field}__in": [other, ""]})
    return Q(**{field: value})


@dataclass(frozen=True)
class _Month:
    """A month of the period: its first day, and the part of it inside the period as days and as
    local instants (the period's first and last month may be partial)."""

    month: dt.date
    first: dt.date
    last: dt.date

    def during(self, field: str) -> Q:
        """A moment in this month's part of the period, by its local day."""
        start, end = periods.local_bounds(self.first, self.last)
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    def on_days(self, field: str) -> Q:
        """A date in this month's part of the period."""
        return Q(**{f"{field}__gte": self.first, f"{field}__lte": self.last})


@dataclass(frozen=True)
class _Basis:
    """What both the figures and the months count, built once by ``_basis``."""

    filters: StatisticsFilter
    start: dt.datetime
    end: dt.datetime
    #: The municipalities counted, by name.
    municipalities: list[Place]
    #: The cases the user may see (one policy for every read): every case of the municipality
    #: for its manager, those sent to the region for Klinisk Funktion.
    cases: QuerySet[Any]
    #: The shared basis: the cases sent to the region, which every reader of them sees.
    sent: QuerySet[Any]
    #: The agenda items counted: those of sent cases the user may see, at meetings of the period
    #: (of the team, if one is chosen).
    items: QuerySet[AgendaItem]
    #: First advice given in the period on the sent cases (of the team's, if one is chosen).
    advice: QuerySet[Advice]
    #: Decisions made in the period on the sent cases (of the team's, if one is chosen).
    decisions: QuerySet[Decision]
    every_case: bool

    def header(self) -> dict[str, Any]:
        names = [m.name for m in self.municipalities]
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
        return queryset.filter(self.during(field))

    def during(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    def months(self) -> list[_Month]:
        period_start, period_end = self.filters.period_start, self.filters.period_end
        result = []
        for month in months_of(period_start, period_end):
            month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            result.append(_Month(month, max(month, period_start), min(month_end, period_end)))
        return result


def _basis(user: User, filters: StatisticsFilter, places: Places | None = None) -> _Basis:
    municipalities = scope_for(user, filters, places)
    counted = [m.pk for m in municipalities]
    start, end = periods.local_bounds(filters.period_start, filters.period_end)
    cases = scope_cases(user).filter(municipality_id__in=counted)
    team = filters.team_id
    if team is not None:
        cases = cases.filter(
            Exists(AgendaItem.objects.filter(case=OuterRef("pk"), meeting__team_id=team))
        )
    sent = cases.filter(first_sent_at__isnull=False)
    # The items at the period's meetings of the counted municipalities whose case has been sent
    # (``AgendaItem.case_sent``): the items of ``sent``, as a case is only ever on its own
    # municipality's agenda (``cases.invariants``) and every reader of figures sees every sent
    # case of the municipalities ``scope_for`` gave (the policy's ``figure_municipalities``).
    # The database starts from the period's meetings of those municipalities (a few thousand at
    # a million cases) and reads their items from the items' figure index alone, instead of
    # looking up each item's case among the region's (a hash of 216,722 sent cases of a region
    # at a million). An item at the team's meeting is one of a case the team has had.
    items = AgendaItem.objects.filter(
        case_sent=True,
        meeting__municipality_id__in=counted,
        meeting__date__gte=filters.period_start,
        meeting__date__lte=filters.period_end,
    )
    # The first advice of the period of the counted municipalities, by the municipality each
    # advice keeps of its case: the advice of ``sent``, as every reader of figures sees every
    # sent case of the municipalities ``scope_for`` gave (the policy's
    # ``figure_municipalities``) and advice is only ever given on a sent case (a conversation
    # follows a dispatch: ``cases.invariants``). The database reads the period's advice of
    # those municipalities from the advice's figure index alone, instead of joining every sent
    # case of the region (about 100 ms of a region's year at a million cases).
    advice = Advice.objects.filter(
        municipality_id__in=counted, version=1, submitted_at__gte=start, submitted_at__lt=end
    )
    # The decisions of the period, found the same way: a decision is only ever made on advice.
    decisions = Decision.objects.filter(
        municipality_id__in=counted, decided_at__gte=start, decided_at__lt=end
    )
    if team is not None:
        items = items.filter(meeting__team_id=team)
        advice = advice.filter(conversation__agenda_item__meeting__team_id=team)
        decisions = decisions.filter(
            Exists(AgendaItem.objects.filter(case=OuterRef("case"), meeting__team_id=team))
        )
    return _Basis(
        filters=filters,
        start=start,
        end=end,
        municipalities=municipalities,
        cases=cases,
        sent=sent,
        items=items,
        advice=advice,
        decisions=decisions,
        every_case=sees_every_case_of(user, counted),
    )


def _count(queryset: QuerySet[Any], conditions: dict[str, Q]) -> dict[str, int]:
    """How many rows of ``queryset`` meet each condition, in one query (conditional
    aggregation: one pass over the rows, one column per condition)."""
    if not conditions:
        return {}
    return queryset.order_by().aggregate(
        **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
    )


def _case_counts(basis: _Basis, months: list[_Month]) -> dict[str, int]:
    """Every count of cases for the period and for each of ``months``, in one query over the
    cases alive in the period."""
    sent = Q(first_sent_at__isnull=False)
    created, submitted = basis.during("created_at"), basis.during("submitted_at")
    conditions = {
        "requests_sent": sent & submitted,
        **{f"sent_state_{state}": sent & created & Q(status=state) for state in SENT_CASE_STATES},
    }
    rejected = Q(status=Status.REJECTED)
    if basis.every_case:
        refused = rejected & basis.during("closed_at")
        conditions |= {
            "requests": submitted,
            "refusals_total": refused,
            **{
                f"refusal_{reason}": refused
                & _coded("rejection_reason", reason, RejectionReason.OTHER)
                for reason in RejectionReason.values
            },
            "cases_created": created,
            **{f"state_{state}": created & Q(status=state) for state in Status.values},
        }
    for index, month in enumerate(months):
        conditions[f"requests_sent_{index}"] = sent & month.during("submitted_at")
        if basis.every_case:
            conditions |= {
                f"requests_{index}": month.during("submitted_at"),
                f"refusals_{index}": rejected & month.during("closed_at"),
            }
    # Everything a case is counted by here (its creation, request, refusal) happens between its
    # creation and its closing: only cases alive at some moment of the period can count, found
    # through the index ``case_alive`` (municipality, closed_at, then every column counted here:
    # ``cases.models.FIGURE_COLUMNS``) instead of the whole history.
    alive = Q(created_at__lt=basis.end) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=basis.start)
    )
    return _count(basis.cases.filter(alive), conditions)


def _decision_counts(basis: _Basis, months: list[_Month]) -> dict[str, int]:
    """The period's decisions by outcome, and those of each of ``months``, in one query over
    the decisions' figure index."""
    return _count(
        basis.decisions,
        {
            **{f"outcome_{outcome}": Q(outcome=outcome) for outcome in Outcome.values},
            **{
                f"decisions_{index}": month.during("decided_at")
                for index, month in enumerate(months)
            },
        },
    )


def _advice_figures(basis: _Basis, months: list[_Month]) -> tuple[dict[str, int], Spread]:
    """The first advice of each of ``months``, and the spread of the minutes from conversation
    to advice over the period, in one query: the period's first advice grouped by its minutes,
    each group counted in all and in each month."""
    keys = [f"advice_{index}" for index in range(len(months))]
    rows = (
        basis.advice.order_by()
        .values_list("minutes_after_conversation")
        .annotate(
            times=Count("pk"),
            **{
                key: Count("pk", filter=month.during("submitted_at"))
                for key, month in zip(keys, months, strict=True)
            },
        )
    )
    counts = dict.fromkeys(keys, 0)
    minutes: Counter[Any] = Counter()
    for value, times, *in_months in rows:
        minutes[value] += times
        for key, in_month in zip(keys, in_months, strict=True):
            counts[key] += in_month
    return counts, spread_of(minutes)


@dataclass(frozen=True)
class _Figures:
    """The counts of the period and its months (by key), and the spreads of the agenda items and
    of the advice."""

    counts: dict[str, int]
    request_to_meeting_days: Spread
    dispatch_working_days_late: Spread
    minutes_conversation_to_advice: Spread


def _item_figures(basis: _Basis, months: list[_Month]) -> tuple[dict[str, int], Spread, Spread]:
    """Every count of the agenda items at meetings of the period and of their dispatches (at
    most one each), for the period and for each of ``months``, and the spreads of the days from
    request to meeting (of the items whose conversation was held or recorded) and of the
    working days dispatches were late, in one query: the items grouped by their meeting's day,
    their cancellation code, their dispatch's lateness and their request day, each group
    counted; the month and the lead time are worked out here from the days. (Grouped by month
    and lead time in the query, SQLite computed both in Django's Python functions for each item:
    about 300 ms for a region's year at a million, against about 55 ms like this.)
    Cancellations from before the codes (no code) count as other, as the billing rules do."""
    rows = (
        basis.items.order_by()
        .annotate(
            day=F("meeting__date"),
            code=models.Case(When(cancelled_at__isnull=False, then=F("cancel_code"))),
            late=F("dispatch_late"),
            days_late=F("dispatch_days_late"),
            requested=models.Case(When(held=True, then=F("requested_on"))),
        )
        .values_list("day", "code", "late", "days_late", "requested")
        .annotate(times=Count("pk"))
    )
    codes = CancelCode.values
    keys = ["cancellations_total", "dispatches", "dispatches_on_time"]
    keys += [f"cancelled_{code}" for code in codes]
    keys += [
        f"{series}_{index}"
        for index in range(len(months))
        for series in ("dispatches", "dispatches_on_time", "cancellations")
    ]
    counts = dict.fromkeys(keys, 0)
    month_index = {month.month: index for index, month in enumerate(months)}
    leads: Counter[Any] = Counter()
    lateness: Counter[Any] = Counter()
    for day, code, late, days_late, requested, times in rows:
        index = month_index.get(day.replace(day=1))
        in_month = [] if index is None else [f"_{index}"]
        if code is not None:
            code = code or CancelCode.OTHER
            counts["cancellations_total"] += times
            if code in codes:
                counts[f"cancelled_{code}"] += times
            for suffix in in_month:
                counts[f"cancellations{suffix}"] += times
        if late is not None:
            counts["dispatches"] += times
            lateness[days_late] += times
            for suffix in in_month:
                counts[f"dispatches{suffix}"] += times
            if not late:
                counts["dispatches_on_time"] += times
                for suffix in in_month:
                    counts[f"dispatches_on_time{suffix}"] += times
        if requested is not None:
            leads[day - requested] += times
    return counts, spread_of(leads), spread_of(lateness)


def _by_key(counts: dict[str, int], prefix: str, keys: list[str]) -> dict[str, int]:
    return {key: counts[f"{prefix}_{key}"] for key in keys}


def _municipal_only(basis: _Basis, counts: dict[str, int]) -> dict[str, Any]:
    """The municipality's own figures, for a reader who sees every case; left out (None, or no
    rows) for the others, never shown as zero."""
    if not basis.every_case:
        return {
            key: [] if key.endswith(("_by_reason", "_by_state")) else None for key in MUNICIPAL_ONLY
        }
    return {
        "requests": counts["requests"],
        "refusals_by_reason": _rows(
            RejectionReason, _by_key(counts, "refusal", RejectionReason.values)
        ),
        "refusals_total": counts["refusals_total"],
        "cases_by_state": _rows(Status, _by_key(counts, "state", Status.values)),
        "cases_created": counts["cases_created"],
        "citizens_not_informed": not_informed(
            Citizen.objects.filter(municipality_id__in=[m.pk for m in basis.municipalities]),
            on=basis.filters.period_end,
        ).count(),
    }


def _statistics(basis: _Basis, figures: _Figures) -> dict[str, Any]:
    counts = figures.counts
    total_dispatches, on_time = counts["dispatches"], counts["dispatches_on_time"]
    return {
        **basis.header(),
        "requests_sent": counts["requests_sent"],
        "sent_cases_by_state": [
            {
                "key": state.value,
                "label": str(state.label),
                "count": counts[f"sent_state_{state}"],
            }
            for state in SENT_CASE_STATES
        ],
        "cancellations_by_reason": _rows(
            CancelCode, _by_key(counts, "cancelled", CancelCode.values)
        ),
        "cancellations_total": counts["cancellations_total"],
        "request_to_meeting_days": figures.request_to_meeting_days,
        "dispatch_working_days_late": figures.dispatch_working_days_late,
        "minutes_conversation_to_advice": figures.minutes_conversation_to_advice,
        "dispatches": total_dispatches,
        "dispatches_on_time": on_time,
        "share_on_time": (
            (Decimal(on_time) / Decimal(total_dispatches)).quantize(
                Decimal("0.001"), rounding=ROUND_HALF_UP
            )
            if total_dispatches
            else None
        ),
        "outcomes": _rows(Outcome, _by_key(counts, "outcome", Outcome.values)),
        **_municipal_only(basis, counts),
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


def _monthly(basis: _Basis, months: list[_Month], figures: _Figures) -> dict[str, Any]:
    counts = figures.counts
    series = [
        {"key": key, "label": str(label)}
        for key, label, municipal in MONTHLY_SERIES
        if basis.every_case or not municipal
    ]
    return {
        **basis.header(),
        "series": series,
        "months": [
            {"month": month.month, **{s["key"]: counts[f"{s['key']}_{index}"] for s in series}}
            for index, month in enumerate(months)
        ],
    }


def _counts(basis: _Basis, months: list[_Month]) -> _Figures:
    """The counts of the period and of ``months`` and the spreads: four queries (the cases, the
    agenda items, the decisions, the advice), whatever the period's length and the amount of
    data."""
    items, leads, lateness = _item_figures(basis, months)
    advice, minutes = _advice_figures(basis, months)
    return _Figures(
        _case_counts(basis, months) | items | _decision_counts(basis, months) | advice,
        leads,
        lateness,
        minutes,
    )


def statistics(
    *, user: User, filters: StatisticsFilter, places: Places | None = None
) -> dict[str, Any]:
    """Every figure for the filters, as plain data the page, the charts and the API share.
    ``places``: ``figure_places(user)``, when the caller has read them."""
    basis = _basis(user, filters, places)
    return _statistics(basis, _counts(basis, []))


def monthly(
    *, user: User, filters: StatisticsFilter, places: Places | None = None
) -> dict[str, Any]:
    """The figures month by month over the period, on the same bases as ``statistics``: the
    series of sent cases for every reader, the municipality's own only for a reader who sees
    every case. A fixed number of queries, whatever the period's length."""
    basis = _basis(user, filters, places)
    months = basis.months()
    return _monthly(basis, months, _counts(basis, months))


def statistics_and_months(
    *, user: User, filters: StatisticsFilter, places: Places | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``statistics`` and ``monthly`` together (the statistics page), counted in the same
    queries."""
    basis = _basis(user, filters, places)
    months = basis.months()
    figures = _counts(basis, months)
    return _statistics(basis, figures), _monthly(basis, months, figures)
