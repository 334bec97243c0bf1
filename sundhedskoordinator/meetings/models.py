"""The region's collaboration agreement (the procedure as configuration), meetings, agenda items
and dispatches of case packages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import deadline_passed

from .choices import MeetingKind


def default_meeting_kinds() -> list[str]:
    return [MeetingKind.REHAB_TEAM.value]


def default_required_documents() -> list[str]:
    return ["action_plan", "health_information"]


class CollaborationAgreement(models.Model):
    """A region's collaboration agreement (samarbejdsaftale) with its municipalities: the numbers
    of the procedure. The seed procedure (Bilag 13, August 2021) is the default: the package is
    sent 10 working days before the meeting, a case takes one 30-minute team slot followed by a
    15-minute advice block, at a rehab-team meeting, with action plan and health information.

    Changing it never moves a deadline already computed: agenda items store their own deadline and
    the rule that made it."""

    region = models.OneToOneField(
        "organisations.Region",
        on_delete=models.CASCADE,
        related_name="agreement",
        verbose_name=_("region"),
    )
    dispatch_working_days = models.PositiveSmallIntegerField(
        _("hverdage før mødet, sagen sendes"), default=10
    )
    case_slot_minutes = models.PositiveSmallIntegerField(_("minutter pr. sag"), default=30)
    advice_block_minutes = models.PositiveSmallIntegerField(
        _("minutter til skriftlig rådgivning"), default=15
    )
    meeting_kinds = models.JSONField(_("mødeformer"), default=default_meeting_kinds)
    required_document_kinds = models.JSONField(
        _("dokumenter, der skal være i sagen"), default=default_required_documents
    )
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("samarbejdsaftale")
        verbose_name_plural = _("samarbejdsaftaler")

    def __str__(self) -> str:
        return f"{_('Samarbejdsaftale')} – {self.region}"


class Meeting(models.Model):
    """A rehab-team meeting (or a stand-alone conversation meeting) on a local date. Its dispatch
    deadline is computed when the meeting is created and stored with the rule that made it."""

    team = models.ForeignKey(
        "organisations.RehabTeam",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("rehabiliteringsteam"),
    )
    kind = models.CharField(
        _("mødeform"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REHAB_TEAM
    )
    date = models.DateField(_("dato"))
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    location = models.CharField(_("sted"), max_length=200)
    dispatch_deadline = models.DateField(_("frist for afsendelse"))
    deadline_working_days = models.PositiveSmallIntegerField(_("hverdage før mødet"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.date:%d.%m.%Y}"

    @property
    def deadline_passed(self) -> bool:
        """Today is after the dispatch deadline (``core.workingdays.deadline_passed``)."""
        return deadline_passed(self.dispatch_deadline, clock.today())


class AgendaItem(models.Model):
    """A case on a meeting's agenda: one team case slot followed by the advice-writing block.
    The participants are the citizen, the coordinator and the responsible caseworker or personal
    job broker (BEK 2409/2021 § 3), and a companion (bisidder) if the citizen brings one.

    A cancelled item is kept (with reason) and frees its slot; the database allows one active item
    per slot and one active item per case."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="items", verbose_name=_("møde")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("sag")
    )
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter (inkl. rådgivning)"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutter til sagen"))
    advice_minutes = models.PositiveSmallIntegerField(_("minutter til rådgivning"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sundhedskoordinator"),
    )
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sagsbehandler eller jobformidler, der deltager"),
    )
    companion_name = models.CharField(_("bisidder"), max_length=200, blank=True)
    dispatch_deadline = models.DateField(_("frist for afsendelse"))
    deadline_rule = models.CharField(_("fristregel"), max_length=200)
    scheduled_late = models.BooleanField(_("planlagt efter fristen"), default=False)
    late_reason = models.TextField(_("begrundelse for sen planlægning"), blank=True)
    scheduled_at = models.DateTimeField(_("planlagt"))
    cancelled_at = models.DateTimeField(_("aflyst"), null=True, blank=True)
    cancel_reason = models.TextField(_("årsag til aflysning"), blank=True)

    class Meta:
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "starts_at"],
                condition=Q(cancelled_at__isnull=True),
                name="agenda_item_one_per_slot",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(cancelled_at__isnull=True),
                name="agenda_item_one_active_per_case",
            ),
            models.CheckConstraint(
                name="agenda_item_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.starts_at:%H:%M}"

    @property
    def deadline_passed(self) -> bool:
        """Today is after the item's dispatch deadline (``core.workingdays.deadline_passed``)."""
        return deadline_passed(self.dispatch_deadline, clock.today())


class Dispatch(models.Model):
    """The case package sent to the coordinator: a frozen snapshot of what was sent, with the
    deadline it was measured against (regional procedure item 8: 10 working days before)."""

    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="dispatch", verbose_name=_("punkt")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("sag")
    )
    sent_at = models.DateTimeField(_("sendt"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("af")
    )
    deadline = models.DateField(_("frist"))
    is_late = models.BooleanField(_("sendt for sent"))
    working_days_late = models.SmallIntegerField(_("hverdage for sent"), default=0)
    snapshot = models.JSONField(_("sagspakke"))

    class Meta:
        verbose_name = _("afsendelse")
        verbose_name_plural = _("afsendelser")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.sent_at:%d.%m.%Y}"
