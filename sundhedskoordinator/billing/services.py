"""The billing rules: which case is billed, when and at what rate, and how a settlement is
approved and locked (DESIGN section 4, "Billing"; regional procedure item 9).

- A case is billed once, for the first agenda item that counts: the conversation was held, or the
  item was cancelled after the package was sent, for a cause that lies with the citizen, and the
  rate valid on that meeting date bills such cases. The line carries the rate valid on the
  meeting date.
- A settlement covers one municipality and one period. It is computed from the cases until it is
  approved; approval stores its lines and locks it. Settlements of a municipality follow each
  other in time and never overlap.
- What changes later for a locked period (a conversation recorded late, a rate corrected back in
  time, a cancellation rule changed) becomes correction lines in the next settlement: for every
  case already billed or belonging to a locked period, the difference between what it should cost
  now and what it has been billed so far. They belong to exactly one draft, the first open period
  (the one that starts the day after the last locked period), so no correction is billed twice.
- A rate that reaches back into a locked period is saved only when Klinisk Funktion confirms it,
  having seen the correction lines it causes; who confirmed it, and when, is kept with the rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import (
    figure_municipalities,
    figure_regions,
    may_manage_billing,
)
from sundhedskoordinator.access.services import log_denied, logs_refusals
from sundhedskoordinator.cases.models import AgendaItem, Conversation, Dispatch
from sundhedskoordinator.core import clock, periods
from sundhedskoordinator.core.errors import ConflictError, DomainError, NotFoundError
from sundhedskoordinator.core.money import kroner
from sundhedskoordinator.meetings.choices import CITIZEN_CAUSED
from sundhedskoordinator.organisations.models import Municipality, Region, User

from .choices import Basis, LineKind
from .models import Rate, Settlement, SettlementLine

# Stable error codes (clients and tests import them).
NOT_ALLOWED = "not_allowed"
PERIOD_LOCKED = "period_locked"
PERIOD_NOT_ENDED = "period_not_ended"
CONFIRMATION_REQUIRED = "confirmation_required"
RATE_MISSING = "rate_missing"
RATE_INVALID = "rate_invalid"
SETTLEMENT_CHANGED = "settlement_changed"

ZERO = Decimal("0.00")
#: A period longer than this is a typing error, not a settlement.
MAX_PERIOD_DAYS = 366
#: The longest note on a rate (the column's size; the form and the API say the same).
RATE_NOTE = 300


def rate_on(rates: Iterable[Rate], day: dt.date) -> Rate | None:
    """The rate valid on ``day``, from a region's rates."""
    for rate in rates:
        if rate.valid_from <= day and (rate.valid_to is None or day <= rate.valid_to):
            return rate
    return None


def cancellation_billed(code: str, rate: Rate | None) -> bool:
    """A cancellation after the package was sent is billed when its cause lies with the citizen
    (she did not come, she withdrew, or another reason) and the rate valid on the meeting date
    bills such cancellations; never when the region's coordinator was ill or the meeting moved
    (``meetings.choices.CITIZEN_CAUSED``)."""
    return code in CITIZEN_CAUSED and rate is not None and rate.bills_cancelled_after_dispatch


@dataclass(frozen=True)
class BillableEvent:
    """What makes a case billable: the meeting date, why, and the rate valid that day."""

    case_id: int
    reference: str
    service_on: dt.date
    basis: Basis
    rate: Rate | None


def billable_events(municipality: Municipality, *, until: dt.date) -> dict[int, BillableEvent]:
    """For each case of the municipality billable on or before ``until``: its first billable
    agenda item (one query for the items, one for the region's rates)."""
    rates = list(Rate.objects.filter(region_id=municipality.region_id).order_by("valid_from"))
    items = (
        AgendaItem.objects.filter(case__municipality=municipality, meeting__date__lte=until)
        .annotate(
            was_held=Exists(Conversation.objects.filter(agenda_item=OuterRef("pk"))),
            was_dispatched=Exists(Dispatch.objects.filter(agenda_item=OuterRef("pk"))),
        )
        .filter(was_dispatched=True)
        .values(
            "case_id",
            "case__reference",
            "meeting__date",
            "was_held",
            "cancelled_at",
            "cancel_code",
        )
        .order_by("meeting__date", "starts_at", "pk")
    )
    events: dict[int, BillableEvent] = {}
    for item in items:
        if item["case_id"] in events:
            continue
        day = item["meeting__date"]
        rate = rate_on(rates, day)
        if item["was_held"]:
            basis = Basis.HELD
        elif item["cancelled_at"] is not None and cancellation_billed(item["cancel_code"], rate):
            basis = Basis.CANCELLED_AFTER_DISPATCH
        else:
            continue
        events[item["case_id"]] = BillableEvent(
            item["case_id"], item["case__reference"], day, basis, rate
        )
    return events


@dataclass
class DraftLine:
    case_id: int
    reference: str
    kind: LineKind
    basis: Basis
    service_on: dt.date | None
    rate: Rate | None
    amount: Decimal
    note: str = ""


@dataclass
class SettlementDraft:
    """A settlement as it would be approved now, with the cases that have no rate."""

    municipality: Municipality
    period_start: dt.date
    period_end: dt.date
    lines: list[DraftLine] = field(default_factory=list)
    missing_rates: list[str] = field(default_factory=list)
    #: When this is not the first open period: the day that period starts, where corrections of
    #: locked periods are settled instead.
    corrections_from: dt.date | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def check_period(
    period_start: dt.date, period_end: dt.date, locked: Iterable[tuple[dt.date, dt.date]]
) -> None:
    """A period is one to 366 days and starts after the municipality's last locked period
    (``locked``: the periods of its approved settlements)."""
    periods.check_period(
        period_start,
        period_end,
        max_days=MAX_PERIOD_DAYS,
        too_long=_("En afregningsperiode kan højst være et år."),
    )
    last_end = max((end for _start, end in locked), default=None)
    if last_end is not None and period_start <= last_end:
        raise DomainError(
            PERIOD_LOCKED,
            _(
                "Perioden overlapper eller ligger før en godkendt og låst afregning (til og med "
                "%(day)s). Vælg en periode, der begynder efter den."
            )
            % {"day": f"{last_end:%d.%m.%Y}"},
            fields={"from": _("Perioden skal begynde efter den seneste låste periode.")},
        )


def period_has_ended(period_end: dt.date) -> bool:
    """Only a period that is over can be approved: cases may still be treated in it until then."""
    return period_end < clock.today()


def _billed_so_far(municipality: Municipality) -> dict[int, tuple[Decimal, str]]:
    """Per case of the municipality: the sum of its lines in locked settlements."""
    return {
        row["case_id"]: (row["total"], row["case__reference"])
        for row in SettlementLine.objects.filter(settlement__municipality=municipality)
        .values("case_id", "case__reference")
        .annotate(total=Sum("amount"))
        .order_by()
    }


def first_open_day(locked: Iterable[tuple[dt.date, dt.date]]) -> dt.date | None:
    """The first day after the last locked period: where the first open period starts, and the
    only settlement that takes corrections of locked periods. None when nothing is locked."""
    ends = [end for _start, end in locked]
    return max(ends) + dt.timedelta(days=1) if ends else None


def draft_settlement(
    municipality: Municipality, period_start: dt.date, period_end: dt.date
) -> SettlementDraft:
    """The settlement of the period as it stands now (module docstring for the rules)."""
    locked = list(
        Settlement.objects.filter(municipality=municipality).values_list(
            "period_start", "period_end"
        )
    )
    check_period(period_start, period_end, locked)
    return _draft(
        municipality,
        period_start,
        period_end,
        events=billable_events(municipality, until=period_end),
        billed=_billed_so_far(municipality),
        locked=locked,
    )


def _draft(
    municipality: Municipality,
    period_start: dt.date,
    period_end: dt.date,
    *,
    events: dict[int, BillableEvent],
    billed: dict[int, tuple[Decimal, str]],
    locked: list[tuple[dt.date, dt.date]],
) -> SettlementDraft:
    """The draft from what ``draft_settlement`` reads: the billable events until the period's
    end, what each case has been billed so far and the locked periods."""
    draft = SettlementDraft(municipality, period_start, period_end)
    opens = first_open_day(locked)
    takes_corrections = opens is not None and period_start == opens
    if opens is not None and not takes_corrections:
        draft.corrections_from = opens

    def in_locked(day: dt.date) -> bool:
        return any(start <= day <= end for start, end in locked)

    for case_id, event in events.items():
        if case_id in billed:
            continue  # settled before: only a correction below can add to it
        if period_start <= event.service_on:
            kind, note = LineKind.ORDINARY, ""
        elif in_locked(event.service_on) and takes_corrections:
            kind, note = LineKind.CORRECTION, _("Ikke med i den låste periode, mødet lå i.")
        else:
            continue  # belongs to an earlier period that has not been settled yet
        if event.rate is None:
            draft.missing_rates.append(event.reference)
            continue
        draft.lines.append(
            DraftLine(
                case_id,
                event.reference,
                kind,
                event.basis,
                event.service_on,
                event.rate,
                event.rate.amount,
                note,
            )
        )
    for case_id, (so_far, reference) in billed.items() if takes_corrections else ():
        billable = events.get(case_id)
        if billable is not None and billable.rate is None:
            draft.missing_rates.append(reference)
            continue
        should = billable.rate.amount if billable is not None and billable.rate else ZERO
        if should == so_far:
            continue
        draft.lines.append(
            DraftLine(
                case_id,
                reference,
                LineKind.CORRECTION,
                billable.basis if billable else Basis.NOT_BILLABLE,
                billable.service_on if billable else None,
                billable.rate if billable else None,
                should - so_far,
                _("Rettelse: tidligere afregnet %(so_far)s, skal nu være %(should)s")
                % {"so_far": kroner(so_far), "should": kroner(should)},
            )
        )
    draft.lines.sort(
        key=lambda line: (
            line.kind != LineKind.ORDINARY,
            line.service_on or period_end,
            line.reference,
        )
    )
    return draft


def _require_billing(actor: User, region_id: int) -> None:
    if not may_manage_billing(actor, region_id):
        raise DomainError(
            NOT_ALLOWED,
            _("Kun regionens Kliniske Funktion kan ændre takster og godkende afregninger."),
            status=403,
        )


@logs_refusals("settlement", "municipality_id")
def approve_settlement(
    *,
    actor: User,
    municipality_id: int,
    period_start: dt.date,
    period_end: dt.date,
    expected_total: Decimal | None = None,
) -> Settlement:
    """Klinisk Funktion approves the period's settlement and locks it: the lines are stored as
    computed now and never change. ``expected_total`` is the total the approver saw; when the
    cases have changed since, nothing is stored and the approver sees the new figures first. Only
    a period that has ended can be approved, and every billed case needs a rate."""
    municipality = _approver_of(actor, municipality_id, [period_end])
    try:
        with transaction.atomic(durable=True):
            # One approval per municipality at a time: the second waits here and then sees
            # the first one's lock.
            Municipality.objects.select_for_update().get(pk=municipality.pk)
            draft = draft_settlement(municipality, period_start, period_end)
            return _lock(actor, draft, expected_total)
    except IntegrityError as exc:
        raise ConflictError(
            SETTLEMENT_CHANGED,
            _("En anden har netop godkendt en afregning for kommunen. Se den igen."),
        ) from exc


@logs_refusals("settlement", "municipality_id")
def approve_settlements(
    *, actor: User, municipality_id: int, periods: Sequence[tuple[dt.date, dt.date]]
) -> list[Settlement]:
    """Approve a run of periods of one municipality, in order, with the same lines as
    ``approve_settlement`` for each period after the one before: all of them or, when one is
    refused, none. The municipality's billable events are read once, up to the last period's
    end (each period takes those up to its own end), instead of once per period: a history of
    ten yearly settlements would otherwise be read ten times."""
    municipality = _approver_of(actor, municipality_id, [end for _start, end in periods])
    made: list[Settlement] = []
    try:
        with transaction.atomic(durable=True):
            Municipality.objects.select_for_update().get(pk=municipality.pk)
            locked = list(
                Settlement.objects.filter(municipality=municipality).values_list(
                    "period_start", "period_end"
                )
            )
            billed = _billed_so_far(municipality)
            until = max((end for _start, end in periods), default=None)
            events = {} if until is None else billable_events(municipality, until=until)
            for period_start, period_end in periods:
                check_period(period_start, period_end, locked)
                draft = _draft(
                    municipality,
                    period_start,
                    period_end,
                    events={k: e for k, e in events.items() if e.service_on <= period_end},
                    billed=billed,
                    locked=locked,
                )
                made.append(_lock(actor, draft, None))
                locked.append((period_start, period_end))
                for line in draft.lines:
                    so_far = billed.get(line.case_id, (ZERO, line.reference))[0]
                    billed[line.case_id] = (so_far + line.amount, line.reference)
    except IntegrityError as exc:
        raise ConflictError(
            SETTLEMENT_CHANGED,
            _("En anden har netop godkendt en afregning for kommunen. Se den igen."),
        ) from exc
    return made


def _approver_of(actor: User, municipality_id: int, period_ends: Iterable[dt.date]) -> Municipality:
    """The municipality, when the actor may approve its settlements and every period has
    ended."""
    municipality = figure_municipalities(actor).filter(pk=municipality_id).first()
    if municipality is None:
        # Outside the figures the user may read: answered as if it did not exist, and logged.
        log_denied(user=actor, object_type="settlement", object_id=municipality_id)
        raise NotFoundError("not_found", _("Kommunen findes ikke."))
    _require_billing(actor, municipality.region_id)
    if not all(period_has_ended(end) for end in period_ends):
        raise DomainError(
            PERIOD_NOT_ENDED,
            _("Perioden er ikke slut endnu. En afregning godkendes, når perioden er forbi."),
            fields={"to": _("Vælg en slutdato før i dag.")},
        )
    return municipality


def _lock(actor: User, draft: SettlementDraft, expected_total: Decimal | None) -> Settlement:
    """Store the draft as an approved, locked settlement, unless a case has no rate or the total
    is not the one the approver saw (inside the approval's transaction)."""
    if draft.missing_rates:
        raise DomainError(
            RATE_MISSING,
            _("Der er ingen takst for mødedatoen i %(count)d sag(er).")
            % {"count": len(draft.missing_rates)},
            fields={ref: _("Ingen gyldig takst på mødedatoen.") for ref in draft.missing_rates},
        )
    if expected_total is not None and draft.total != expected_total:
        raise ConflictError(
            SETTLEMENT_CHANGED,
            _(
                "Afregningen er ændret, siden du så den (nu %(total)s kr.). "
                "Se den igen, før du godkender."
            )
            % {"total": draft.total},
        )
    settlement = Settlement.objects.create(
        municipality=draft.municipality,
        period_start=draft.period_start,
        period_end=draft.period_end,
        total=draft.total,
        line_count=len(draft.lines),
        approved_by=actor,
        approved_at=clock.now(),
    )
    SettlementLine.objects.bulk_create(
        SettlementLine(
            settlement=settlement,
            case_id=line.case_id,
            kind=line.kind,
            basis=line.basis,
            service_on=line.service_on,
            rate=line.rate,
            amount=line.amount,
            note=line.note,
        )
        for line in draft.lines
    )
    return settlement


@dataclass(frozen=True)
class RateCorrection:
    """A correction line a new rate would cause in a municipality's first open period."""

    municipality: str
    period_start: dt.date
    reference: str
    service_on: dt.date | None
    amount: Decimal
    note: str


def _check_rate(actor: User, region_id: int, amount: Decimal, valid_from: dt.date) -> Region:
    region = figure_regions(actor).filter(pk=region_id).first()
    if region is None:
        log_denied(user=actor, object_type="rate", object_id=region_id)
        raise NotFoundError("not_found", _("Regionen findes ikke."))
    _require_billing(actor, region.pk)
    problems = {}
    if not periods.EARLIEST <= valid_from <= periods.LATEST:
        problems["valid_from"] = _("Vælg en dato mellem år 2000 og 2100.")
    if amount is None or amount <= 0:
        problems["amount"] = _("Taksten skal være et beløb over 0 kr.")
    elif amount != amount.quantize(Decimal("0.01")):
        problems["amount"] = _("Taksten kan højst have to decimaler (øre).")
    if problems:
        raise DomainError(RATE_INVALID, _("Taksten kan ikke gemmes."), fields=problems)
    return region


def _save_rate(
    actor: User,
    region: Region,
    amount: Decimal,
    valid_from: dt.date,
    bills_cancelled_after_dispatch: bool,
    note: str,
    reaches_locked_until: dt.date | None,
) -> Rate:
    """The new rate after the newest one, which then ends the day before (in the caller's
    transaction, with the region locked)."""
    newest = _after_newest(region, valid_from)
    if newest is not None:
        newest.valid_to = valid_from - dt.timedelta(days=1)
        newest.save(update_fields=["valid_to"])
    confirmed = reaches_locked_until is not None
    return Rate.objects.create(
        region=region,
        amount=amount,
        valid_from=valid_from,
        bills_cancelled_after_dispatch=bills_cancelled_after_dispatch,
        note=note,
        created_by=actor,
        created_at=clock.now(),
        reaches_locked_until=reaches_locked_until,
        confirmed_by=actor if confirmed else None,
        confirmed_at=clock.now() if confirmed else None,
    )


def _after_newest(region: Region, valid_from: dt.date) -> Rate | None:
    """The region's newest rate, which a new one must start after (so the history stays one
    unbroken line); refused otherwise."""
    newest = Rate.objects.filter(region=region).order_by("-valid_from").first()
    if newest is not None and valid_from <= newest.valid_from:
        message = _("En ny takst skal gælde fra en dag efter den nyeste takst (%(day)s).") % {
            "day": f"{newest.valid_from:%d.%m.%Y}"
        }
        raise DomainError(RATE_INVALID, message, fields={"valid_from": message})
    return newest


def _locked_reach(region: Region, valid_from: dt.date) -> dt.date | None:
    """The last locked day of the region's municipalities that a rate from ``valid_from``
    reaches, or None when it reaches no locked period."""
    return (
        Settlement.objects.filter(municipality__region=region, period_end__gte=valid_from)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )


def _corrections(region: Region) -> dict[tuple[int, int], RateCorrection]:
    """The correction lines of each municipality's first open period, by municipality and case."""
    found: dict[tuple[int, int], RateCorrection] = {}
    for municipality in Municipality.objects.filter(region=region).select_related("region"):
        opens = first_open_day(
            Settlement.objects.filter(municipality=municipality).values_list(
                "period_start", "period_end"
            )
        )
        if opens is None:
            continue
        for line in draft_settlement(municipality, opens, opens).lines:
            if line.kind == LineKind.CORRECTION:
                found[(municipality.pk, line.case_id)] = RateCorrection(
                    municipality=municipality.name,
                    period_start=opens,
                    reference=line.reference,
                    service_on=line.service_on,
                    amount=line.amount,
                    note=line.note,
                )
    return found


def rate_corrections(
    *,
    actor: User,
    region_id: int,
    amount: Decimal,
    valid_from: dt.date,
    bills_cancelled_after_dispatch: bool,
) -> list[RateCorrection]:
    """The correction lines the rate would add or change in the municipalities' first open
    periods: the rate is tried in a transaction that is rolled back, so nothing is kept."""
    region = _check_rate(actor, region_id, amount, valid_from)
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=region.pk)
        before = _corrections(region)
        _save_rate(actor, region, amount, valid_from, bills_cancelled_after_dispatch, "", None)
        after = _corrections(region)
        transaction.set_rollback(True)
    return sorted(
        (line for key, line in after.items() if before.get(key) != line),
        key=lambda c: (c.municipality, c.service_on or c.period_start, c.reference),
    )


@logs_refusals("rate", "region_id")
def set_rate(
    *,
    actor: User,
    region_id: int,
    amount: Decimal,
    valid_from: dt.date,
    bills_cancelled_after_dispatch: bool,
    note: str = "",
    confirm_locked_period: bool = False,
) -> Rate:
    """Klinisk Funktion sets a new rate from ``valid_from``; the rate before it then ends the day
    before. A new rate starts after the newest one, so the history stays one unbroken line. A
    rate that reaches back into a locked period is refused with ``confirmation_required`` until
    it is confirmed (having seen ``rate_corrections``); it is then settled as corrections in each
    municipality's first open period, and who confirmed it is kept."""
    if len(note) > RATE_NOTE:
        message = _("Højst %(limit)d tegn.") % {"limit": RATE_NOTE}
        raise DomainError(RATE_INVALID, message, fields={"note": message})
    region = _check_rate(actor, region_id, amount, valid_from)
    with transaction.atomic(durable=True):
        Region.objects.select_for_update().get(pk=region.pk)
        # A rate that could never be saved is refused as such, before any confirmation.
        _after_newest(region, valid_from)
        reach = _locked_reach(region, valid_from)
        if reach is not None and not confirm_locked_period:
            message = _(
                "Taksten gælder fra %(day)s og rækker ind i en godkendt, låst afregning (til og "
                "med %(end)s). Se de rettelser, den giver, og bekræft."
            ) % {"day": f"{valid_from:%d.%m.%Y}", "end": f"{reach:%d.%m.%Y}"}
            raise DomainError(
                CONFIRMATION_REQUIRED, message, fields={"confirm_locked_period": message}
            )
        return _save_rate(
            actor, region, amount, valid_from, bills_cancelled_after_dispatch, note, reach
        )
