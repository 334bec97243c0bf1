"""Rates (takster) and settlements (afregning) between a region and its municipalities
(DESIGN sections 2 and 4, "Billing"). Amounts are Decimal kroner, never floats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad

from .choices import Basis, LineKind


class Rate(QuickLoad, models.Model):
    """Klinisk Funktion's rate for one rehab-team case, valid from ``valid_from`` until the day
    before the next rate of the region starts (``valid_to`` is then set; open while it is the
    newest). Whether a case cancelled after dispatch is billed is part of the rate, because the
    collaboration agreement sets both together."""

    region = models.ForeignKey(
        "organisations.Region",
        on_delete=models.PROTECT,
        related_name="rates",
        verbose_name=_("region"),
    )
    amount = models.DecimalField(_("takst pr. sag (kr.)"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("gælder fra"))
    valid_to = models.DateField(_("gælder til og med"), null=True, blank=True)
    bills_cancelled_after_dispatch = models.BooleanField(
        _("sager aflyst efter afsendelse afregnes"), default=False
    )
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"))
    #: A rate that reaches back into approved, locked periods: the last locked day it reaches,
    #: and who confirmed the correction lines it causes, when.
    reaches_locked_until = models.DateField(
        _("rækker ind i låst periode til"), null=True, blank=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekræftet af"),
    )
    confirmed_at = models.DateTimeField(_("bekræftet"), null=True, blank=True)

    class Meta:
        verbose_name = _("takst")
        verbose_name_plural = _("takster")
        ordering = ["region__name", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "valid_from"], name="rate_unique_start"),
            models.CheckConstraint(name="rate_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="rate_period_ordered",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.amount} kr. fra {self.valid_from:%d.%m.%Y}"


class Settlement(QuickLoad, models.Model):
    """An approved settlement of one municipality for one period. It exists only once approved,
    and then it is locked: its lines never change; what turns out differently later goes into
    the next period's settlement as correction lines."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="settlements",
        verbose_name=_("kommune"),
    )
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til og med"))
    total = models.DecimalField(_("i alt (kr.)"), max_digits=14, decimal_places=2)
    line_count = models.PositiveIntegerField(_("antal linjer"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("godkendt og låst"))

    class Meta:
        verbose_name = _("afregning")
        verbose_name_plural = _("afregninger")
        ordering = ["municipality__name", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period_start"], name="settlement_unique_start"
            ),
            models.CheckConstraint(
                name="settlement_period_ordered",
                condition=Q(period_end__gte=models.F("period_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"


class SettlementLine(QuickLoad, models.Model):
    """One billed case, or one correction of an earlier line. A case has at most one ordinary
    line in all settlements (the database refuses a second)."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="lines")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("linjetype"), max_length=20, choices=LineKind.choices)
    basis = models.CharField(_("grundlag"), max_length=30, choices=Basis.choices)
    service_on = models.DateField(_("mødedato"), null=True, blank=True)
    rate = models.ForeignKey(
        Rate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("beløb (kr.)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("afregningslinje")
        verbose_name_plural = _("afregningslinjer")
        ordering = ["settlement", "kind", "service_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind=LineKind.ORDINARY),
                name="settlement_one_ordinary_line_per_case",
            ),
            models.UniqueConstraint(
                fields=["settlement", "case"], name="settlement_line_unique_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.settlement}: {self.case_id} {self.amount}"
