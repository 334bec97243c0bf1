"""Reads of rates and settlements, scoped by the access policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from sundhedskoordinator.access.policy import (
    billing_regions,
    figure_municipalities,
    figure_regions,
    may_manage_billing,
)
from sundhedskoordinator.access.services import log_denied
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.core.periods import previous_month
from sundhedskoordinator.organisations.models import Municipality, User

from .choices import Basis, LineKind
from .models import Rate, Settlement
from .services import DraftLine, draft_settlement, period_has_ended

MUNICIPALITY_NOT_FOUND = "Kommunen findes ikke, eller du har ikke adgang til dens afregning."


@dataclass
class SettlementView:
    """A settlement as the pages, the API and the exports show it: approved and locked, or a
    draft computed now."""

    municipality: Municipality
    period_start: dt.date
    period_end: dt.date
    lines: list[DraftLine]
    total: Decimal
    is_locked: bool
    settlement: Settlement | None = None
    missing_rates: list[str] = field(default_factory=list)
    may_approve: bool = False
    #: A draft that is not the first open period: where corrections of locked periods go.
    corrections_from: dt.date | None = None

    @property
    def status(self) -> str:
        return "approved" if self.is_locked else "draft"

    @property
    def period_ended(self) -> bool:
        return period_has_ended(self.period_end)

    @property
    def can_be_approved(self) -> bool:
        """What ``services.approve_settlement`` would accept now, for the page's button."""
        return (
            self.may_approve and not self.is_locked and self.period_ended and not self.missing_rates
        )


def municipality_in_scope(user: User, municipality_id: int) -> Municipality:
    municipality = figure_municipalities(user).filter(pk=municipality_id).first()
    if municipality is None:
        log_denied(user=user, object_type="settlement", object_id=municipality_id)
        raise NotFoundError("not_found", MUNICIPALITY_NOT_FOUND)
    return municipality


def read_settlement(
    *, user: User, municipality_id: int, period_start: dt.date, period_end: dt.date
) -> SettlementView:
    """The approved settlement of exactly this period, or the draft of it as it stands now."""
    return settlement_of(
        user=user,
        municipality=municipality_in_scope(user, municipality_id),
        period_start=period_start,
        period_end=period_end,
    )


def settlement_of(
    *, user: User, municipality: Municipality, period_start: dt.date, period_end: dt.date
) -> SettlementView:
    """As ``read_settlement``, for a municipality the caller has already read from the user's
    ``figure_municipalities`` (the settlement page's choices): no second read of it."""
    may_approve = may_manage_billing(user, municipality.region_id)
    stored = (
        Settlement.objects.filter(
            municipality=municipality, period_start=period_start, period_end=period_end
        )
        .select_related("approved_by")
        .first()
    )
    if stored is not None:
        # A year's settlement has thousands of lines: read as rows, not model instances, with
        # the few rates they name in a query of their own.
        rows = list(
            stored.lines.order_by("kind", "service_on", "case__reference").values_list(
                "case_id",
                "case__reference",
                "kind",
                "basis",
                "service_on",
                "rate_id",
                "amount",
                "note",
            )
        )
        rates = {rate.pk: rate for rate in Rate.objects.filter(pk__in=stored.lines.values("rate"))}
        lines = [
            DraftLine(
                case_id,
                reference,
                LineKind(kind),
                Basis(basis),
                service_on,
                None if rate_id is None else rates[rate_id],
                amount,
                note,
            )
            for case_id, reference, kind, basis, service_on, rate_id, amount, note in rows
        ]
        return SettlementView(
            municipality, period_start, period_end, lines, stored.total, True, stored
        )
    draft = draft_settlement(municipality, period_start, period_end)
    return SettlementView(
        municipality,
        period_start,
        period_end,
        draft.lines,
        draft.total,
        False,
        missing_rates=draft.missing_rates,
        may_approve=may_approve,
        corrections_from=draft.corrections_from,
    )


def approved_settlements(user: User) -> QuerySet[Settlement]:
    """The locked settlements of the municipalities the user may see, newest first."""
    return (
        Settlement.objects.filter(municipality__in=figure_municipalities(user))
        .select_related("municipality", "approved_by")
        .order_by("-period_end", "municipality__name")
    )


def rates_in_scope(user: User) -> QuerySet[Rate]:
    """The rates of the regions the user may read, newest first per region."""
    return (
        Rate.objects.filter(region__in=figure_regions(user))
        .select_related("region", "created_by")
        .order_by("region__name", "-valid_from")
    )


@dataclass(frozen=True)
class DueSettlement:
    """A municipality whose settlement of a period Klinisk Funktion has not yet approved."""

    municipality: Municipality
    period_start: dt.date
    period_end: dt.date


def settlements_to_approve(*, user: User, today: dt.date) -> list[DueSettlement]:
    """For Klinisk Funktion's start page: the municipalities of their regions whose settlement
    of the last ended month (the usual period) is not yet approved, in two queries."""
    start, end = previous_month(today)
    municipalities = list(
        Municipality.objects.filter(region__in=billing_regions(user)).order_by("name")
    )
    covered = set(
        Settlement.objects.filter(
            municipality__in=municipalities, period_start__lte=end, period_end__gte=start
        ).values_list("municipality_id", flat=True)
    )
    return [DueSettlement(m, start, end) for m in municipalities if m.pk not in covered]
