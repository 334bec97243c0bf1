"""A case of the right to a health coordinator and everything it holds (DESIGN sections 3 and 6).

The models hold data and constraints only; every rule lives in ``services.py`` and the transition
table in ``workflow.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.loading import QuickLoad
from sundhedskoordinator.core.workingdays import deadline_passed
from sundhedskoordinator.meetings.choices import CancelCode
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.choices import Role

from .choices import (
    TERMINAL_STATES,
    CaseSubtype,
    CaseType,
    ConcernAuthor,
    DocumentKind,
    OfferChange,
    OfferKind,
    Outcome,
    RejectionReason,
    RequestChannel,
    Status,
)


class CaseSequence(QuickLoad, models.Model):
    """The last reference number issued per year; the row is locked while a number is drawn, so
    two cases never get the same reference."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


#: The list deadline of a case with no package to send: after every real one.
NO_DEADLINE = dt.date(9999, 12, 31)
#: What the statistics (``reports.selectors``) read of each table, as the columns of the index
#: they count it from: the columns they find rows by first, then every other column they read,
#: so that each is counted from the index alone (an index-only scan on PostgreSQL, a covering
#: index on SQLite) instead of from the rows. At a million cases this took a region's year of
#: figures from about 600 to about 250 ms on PostgreSQL (docs/performance.md).
FIGURE_COLUMNS: dict[str, list[str]] = {
    "case": [
        "municipality",
        "closed_at",
        "created_at",
        "first_sent_at",
        "submitted_at",
        "status",
        "rejection_reason",
        "id",
    ],
    "advice": [
        "municipality",
        "submitted_at",
        "version",
        "minutes_after_conversation",
        "conversation",
        "id",
    ],
    "decision": ["municipality", "decided_at", "outcome", "case", "id"],
    "item": [
        "meeting",
        "case_sent",
        "cancelled_at",
        "cancel_code",
        "requested_on",
        "dispatch_late",
        "dispatch_days_late",
        "held",
        "case",
        "id",
    ],
    "conversation": ["agenda_item", "id"],
}

#: The fields of the stored list order (``Case.list_closed``, ``Case.list_deadline``).
LIST_ORDER_FIELDS = frozenset({"list_closed", "list_deadline"})


def list_order(status: str | None = None) -> dict[str, Any]:
    """The default list order of a case as its state and agenda now stand, as the expressions
    an UPDATE of cases writes to ``LIST_ORDER_FIELDS``: closed or not, and the dispatch deadline
    of the live agenda item whose package is still to be sent (``NO_DEADLINE`` without one).
    ``status``: the state the same UPDATE writes, which its expressions cannot read (they see
    the row as it was before the statement)."""
    next_deadline = (
        AgendaItem.objects.filter(
            case=OuterRef("pk"), cancelled_at__isnull=True, dispatch__isnull=True
        )
        .order_by("dispatch_deadline")
        .values("dispatch_deadline")[:1]
    )
    closed: Any = models.Case(
        When(status__in=TERMINAL_STATES, then=Value(True)),
        default=Value(False),
        output_field=models.BooleanField(),
    )
    if status is not None:
        closed = Value(status in TERMINAL_STATES, output_field=models.BooleanField())
    return {
        "list_closed": closed,
        "list_deadline": Coalesce(Subquery(next_deadline), Value(NO_DEADLINE)),
    }


class Case(QuickLoad, models.Model):
    """One request for the health coordinator's assessment of one concrete offer (LAB § 113,
    stk. 3). ``version`` grows with every change and guards against lost updates."""

    reference = models.CharField(_("sagsnummer"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("år"))
    number = models.PositiveIntegerField(_("løbenummer"))
    case_type = models.CharField(
        _("sagstype"), max_length=30, choices=CaseType.choices, default=CaseType.HEALTH_COORDINATOR
    )
    subtype = models.CharField(
        _("undertype"),
        max_length=30,
        choices=CaseSubtype.choices,
        default=CaseSubtype.RIGHT_TO_COORDINATOR,
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="cases", verbose_name=_("borger")
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("kommune"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
        verbose_name=_("ansvarlig"),
    )
    responsible_role = models.CharField(
        _("ansvarligs rolle"),
        max_length=20,
        choices=[
            (Role.CASEWORKER.value, Role.CASEWORKER.label),
            (Role.JOB_BROKER.value, Role.JOB_BROKER.label),
        ],
        default=Role.CASEWORKER,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("oprettet"))
    submitted_at = models.DateTimeField(_("anmodet"), null=True, blank=True)
    request_channel = models.CharField(
        _("anmodningskanal"), max_length=20, choices=RequestChannel.choices, blank=True
    )
    offer_on_hold = models.BooleanField(
        _("tilbuddet er sat i bero"),
        default=False,
        help_text=_("Anmodningen kom før tilbuddets start (LAB § 113, stk. 3)."),
    )
    no_health_information_note = models.TextField(
        _("notat om, at der ikke er relevante helbredsoplysninger"), blank=True
    )
    first_sent_at = models.DateTimeField(_("første gang sendt"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    end_reason = models.TextField(_("begrundelse for tilbagetrækning eller afvisning"), blank=True)
    rejection_reason = models.CharField(
        _("årsag til afvisning"), max_length=30, choices=RejectionReason.choices, blank=True
    )
    anonymised_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True)
    # The default order of the case lists, kept with the case so that a page of a municipality's
    # cases is read in the order of an index, however many cases it has: open cases before
    # closed ones, and first among them those with a package still to send, by its deadline.
    # ``selectors.refresh_list_order`` alone writes them; ``save`` leaves them as stored.
    list_closed = models.BooleanField(default=False, editable=False)
    list_deadline = models.DateField(default=NO_DEADLINE, editable=False)

    class Meta:
        verbose_name = _("sag")
        verbose_name_plural = _("sager")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="case_number_unique_per_year"),
        ]
        indexes = [
            # A list filtered by state, in the default order (``selectors.CASE_ORDERS``): the
            # database reads the state's cases in the order shown instead of sorting them, and
            # the list's LIMIT can never lead it to walk every case of the municipality in that
            # order to find a rare state's (a million cases: 49 sent among Odense's 50,000).
            # Also the count of each state.
            models.Index(
                fields=[
                    "municipality",
                    "status",
                    "list_closed",
                    "list_deadline",
                    "-created_at",
                    "-id",
                ],
                name="case_state_order",
            ),
            # The statistics read the cases alive in their period (not closed, or closed since)
            # and count them by the columns that follow: all in the index, so that PostgreSQL
            # counts them by an index-only scan and SQLite from its covering index, instead of
            # reading a region's wide case rows scattered over the whole table.
            models.Index(fields=FIGURE_COLUMNS["case"], name="case_alive"),
            # A search of the municipality's cases tests each one's reference and citizen: with
            # both in the index PostgreSQL counts them from the index alone (an index-only
            # scan) and SQLite from its covering index, without reading the wide case rows.
            models.Index(fields=["municipality", "reference", "citizen"], name="case_muni_search"),
            # The case list's choice of responsible people: those of the municipality's cases.
            models.Index(fields=["municipality", "responsible"], name="case_muni_responsible"),
            models.Index(
                fields=["municipality", "list_closed", "list_deadline", "-created_at", "-id"],
                name="case_list_order",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, with_list_order: bool = False, **kwargs: Any) -> None:
        """Save the case; the list order's fields only as ``refresh_list_order`` wrote them (a
        case read before a step and saved after it would otherwise put back the old order), or,
        ``with_list_order``, written anew in the same UPDATE (``list_order``), as a step that
        changes the case's state or its agenda does: one statement instead of two, and the
        fields hold the order written afterwards."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and (with_list_order or f.name not in LIST_ORDER_FIELDS)
            ]
            if with_list_order:
                for name, expression in list_order(self.status).items():
                    setattr(self, name, expression)
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        """Closed, rejected or withdrawn: the procedure has ended for this case."""
        return self.status in TERMINAL_STATES


#: The fields that describe an offer, on the case's offer and on each of its versions.
OFFER_FIELDS = ("kind", "provider", "start_date", "hours_per_week", "content", "demands")


class OfferDescription(QuickLoad, models.Model):
    """What describes an offer (``OFFER_FIELDS``): the case's offer and each of its versions."""

    kind = models.CharField(_("type"), max_length=30, choices=OfferKind.choices)
    provider = models.CharField(_("sted/udbyder"), max_length=200, blank=True)
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("timer pr. uge"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    content = models.TextField(_("indhold"), blank=True)
    demands = models.TextField(_("krav til borgerens deltagelse"), blank=True)

    class Meta:
        abstract = True


class Offer(OfferDescription):
    """The concrete employment-oriented offer, described with its content and with the demands it
    makes on the citizen's participation (regional procedure item 3, part 1)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="offer")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registreret"))

    class Meta:
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"


class OfferVersion(OfferDescription):
    """One version of the case's offer as it was recorded: first registered, corrected while the
    case is prepared, adjusted by the decision or replaced by another offer (DESIGN section 3,
    decide). The case's ``offer`` is always the newest version; the older ones stay."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offer_versions")
    version = models.PositiveSmallIntegerField(_("version"))
    change = models.CharField(_("ændring"), max_length=20, choices=OfferChange.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registreret"))

    class Meta:
        verbose_name = _("version af tilbuddet")
        verbose_name_plural = _("versioner af tilbuddet")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="offer_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"


class HealthConcern(QuickLoad, models.Model):
    """The citizen's description of where the offer does not take enough account of their health
    (regional procedure item 3, part 2), written by the citizen or by the caseworker for them."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="health_concern")
    text = models.TextField(_("beskrivelse"))
    areas = models.JSONField(_("områder"), default=list, blank=True)
    written_by = models.CharField(_("skrevet af"), max_length=20, choices=ConcernAuthor.choices)
    channel = models.CharField(_("kanal"), max_length=20, choices=RequestChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registreret"))

    class Meta:
        verbose_name = _("borgerens beskrivelse af helbredshensyn")
        verbose_name_plural = _("borgerens beskrivelser af helbredshensyn")

    def __str__(self) -> str:
        return str(self.case)


def document_path(instance: Document, filename: str) -> str:
    # Stored names are made by the system, never taken from the user.
    return f"cases/{instance.case_id}/{instance.kind}-v{instance.version}-{instance.sha256[:16]}"


class Document(QuickLoad, models.Model):
    """A file in the case. A new upload of the same kind is a new version; old ones stay."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("art"), max_length=30, choices=DocumentKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("fil"), upload_to=document_path, max_length=300)
    filename = models.CharField(_("filnavn"), max_length=200)
    content_type = models.CharField(_("filtype"), max_length=100)
    size = models.PositiveIntegerField(_("størrelse i bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploadet"))

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.case})"


def request_day(submitted_at: dt.datetime | None) -> dt.date | None:
    """The day a case was requested, as its items keep it (``AgendaItem.requested_on``) and the
    statistics count lead times from: the local day of its ``submitted_at``."""
    return timezone.localdate(submitted_at) if submitted_at is not None else None


class AgendaItem(QuickLoad, models.Model):
    """A case on a meeting's agenda: one team case slot followed by the advice-writing block.
    The participants are the citizen, the coordinator and the responsible caseworker or personal
    job broker (BEK 2409/2021 § 3), and a companion (bisidder) if the citizen brings one.

    A cancelled item is kept (with reason) and frees its slot; the database allows one active item
    per slot and one active item per case."""

    # Indexed by ``item_figures``, which starts with the meeting.
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("møde"),
        db_index=False,
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("sag")
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
    companion_relation = models.CharField(
        _("bisidderens forhold til borgeren"), max_length=100, blank=True
    )
    dispatch_deadline = models.DateField(_("frist for afsendelse"))
    deadline_rule = models.CharField(_("fristregel"), max_length=200)
    scheduled_late = models.BooleanField(_("planlagt efter fristen"), default=False)
    late_reason = models.TextField(_("begrundelse for sen planlægning"), blank=True)
    scheduled_at = models.DateTimeField(_("planlagt"))
    cancelled_at = models.DateTimeField(_("aflyst"), null=True, blank=True)
    cancel_code = models.CharField(
        _("årsag til aflysning"), max_length=20, choices=CancelCode.choices, blank=True
    )
    cancel_reason = models.TextField(_("uddybning af aflysningen"), blank=True)
    # Raised at each change of the item's time or place and at its cancellation, so calendar
    # programs replace the entry of the same UID (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(_("version i kalendere"), default=0)
    # The meeting moved to a day whose dispatch deadline lies before the day the package was
    # sent: the dispatch stays valid, but it is now late for the meeting, and said so.
    late_after_move = models.BooleanField(_("for sent efter mødets flytning"), default=False)
    # Of the case, kept on each of its items so that the statistics count the items at a
    # period's meetings from this table's index alone, without looking up each item's case
    # among the region's (``FIGURE_COLUMNS``): whether the case has been sent to the region
    # (its ``first_sent_at``; set on its items when it is first sent), and the day it was
    # requested (the local day of its ``submitted_at``, which an item never precedes).
    # The database's default lets an app process still running the code of before the column
    # make items while a deployment migrates.
    case_sent = models.BooleanField(default=False, db_default=False, editable=False)
    requested_on = models.DateField(null=True, editable=False)
    # Of the item's own dispatch and conversation, kept on it for the same reason, so that the
    # statistics do not look up each of a region's year of items in those tables: whether its
    # package was sent late and by how many working days (both empty until it is sent; written
    # by ``Dispatch.save``), and whether its conversation was held (``Conversation.save``).
    # Neither a dispatch nor a conversation changes once made.
    dispatch_late = models.BooleanField(null=True, editable=False)
    dispatch_days_late = models.SmallIntegerField(null=True, editable=False)
    held = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        # The table keeps the name it had when the items lived in the meetings app.
        db_table = "meetings_agendaitem"
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
        # A meeting's items, and the statistics' count of the items at a period's meetings,
        # read from the index alone (``FIGURE_COLUMNS``).
        indexes = [models.Index(fields=FIGURE_COLUMNS["item"], name="item_figures")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.starts_at:%H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.case_sent = self.case.first_sent_at is not None
            self.requested_on = request_day(self.case.submitted_at)
        super().save(*args, **kwargs)

    @property
    def deadline_passed(self) -> bool:
        """Today is after the item's dispatch deadline (``core.workingdays.deadline_passed``)."""
        return deadline_passed(self.dispatch_deadline, clock.today())


class Dispatch(QuickLoad, models.Model):
    """The case package sent to the coordinator: a frozen snapshot of what was sent, with the
    deadline it was measured against (regional procedure item 8: 10 working days before)."""

    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="dispatch", verbose_name=_("punkt")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("sag")
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
        db_table = "meetings_dispatch"
        verbose_name = _("afsendelse")
        verbose_name_plural = _("afsendelser")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.sent_at:%d.%m.%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the dispatch; a new one also on its item, which the statistics count it by
        (``AgendaItem.dispatch_late``)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            kept = {"dispatch_late": self.is_late, "dispatch_days_late": self.working_days_late}
            AgendaItem.objects.filter(pk=self.agenda_item_id).update(**kept)
            for name, value in kept.items():
                setattr(self.agenda_item, name, value)


class Conversation(QuickLoad, models.Model):
    """The conversation between citizen, coordinator and caseworker (BEK 2409/2021 § 3), and the
    caseworker's file note of what was agreed (notatpligt, offentlighedsloven § 13)."""

    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="conversation"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conversations")
    started_at = models.DateTimeField(_("startede"))
    ended_at = models.DateTimeField(_("sluttede"))
    attendees = models.JSONField(_("deltagere"), default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_note = models.TextField(_("sagsbehandlers notat"), blank=True)
    file_note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    file_note_at = models.DateTimeField(_("notat skrevet"), null=True, blank=True)
    #: Earlier texts of the note, oldest first ({"text", "by", "at"}): a changed note keeps what
    #: it said before (notatpligt), so nobody can make a note disappear by writing over it.
    file_note_history = models.JSONField(_("tidligere notater"), default=list, blank=True)

    class Meta:
        verbose_name = _("samtale")
        verbose_name_plural = _("samtaler")
        ordering = ["-started_at"]
        # The statistics for a team find the advice given at the team's meetings through each
        # advice's conversation, from the index.
        indexes = [models.Index(fields=FIGURE_COLUMNS["conversation"], name="conversation_figures")]
        constraints = [
            models.CheckConstraint(
                name="conversation_ends_after_start",
                condition=Q(ended_at__gt=models.F("started_at")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.started_at:%d.%m.%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the conversation; a new one also on its item, which the statistics count it by
        (``AgendaItem.held``)."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            AgendaItem.objects.filter(pk=self.agenda_item_id).update(held=True)
            self.agenda_item.held = True


class KeepsCaseMunicipality(QuickLoad, models.Model):
    """A part of a case that keeps its case's municipality (set in ``save``), so that the
    statistics find a period's advice or decisions of the municipalities they count from the
    part's own figure index, without joining every sent case of them (``FIGURE_COLUMNS``). A
    case never changes municipality."""

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        # The figure index starts with it; an index of its own would only cost writes.
        db_index=False,
    )

    case: Any

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.municipality_id = self.case.municipality_id
        super().save(*args, **kwargs)


class Advice(KeepsCaseMunicipality):
    """The coordinator's written health-professional advice (regional procedure item 6).
    Submitted advice is never changed: a correction is a new version with a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="advice_versions")
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="advice")
    version = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("vurdering og anbefalede tilpasninger"))
    accommodations = models.TextField(_("skånehensyn"), blank=True)
    correction_reason = models.TextField(_("begrundelse for ny version"), blank=True)
    submitted_at = models.DateTimeField(_("afgivet"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    minutes_after_conversation = models.PositiveIntegerField(_("minutter efter samtalen"))

    class Meta:
        verbose_name = _("sundhedsfaglig rådgivning")
        verbose_name_plural = _("sundhedsfaglige rådgivninger")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="advice_version_unique")
        ]
        # The statistics count the first advice given in a period: found by its municipality
        # and date among ten years of advice, not by looking in every sent case of the
        # municipalities, and counted from the index alone (``FIGURE_COLUMNS``).
        indexes = [models.Index(fields=FIGURE_COLUMNS["advice"], name="advice_submitted")]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"


class AdviceDraft(QuickLoad, models.Model):
    """The advice as its coordinator left it before submitting: seen by nobody else, replaced at
    each save, gone once the advice is submitted (or the case anonymised)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="advice_drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("vurdering og anbefalede tilpasninger"), blank=True)
    accommodations = models.TextField(_("skånehensyn"), blank=True)
    correction_reason = models.TextField(_("begrundelse for ny version"), blank=True)
    saved_at = models.DateTimeField(_("gemt"))

    class Meta:
        verbose_name = _("kladde til rådgivning")
        verbose_name_plural = _("kladder til rådgivning")
        constraints = [
            models.UniqueConstraint(fields=["case", "author"], name="advice_draft_one_per_author")
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.author_id})"


class Decision(KeepsCaseMunicipality):
    """The caseworker's decision on the advice: adjust the offer, start another, or keep it
    (regional procedure item 7), with the reasons the letter to the citizen gives."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("stillingtagen"), max_length=20, choices=Outcome.choices)
    text = models.TextField(_("begrundelse"))
    decided_at = models.DateTimeField(_("truffet"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offer_version = models.OneToOneField(
        OfferVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("tilbuddet efter stillingtagen"),
        help_text=_("Det tilpassede eller nye tilbud; tomt, når tilbuddet fastholdes."),
    )

    class Meta:
        verbose_name = _("stillingtagen")
        verbose_name_plural = _("stillingtagener")
        # The statistics count the decisions of their municipalities by date and outcome, from
        # the index alone.
        indexes = [models.Index(fields=FIGURE_COLUMNS["decision"], name="decision_figures")]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_outcome_display()}"
