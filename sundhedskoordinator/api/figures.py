"""``/api/v1/settlements``, ``/api/v1/rates`` and ``/api/v1/statistics``: the region's billing
and the service's figures, for Klinisk Funktion and managers (DESIGN sections 2 and 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from sundhedskoordinator.billing import exports, selectors, services
from sundhedskoordinator.billing.selectors import SettlementView
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.reports.selectors import StatisticsFilter, monthly, statistics

from .cases import ERRORS
from .schemas import Day, Out, file_answer

router = Router(tags=["figures"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


CsvFormat = Literal["danish", "machine"]


class SettlementQuery(Schema):
    municipality: int = Field(..., gt=0, lt=2**31)
    date_from: Day = Field(..., alias="from")
    date_to: Day = Field(..., alias="to")


class RateOut(Out):
    id: int
    region: int
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    bills_cancelled_after_dispatch: bool
    note: str
    #: When the rate reaches back into approved, locked settlements: the last locked day, and
    #: who confirmed the correction lines it causes (user id) and when.
    reaches_locked_until: dt.date | None = None
    confirmed_by: int | None = None
    confirmed_at: dt.datetime | None = None


class RateCorrectionOut(Out):
    municipality: str
    period_start: dt.date
    reference: str
    service_on: dt.date | None
    amount: Decimal
    note: str


class LineOut(Out):
    case_id: int
    reference: str
    kind: str
    basis: str
    service_on: dt.date | None
    rate: RateOut | None
    amount: Decimal
    note: str


class SettlementOut(Out):
    municipality: int
    municipality_name: str
    region: int
    period_start: dt.date
    period_end: dt.date
    status: str
    approved_at: dt.datetime | None
    approved_by: str | None
    currency: str
    total: Decimal
    line_count: int
    lines: list[LineOut]
    missing_rates: list[str]
    #: For a draft that is not the first open period: the day that period starts, where the
    #: corrections of locked periods are settled instead (null otherwise).
    corrections_from: dt.date | None = None


class ApproveIn(Schema):
    municipality: int = Field(..., gt=0, lt=2**31)
    date_from: Day = Field(..., alias="from")
    date_to: Day = Field(..., alias="to")
    expected_total: Decimal | None = Field(None, max_digits=14, decimal_places=2)


class RateIn(Schema):
    region: int = Field(..., gt=0, lt=2**31)
    amount: Decimal = Field(..., max_digits=10, decimal_places=2)
    valid_from: Day
    bills_cancelled_after_dispatch: bool = False
    note: str = Field("", max_length=300)
    #: Needed when the rate reaches back into an approved, locked settlement (else 422
    #: ``confirmation_required``); ``POST /rates/preview`` shows the correction lines first.
    confirm_locked_period: bool = False


def _rate(rate: Any) -> dict[str, Any] | None:
    if rate is None:
        return None
    return {
        "id": rate.pk,
        "region": rate.region_id,
        "amount": rate.amount,
        "valid_from": rate.valid_from,
        "valid_to": rate.valid_to,
        "bills_cancelled_after_dispatch": rate.bills_cancelled_after_dispatch,
        "note": rate.note,
        "reaches_locked_until": rate.reaches_locked_until,
        "confirmed_by": rate.confirmed_by_id,
        "confirmed_at": rate.confirmed_at,
    }


def _settlement(view: SettlementView) -> dict[str, Any]:
    stored = view.settlement
    return {
        "municipality": view.municipality.pk,
        "municipality_name": view.municipality.name,
        "region": view.municipality.region_id,
        "period_start": view.period_start,
        "period_end": view.period_end,
        "status": view.status,
        "approved_at": stored.approved_at if stored else None,
        "approved_by": str(stored.approved_by) if stored else None,
        "currency": "DKK",
        "total": view.total,
        "line_count": len(view.lines),
        "lines": [
            {
                "case_id": line.case_id,
                "reference": line.reference,
                "kind": line.kind.value,
                "basis": line.basis.value,
                "service_on": line.service_on,
                "rate": _rate(line.rate),
                "amount": line.amount,
                "note": line.note,
            }
            for line in view.lines
        ],
        "missing_rates": view.missing_rates,
        "corrections_from": view.corrections_from,
    }


def _read(request: HttpRequest, query: SettlementQuery) -> SettlementView:
    return selectors.read_settlement(
        user=_user(request),
        municipality_id=query.municipality,
        period_start=query.date_from,
        period_end=query.date_to,
    )


@router.get("/settlements", response={200: SettlementOut, **ERRORS})
def settlement(request: HttpRequest, query: Query[SettlementQuery]) -> dict[str, Any]:
    """The municipality's settlement for the period: the approved and locked one when the
    period is exactly one, otherwise the draft as it stands now. Amounts are decimal strings
    in DKK."""
    return _settlement(_read(request, query))


@router.get(
    "/settlements.csv",
    response={200: None, **ERRORS},
    openapi_extra=file_answer("text/csv"),
)
def settlement_csv(
    request: HttpRequest, query: Query[SettlementQuery], csv_format: CsvFormat = "danish"
) -> HttpResponse:
    """The settlement as CSV: for a Danish spreadsheet (semicolons, decimal comma, day-month-
    year), or with `csv_format=machine` for programs (commas, decimal point, ISO dates)."""
    return exports.settlement_download(
        _read(request, query), "csv", machine=csv_format == "machine"
    )


@router.get(
    "/settlements.xlsx",
    response={200: None, **ERRORS},
    openapi_extra=file_answer(exports.CONTENT_TYPES["xlsx"]),
)
def settlement_xlsx(request: HttpRequest, query: Query[SettlementQuery]) -> HttpResponse:
    return exports.settlement_download(_read(request, query), "xlsx")


@router.post("/settlements", response={201: SettlementOut, **ERRORS})
def approve(request: HttpRequest, payload: ApproveIn) -> Status[dict[str, Any]]:
    """Klinisk Funktion approves and locks the period's settlement. Send ``expected_total`` (the
    total you reviewed) to be told with 409 when the cases have changed since."""
    user = _user(request)
    services.approve_settlement(
        actor=user,
        municipality_id=payload.municipality,
        period_start=payload.date_from,
        period_end=payload.date_to,
        expected_total=payload.expected_total,
    )
    view = selectors.read_settlement(
        user=user,
        municipality_id=payload.municipality,
        period_start=payload.date_from,
        period_end=payload.date_to,
    )
    return Status(201, _settlement(view))


@router.get("/rates", response={200: list[RateOut], **ERRORS})
def rates(request: HttpRequest) -> list[dict[str, Any] | None]:
    """The rates of the regions the user may read, newest first."""
    return [_rate(rate) for rate in selectors.rates_in_scope(_user(request))]


@router.post("/rates", response={201: RateOut, **ERRORS})
def create_rate(request: HttpRequest, payload: RateIn) -> Status[dict[str, Any] | None]:
    """Klinisk Funktion sets a new rate; the previous one ends the day before."""
    rate = services.set_rate(
        actor=_user(request),
        region_id=payload.region,
        amount=payload.amount,
        valid_from=payload.valid_from,
        bills_cancelled_after_dispatch=payload.bills_cancelled_after_dispatch,
        note=payload.note,
        confirm_locked_period=payload.confirm_locked_period,
    )
    return Status(201, _rate(rate))


@router.post("/rates/preview", response={200: list[RateCorrectionOut], **ERRORS})
def preview_rate(request: HttpRequest, payload: RateIn) -> list[Any]:
    """The correction lines the rate would cause in each municipality's first open settlement,
    if it were saved; nothing is saved."""
    return services.rate_corrections(
        actor=_user(request),
        region_id=payload.region,
        amount=payload.amount,
        valid_from=payload.valid_from,
        bills_cancelled_after_dispatch=payload.bills_cancelled_after_dispatch,
    )


class StatisticsQuery(Schema):
    date_from: Day = Field(..., alias="from")
    date_to: Day = Field(..., alias="to")
    region: int | None = Field(None, gt=0, lt=2**31)
    municipality: int | None = Field(None, gt=0, lt=2**31)
    team: int | None = Field(None, gt=0, lt=2**31)


class SpreadOut(Out):
    count: int
    median: Decimal | None
    p90: Decimal | None


class CountOut(Out):
    key: str
    label: str
    count: int


class FigureScopeOut(Out):
    #: "all_cases": every case of the municipalities counted; "sent_cases": those sent to the
    #: region only (Klinisk Funktion, a region's manager).
    basis: str
    description: str


class StatisticsOut(Out):
    period_start: dt.date
    period_end: dt.date
    municipalities: list[str]
    #: Whose cases are counted, and why. The figures below ``scope`` marked "the same for every
    #: reader" count the cases sent to the region; those only a municipality sees are null (or
    #: empty lists) when ``scope.basis`` is "sent_cases".
    scope: FigureScopeOut
    requests_sent: int
    sent_cases_by_state: list[CountOut]
    requests: int | None
    refusals_total: int | None
    refusals_by_reason: list[CountOut]
    cancellations_total: int
    cancellations_by_reason: list[CountOut]
    cases_created: int | None
    cases_by_state: list[CountOut]
    request_to_meeting_days: SpreadOut
    dispatch_working_days_late: SpreadOut
    minutes_conversation_to_advice: SpreadOut
    dispatches: int
    dispatches_on_time: int
    share_on_time: Decimal | None
    outcomes: list[CountOut]
    citizens_not_informed: int | None


@router.get("/statistics", response={200: StatisticsOut, **ERRORS})
def statistics_view(request: HttpRequest, query: Query[StatisticsQuery]) -> dict[str, Any]:
    """The figures for a period (required) and optionally one region, municipality or team.
    Lead times are in calendar days, working days and minutes; ``share_on_time`` is a fraction
    between 0 and 1. ``scope`` says whose cases are counted: the figures of cases sent to the
    region are the same for every reader who sees them; the municipality's own figures
    (requests, refusals, cases by state, citizens not informed) are null or empty for a reader
    who sees only the cases sent to the region."""
    return statistics(
        user=_user(request),
        filters=StatisticsFilter(
            query.date_from, query.date_to, query.region, query.municipality, query.team
        ),
    )


class SeriesOut(Out):
    key: str
    label: str


class MonthlyOut(Out):
    period_start: dt.date
    period_end: dt.date
    municipalities: list[str]
    scope: FigureScopeOut
    #: The series given, in order; the municipality's own ("requests", "refusals") only when
    #: ``scope.basis`` is "all_cases".
    series: list[SeriesOut]
    #: One entry per month the period touches: ``month`` (its first day) and a count per series.
    months: list[dict[str, int | dt.date]]


@router.get("/statistics/monthly", response={200: MonthlyOut, **ERRORS})
def monthly_view(request: HttpRequest, query: Query[StatisticsQuery]) -> dict[str, Any]:
    """The figures month by month over the period (at most two years), on the same bases as
    ``/statistics``; the page offers the same as CSV and XLSX."""
    return monthly(
        user=_user(request),
        filters=StatisticsFilter(
            query.date_from, query.date_to, query.region, query.municipality, query.team
        ),
    )
