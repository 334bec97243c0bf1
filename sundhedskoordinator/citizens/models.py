"""Citizens, their ressourceforløb and the guidance about the right they have been given."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad

from .choices import WRITTEN_GUIDANCE_CHANNELS, GuidanceChannel


class Citizen(QuickLoad, models.Model):
    """A citizen (borger) as one municipality's jobcenter knows them: each municipality keeps its
    own record (it is the data controller of its own register), so a person who moves has one
    record per municipality, and one municipality never learns from the system whether another
    knows the person. The CPR number is stored only encrypted, found by a keyed hash, and shown
    masked (``citizens.cpr``). The citizen's log-in (MitID) is linked to every record of theirs."""

    cpr_encrypted = models.TextField(_("CPR-nummer (krypteret)"))
    cpr_hash = models.CharField(_("CPR-opslagsnøgle"), max_length=64)
    cpr_masked = models.CharField(_("CPR-nummer"), max_length=11)
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="citizens",
        verbose_name=_("kommune"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_records",
        verbose_name=_("brugerkonto"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    #: Exempt from Digital Post (lov om Digital Post fra offentlige afsendere § 5): letters go
    #: on paper through the municipality's print service instead.
    digital_post_exempt = models.BooleanField(_("fritaget for Digital Post"), default=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        ordering = ["name"]
        indexes = [
            # A search by name reads one municipality's citizens (``citizens.search``): this
            # index holds both, so SQLite tests each name in the index without reading the
            # rows (at a million cases, a municipality's 50,000 citizens in 5 ms, not 75 ms);
            # the register lists a municipality's citizens by name from it too.
            models.Index(fields=["municipality", "name"], name="citizen_muni_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cpr_hash"], name="citizen_unique_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ResourceCourse(QuickLoad, models.Model):
    """A ressourceforløb (LAB § 68 b). Only citizens in an active one have the right (LAB § 113,
    stk. 3)."""

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="resource_courses", verbose_name=_("borger")
    )
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("slutdato"), null=True, blank=True)

    class Meta:
        verbose_name = _("ressourceforløb")
        verbose_name_plural = _("ressourceforløb")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="resource_course_ends_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message=_("Slutdatoen kan ikke ligge før startdatoen."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.citizen} {self.start_date}–{self.end_date or ''}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    @staticmethod
    def active_on(day: dt.date) -> Q:
        """``is_active_on`` as a filter, for a query that asks it of many citizens at once
        (``cases/tests/test_resource_course_today.py`` holds the two to the same days)."""
        return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


class Guidance(QuickLoad, models.Model):
    """Guidance given to a citizen about the right (BEK 2409/2021 § 2: in writing, no later than
    when a concrete offer is presented). Each is recorded with date, channel and who gave it."""

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="guidance", verbose_name=_("borger")
    )
    given_on = models.DateField(_("givet den"))
    channel = models.CharField(_("kanal"), max_length=20, choices=GuidanceChannel.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("givet af"),
    )
    note = models.TextField(_("bemærkning"), blank=True)
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("vejledning om retten")
        verbose_name_plural = _("vejledninger om retten")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.citizen} {self.given_on} ({self.get_channel_display()})"

    @property
    def is_written(self) -> bool:
        return self.channel in WRITTEN_GUIDANCE_CHANNELS
