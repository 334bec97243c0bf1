"""The append-only log of what happened to each case: who, in which role, did what, when, and
which state it moved the case from and to. It never holds health content."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad


class EventKind(models.TextChoices):
    """What happened. The *actor* is the user who acted; the *subject* is always the case."""

    CASE_CREATED = "case_created", _("Sag oprettet")
    CASE_UPDATED = "case_updated", _("Sag ændret")
    # Written before each action had one event; older logs keep them. Today a create or an update
    # names the offer and the description in its data ("fields").
    OFFER_REGISTERED = "offer_registered", _("Tilbud registreret")
    HEALTH_CONCERN_RECORDED = "health_concern_recorded", _("Beskrivelse af helbredshensyn")
    DOCUMENT_ADDED = "document_added", _("Dokument tilføjet")
    CASE_SUBMITTED = "case_submitted", _("Anmodning indsendt")
    CASE_COMPLETED = "case_completed", _("Sagen er fuldstændig")
    CASE_SCHEDULED = "case_scheduled", _("Sat på dagsorden")
    CASE_UNSCHEDULED = "case_unscheduled", _("Taget af dagsorden")
    PACKAGE_DISPATCHED = "package_dispatched", _("Sendt til sundhedskoordinator")
    CONVERSATION_HELD = "conversation_held", _("Samtale holdt")
    CONVERSATION_CANCELLED = "conversation_cancelled", _("Samtale aflyst")
    FILE_NOTE_RECORDED = "file_note_recorded", _("Notat om samtalen")
    ADVICE_WRITTEN = "advice_written", _("Rådgivning afgivet")
    ADVICE_CORRECTED = "advice_corrected", _("Rådgivning rettet")
    CASE_DECIDED = "case_decided", _("Stillingtagen")
    CASE_CLOSED = "case_closed", _("Sag afsluttet")
    CASE_WITHDRAWN = "case_withdrawn", _("Anmodning trukket tilbage")
    CASE_REJECTED = "case_rejected", _("Anmodning afvist")
    CASE_ANONYMISED = "case_anonymised", _("Sag anonymiseret")
    CASE_REASSIGNED = "case_reassigned", _("Sagen givet videre til en kollega")
    ITEM_TAKEN_OVER = "item_taken_over", _("Sundhedskoordinator overtaget")
    COMPANION_SET = "companion_set", _("Bisidder angivet")
    CASE_MOVED = "case_moved", _("Flyttet til et andet møde")
    MEETING_CHANGED = "meeting_changed", _("Mødets tid eller sted ændret")
    AGENDA_REORDERED = "agenda_reordered", _("Tiden på dagsordenen ændret")


class CaseEvent(QuickLoad, models.Model):
    """One entry of a case's history. Rows are only ever inserted."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("hændelse"), max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    role = models.CharField(_("rolle"), max_length=20, blank=True)
    at = models.DateTimeField(_("tidspunkt"))
    from_state = models.CharField(_("fra status"), max_length=20, blank=True)
    to_state = models.CharField(_("til status"), max_length=20, blank=True)
    data = models.JSONField(_("detaljer"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sagshændelse")
        verbose_name_plural = _("sagshændelser")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class AdminAction(models.TextChoices):
    """What the administrator did in the admin site. The *actor* is the administrator; the
    *subject* is the object named by ``object_type`` and ``object_id``."""

    ADDED = "added", _("Oprettet")
    CHANGED = "changed", _("Ændret")
    DELETED = "deleted", _("Slettet")
    ROLE_REVOKED = "role_revoked", _("Rolle frataget")
    TOKEN_REVOKED = "token_revoked", _("API-nøgle tilbagekaldt")


class AdminLogEntry(QuickLoad, models.Model):
    """One change the administrator made in the admin site to users, roles, memberships and
    the other records he may edit (DESIGN section 2: "his changes are logged"). Written in the
    same transaction as the change; rows are only ever inserted (the database refuses UPDATE and
    DELETE, audit migration 0005). ``changes`` maps each changed field to ``[old, new]``; a
    password, a key or a CPR number is never written, only that it changed."""

    at = models.DateTimeField(_("tidspunkt (UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("administrator"),
    )
    actor_name = models.CharField(_("administratorens navn"), max_length=200)
    action = models.CharField(_("handling"), max_length=20, choices=AdminAction.choices)
    object_type = models.CharField(_("objekttype"), max_length=100)
    object_id = models.CharField(_("objekt-id"), max_length=40)
    object_repr = models.CharField(_("objekt"), max_length=200)
    changes = models.JSONField(_("ændringer"), default=dict, blank=True)

    class Meta:
        verbose_name = _("administratorlog")
        verbose_name_plural = _("administratorlog")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="adminlog_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
