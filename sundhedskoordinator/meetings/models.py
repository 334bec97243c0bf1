"""The region's collaboration agreement (the procedure as configuration) and the meetings. The
cases on a meeting's agenda and their dispatches belong with the case (``cases.models``)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.loading import QuickLoad
from sundhedskoordinator.core.workingdays import deadline_passed

from .choices import CancelCode, MeetingKind, RightGroup


def default_meeting_kinds() -> list[str]:
    return [MeetingKind.REHAB_TEAM.value]


def default_right_groups() -> list[str]:
    return [RightGroup.RESOURCE_COURSE.value]


#: The seed procedure (Bilag 13, August 2021): the first version of every region's agreement.
SEED_VALID_FROM = dt.date(2021, 8, 1)
DEFAULT_MEETING_PHRASE = "et møde i rehabiliteringsteamet"


def default_required_documents() -> list[str]:
    return ["action_plan", "health_information"]


class CollaborationAgreement(QuickLoad, models.Model):
    """A region's collaboration agreement (samarbejdsaftale) with its municipalities: the numbers
    of the procedure. The seed procedure (Bilag 13, August 2021) is the default: the package is
    sent 10 working days before the meeting, a case takes one 30-minute team slot followed by a
    15-minute advice block (the coordinator is reminded when the advice is not written within
    it), at a rehab-team meeting, with action plan and health information. Pages warn of a
    deadline 2 working days away; the secretariat is reminded 2 working days before a deadline
    and the caseworker when a decision has waited 5 working days after the advice.

    Changing it never moves a deadline already computed: agenda items store their own deadline and
    the rule that made it."""

    region = models.ForeignKey(
        "organisations.Region",
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("region"),
    )
    valid_from = models.DateField(
        _("gælder fra"),
        default=SEED_VALID_FROM,
        help_text=_("Versionen gælder for møder fra denne dato, til en nyere version gælder."),
    )
    name = models.CharField(_("navn"), max_length=100, blank=True)
    dispatch_working_days = models.PositiveSmallIntegerField(
        _("hverdage før mødet, sagen sendes"), default=10
    )
    case_slot_minutes = models.PositiveSmallIntegerField(_("minutter pr. sag"), default=30)
    advice_block_minutes = models.PositiveSmallIntegerField(
        _("minutter til skriftlig rådgivning"), default=15
    )
    deadline_warning_working_days = models.PositiveSmallIntegerField(
        _("hverdage før fristen, siderne advarer"),
        default=2,
        help_text=_("En frist højst så mange hverdage væk vises som nær."),
    )
    reminder_dispatch_working_days = models.PositiveSmallIntegerField(
        _("hverdage før fristen, sekretariatet mindes om afsendelsen"), default=2
    )
    reminder_decision_working_days = models.PositiveSmallIntegerField(
        _("hverdage efter rådgivningen, sagsbehandleren mindes om beslutningen"), default=5
    )
    conversation_early_minutes = models.PositiveSmallIntegerField(
        _("minutter før sagens tid, samtalen tidligst kan registreres fra"),
        default=30,
        help_text=_("En samtale kan begynde lidt før dagsordenens tid, men ikke dage før."),
    )
    meeting_kinds = models.JSONField(_("mødeformer"), default=default_meeting_kinds)
    rehab_team_required = models.BooleanField(
        _("samtalen skal ligge på et møde i rehabiliteringsteamet"),
        default=True,
        help_text=_(
            "Lov nr. 1750 af 29. december 2025 fjerner kravet: en selvstændig samtale behøver "
            "intet team."
        ),
    )
    right_groups = models.JSONField(
        _("borgere med retten"),
        default=default_right_groups,
        help_text=_("Hvilke borgere har retten (LAB § 113, stk. 3: borgere i ressourceforløb)."),
    )
    meeting_phrase = models.CharField(
        _("mødet i brevene"),
        max_length=200,
        default=DEFAULT_MEETING_PHRASE,
        help_text=_("Hvor samtalen holdes, som borgerens breve siger det."),
    )
    required_document_kinds = models.JSONField(
        _("dokumenter, der skal være i sagen"), default=default_required_documents
    )
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("samarbejdsaftale")
        verbose_name_plural = _("samarbejdsaftaler")
        ordering = ["region", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "valid_from"], name="agreement_one_version_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{_('Samarbejdsaftale')} – {self.region} ({self.valid_from:%d.%m.%Y})"

    def gives_the_right(self, group: str) -> bool:
        """Whether citizens of ``group`` (a ``RightGroup``) have the right under this version."""
        return group in self.right_groups


class Meeting(QuickLoad, models.Model):
    """A rehab-team meeting (or a stand-alone conversation meeting, with or without a team) of a
    municipality on a local date. Its dispatch deadline is computed when the meeting is created
    and stored with the rule that made it."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("kommune"),
    )
    # None for a stand-alone conversation where the agreement in force requires no rehab team
    # (lov nr. 1750 af 29. december 2025).
    team = models.ForeignKey(
        "organisations.RehabTeam",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("rehabiliteringsteam"),
        null=True,
        blank=True,
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
    extraordinary_reason = models.TextField(
        _("begrundelse for ekstraordinært møde"),
        blank=True,
        help_text=_("Hvorfor mødet ligger i fortiden eller på en dag, der ikke er en hverdag."),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    # Each change of time or place, and the cancellation, raises the sequence: calendar programs
    # replace an entry with the same UID only by a higher SEQUENCE (RFC 5545).
    sequence = models.PositiveIntegerField(_("version i kalendere"), default=0)
    cancelled_at = models.DateTimeField(_("aflyst"), null=True, blank=True)
    cancel_code = models.CharField(
        _("årsag til aflysning"), max_length=20, choices=CancelCode.choices, blank=True
    )
    cancel_reason = models.TextField(_("uddybning af aflysningen"), blank=True)

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            )
        ]
        # The week's meetings (a coordinator's conversations, the calendars) are found by date
        # among ten years of every municipality's meetings.
        indexes = [models.Index(fields=["date"], name="meeting_date")]

    def __str__(self) -> str:
        return f"{self.host_name} {self.date:%d.%m.%Y}"

    @property
    def host_name(self) -> str:
        """Who holds the meeting: the rehab team, or for a stand-alone conversation the
        municipality's jobcentre."""
        if self.team_id:
            return str(self.team)
        return str(_("Jobcentret i %(municipality)s") % {"municipality": self.municipality})

    @property
    def deadline_passed(self) -> bool:
        """Today is after the dispatch deadline (``core.workingdays.deadline_passed``)."""
        return deadline_passed(self.dispatch_deadline, clock.today())


class MeetingChange(QuickLoad, models.Model):
    """One change of a meeting, kept for its history: what it was and became, who changed it
    and why. The cases on it carry their own events of the same change."""

    class Kind(models.TextChoices):
        CHANGED = "changed", _("Tid eller sted ændret")
        CANCELLED = "cancelled", _("Aflyst")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("ændring"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("tidspunkt"))
    by = models.ForeignKey(
        "organisations.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("af")
    )
    before = models.JSONField(_("før"), default=dict)
    after = models.JSONField(_("efter"), default=dict)
    reason = models.TextField(_("årsag"), blank=True)

    class Meta:
        verbose_name = _("ændring af møde")
        verbose_name_plural = _("ændringer af møder")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting} {self.kind}"
