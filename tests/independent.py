"""Settlement and statistics recomputed from the API's raw case list in plain Python, written
apart from the application's own code (``billing.services``, ``reports.selectors``,
``core.workingdays``), so that each checks the other figure by figure.

Only stored facts are read from the API: dates and times, the dispatch deadline fixed at
scheduling, the rates' amounts and start dates, the lines of approved settlements. What the
application derives from them (whether a dispatch was late and by how many working days, whether
an item was held, until when a rate is valid, correction lines) is worked out again here, with a
calendar of its own."""

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


# --- A calendar of its own ----------------------------------------------------------------------
#: Danish closing days 2024–2030, written out by hand: the public holidays (nytårsdag,
#: skærtorsdag, langfredag, 2. påskedag, Kristi himmelfartsdag, 2. pinsedag, 1. and 2. juledag;
#: Easter Sunday and Whit Sunday always fall on a Sunday; Store Bededag is abolished from 2024)
#: and the default extra closing days: Grundlovsdag 5 June, 24 and 31 December.
_CLOSING = {
    2024: "01-01 03-28 03-29 04-01 05-09 05-20 06-05 12-24 12-25 12-26 12-31",
    2025: "01-01 04-17 04-18 04-21 05-29 06-05 06-09 12-24 12-25 12-26 12-31",
    2026: "01-01 04-02 04-03 04-06 05-14 05-25 06-05 12-24 12-25 12-26 12-31",
    2027: "01-01 03-25 03-26 03-29 05-06 05-17 06-05 12-24 12-25 12-26 12-31",
    2028: "01-01 04-13 04-14 04-17 05-25 06-05 12-24 12-25 12-26 12-31",  # 2. pinsedag = 5 June
    2029: "01-01 03-29 03-30 04-02 05-10 05-21 06-05 12-24 12-25 12-26 12-31",
    2030: "01-01 04-18 04-19 04-22 05-30 06-05 06-10 12-24 12-25 12-26 12-31",
}
CLOSING_DAYS = frozenset(
    dt.date(year, int(day[:2]), int(day[3:]))
    for year, days in _CLOSING.items()
    for day in days.split()
)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a closing day; a year outside the table is an error, not a guess."""
    if day.year not in _CLOSING:
        raise ValueError(f"no closing days written down for {day.year}")
    return day.weekday() < 5 and day not in CLOSING_DAYS


def working_days_after(start: dt.date, end: dt.date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 when ``end`` is
    not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def dispatch_lateness(deadline: str, sent_at: str) -> tuple[bool, int]:
    """Late when the package left after the deadline day (sent on the deadline day is on time),
    and by how many working days (DESIGN section 3, "Dispatch after the deadline is allowed,
    recorded as late")."""
    sent_on = local_date(sent_at)
    assert sent_on is not None
    last_day = _day(deadline)
    return sent_on > last_day, working_days_after(last_day, sent_on)


def was_held(case: dict[str, Any], item: dict[str, Any]) -> bool:
    """An agenda item was held when the case has a conversation and the item is its live one: a
    conversation is recorded only on the case's one live item, and a held item is never
    cancelled afterwards (cancel and unschedule come before a conversation)."""
    return case["conversation"] is not None and item["cancelled_at"] is None


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
            if was_held(case, item) and case["submitted_at"]:
                lead.append(float((meeting_day - local_date(case["submitted_at"])).days))  # type: ignore[operator]
            if item["dispatch"]:
                is_late, days_late = dispatch_lateness(
                    item["dispatch"]["deadline"], item["dispatch"]["sent_at"]
                )
                dispatches += 1
                on_time += not is_late
                late.append(float(days_late))
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

    # A reader who sees only the cases sent to the region (whose raw cases are those) gets the
    # municipality's own figures left out; the shared ones count exactly her raw cases.
    if api_figures["scope"]["basis"] == "sent_cases":
        assert api_figures["requests"] is None and api_figures["cases_by_state"] == []
        api_figures = {
            **api_figures,
            "requests": api_figures["requests_sent"],
            "refusals_total": 0,
            "cases_created": sum(row["count"] for row in api_figures["sent_cases_by_state"]),
            "cases_by_state": api_figures["sent_cases_by_state"],
        }
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
    """The rate valid on ``day``: the newest one that starts on or before it. A rate is valid
    from its start until the day before the next one starts (the API's ``valid_to`` is not
    read)."""
    started = [r for r in rates if _day(r["valid_from"]) <= day]
    return max(started, key=lambda r: _day(r["valid_from"])) if started else None


def _billable(
    case: dict[str, Any], rates: list[dict[str, Any]], until: dt.date
) -> tuple[dt.date, dict[str, Any] | None] | None:
    """The meeting day and rate of the case's first sent agenda item, up to ``until``, that was
    held, or cancelled where that day's rate bills cancellations after dispatch."""
    for item in sorted(case["agenda_history"], key=lambda i: (i["meeting_date"], i["starts_at"])):
        day = _day(item["meeting_date"])
        if day > until:
            return None
        if item["dispatch"] is None:
            continue
        rate = _rate_on(rates, day)
        cancelled_billed = (
            item["cancelled_at"] is not None
            and rate is not None
            and rate["bills_cancelled_after_dispatch"]
        )
        if was_held(case, item) or cancelled_billed:
            return day, rate
    return None


def settlement_lines_from(
    cases: list[dict[str, Any]],
    rates: list[dict[str, Any]],
    *,
    municipality: int,
    start: dt.date,
    end: dt.date,
    locked: list[dict[str, Any]] | tuple[()] = (),
) -> dict[str, tuple[str, Decimal]]:
    """Reference → (line kind, amount) of the period's settlement, after the approved and locked
    settlements ``locked`` (as the API answers them):

    - a case is billed once, at the rate valid on the day of its first billable item;
    - not billed before and that day falls in the period: an ordinary line;
    - not billed before and that day falls in a locked period (the conversation was recorded
      after approval): a correction line for the whole amount;
    - billed before and what it should cost now differs from what it was billed so far (the
      billing basis has gone, a rate corrected back in time): a correction line of the
      difference."""
    billed: dict[str, Decimal] = {}
    for settlement in locked:
        for line in settlement["lines"]:
            billed[line["reference"]] = billed.get(line["reference"], Decimal("0.00")) + Decimal(
                line["amount"]
            )
    periods = [(_day(s["period_start"]), _day(s["period_end"])) for s in locked]
    lines: dict[str, tuple[str, Decimal]] = {}
    for case in cases:
        if case["municipality"]["id"] != municipality:
            continue
        reference = case["reference"]
        event = _billable(case, rates, until=end)
        if event is not None and event[1] is None:
            continue  # no rate for that day: the settlement lists it as missing, not as a line
        if reference in billed:
            should = Decimal(event[1]["amount"]) if event and event[1] else Decimal("0.00")
            if should != billed[reference]:
                lines[reference] = ("correction", should - billed[reference])
            continue
        if event is None:
            continue
        day, rate = event
        assert rate is not None
        if start <= day:
            lines[reference] = ("ordinary", Decimal(rate["amount"]))
        elif any(first <= day <= last for first, last in periods):
            lines[reference] = ("correction", Decimal(rate["amount"]))
    return lines


def settlement_from(
    cases: list[dict[str, Any]],
    rates: list[dict[str, Any]],
    *,
    municipality: int,
    start: dt.date,
    end: dt.date,
    locked: list[dict[str, Any]] | tuple[()] = (),
) -> dict[str, Decimal]:
    """Reference → amount of the period's settlement (``settlement_lines_from``)."""
    lines = settlement_lines_from(
        cases, rates, municipality=municipality, start=start, end=end, locked=locked
    )
    return {reference: amount for reference, (_kind, amount) in lines.items()}
