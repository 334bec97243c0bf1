"""Settlement and statistics recomputed from the API's raw case list in plain Python, written
apart from the application's own code (``billing.services``, ``reports.selectors``), so that
each checks the other figure by figure."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
Get = Callable[..., Any]


def fetch_cases(get: Get) -> list[dict[str, Any]]:
    """Every case the API lists for the client, page by page."""
    cases: list[dict[str, Any]] = []
    page = 1
    while True:
        body = get("/cases", page=page, page_size=100).json()
        cases += body["items"]
        if len(cases) >= body["count"] or not body["items"]:
            return cases
        page += 1


def local_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).astimezone(COPENHAGEN).date()


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _between(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def _one_decimal(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def spread(values: list[float]) -> dict[str, Any]:
    """Count, median and 90th percentile (linear interpolation, as ``percentile_cont``)."""
    if not values:
        return {"count": 0, "median": None, "p90": None}
    p90 = (
        values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]
    )
    return {
        "count": len(values),
        "median": _one_decimal(statistics.median(values)),
        "p90": _one_decimal(p90),
    }


def statistics_from(cases: list[dict[str, Any]], start: dt.date, end: dt.date) -> dict[str, Any]:
    """The API's statistics figures (all but the citizens not informed) from raw cases."""
    requests = sum(_between(local_date(c["submitted_at"]), start, end) for c in cases)
    refused = Counter(
        c["rejection_reason"] or "other"
        for c in cases
        if c["status"] == "rejected" and _between(local_date(c["closed_at"]), start, end)
    )
    states = Counter(
        c["status"] for c in cases if _between(local_date(c["created_at"]), start, end)
    )
    lead, late, on_time, dispatches = [], [], 0, 0
    for case in cases:
        for item in case["agenda_history"]:
            meeting_day = _day(item["meeting_date"])
            if not _between(meeting_day, start, end):
                continue
            if item["held"] and case["submitted_at"]:
                lead.append(float((meeting_day - local_date(case["submitted_at"])).days))  # type: ignore[operator]
            if item["dispatch"]:
                dispatches += 1
                on_time += not item["dispatch"]["late"]
                late.append(float(item["dispatch"]["working_days_late"]))
    minutes = [
        float(c["advice_timing"]["minutes_after_conversation"])
        for c in cases
        if c["advice_timing"]
        and _between(local_date(c["advice_timing"]["submitted_at"]), start, end)
    ]
    outcomes = Counter(
        c["decision"]["outcome"]
        for c in cases
        if c["decision"] and _between(local_date(c["decision"]["decided_at"]), start, end)
    )
    share = (
        str((Decimal(on_time) / Decimal(dispatches)).quantize(Decimal("0.001"), ROUND_HALF_UP))
        if dispatches
        else None
    )
    return {
        "requests": requests,
        "refusals_total": sum(refused.values()),
        "refusals_by_reason": dict(refused),
        "cases_created": sum(states.values()),
        "cases_by_state": dict(states),
        "request_to_meeting_days": spread(lead),
        "dispatch_working_days_late": spread(late),
        "minutes_conversation_to_advice": spread(minutes),
        "dispatches": dispatches,
        "dispatches_on_time": on_time,
        "share_on_time": share,
        "outcomes": dict(outcomes),
    }


def comparable(api_figures: dict[str, Any]) -> dict[str, Any]:
    """The API's answer in the shape of ``statistics_from`` (zero counts left out)."""

    def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
        return {row["key"]: row["count"] for row in rows if row["count"]}

    keys = (
        "requests",
        "refusals_total",
        "cases_created",
        "request_to_meeting_days",
        "dispatch_working_days_late",
        "minutes_conversation_to_advice",
        "dispatches",
        "dispatches_on_time",
        "share_on_time",
    )
    return {
        **{key: api_figures[key] for key in keys},
        "refusals_by_reason": counts(api_figures["refusals_by_reason"]),
        "cases_by_state": counts(api_figures["cases_by_state"]),
        "outcomes": counts(api_figures["outcomes"]),
    }


def _rate_on(rates: list[dict[str, Any]], day: dt.date) -> dict[str, Any] | None:
    for rate in rates:
        ends = _day(rate["valid_to"]) if rate["valid_to"] else dt.date.max
        if _day(rate["valid_from"]) <= day <= ends:
            return rate
    return None


def settlement_from(
    cases: list[dict[str, Any]],
    rates: list[dict[str, Any]],
    *,
    municipality: int,
    start: dt.date,
    end: dt.date,
) -> dict[str, Decimal]:
    """Reference → amount for the period, with no locked period before it: a case is billed at
    its first sent agenda item that was held, or cancelled where that day's rate bills
    cancellations, if that meeting day falls in the period."""
    lines: dict[str, Decimal] = {}
    for case in cases:
        if case["municipality"]["id"] != municipality:
            continue
        for item in sorted(
            case["agenda_history"], key=lambda i: (i["meeting_date"], i["starts_at"])
        ):
            if item["dispatch"] is None:
                continue
            day = _day(item["meeting_date"])
            rate = _rate_on(rates, day)
            cancelled_billed = (
                item["cancelled_at"] is not None
                and rate is not None
                and rate["bills_cancelled_after_dispatch"]
            )
            if item["held"] or cancelled_billed:
                if start <= day <= end and rate is not None:
                    lines[case["reference"]] = Decimal(rate["amount"])
                break
    return lines
