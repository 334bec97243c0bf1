"""The letters the system sends a citizen, the channels they travel by, and their states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    GUIDANCE = "guidance", _("Vejledning om retten til en sundhedskoordinator")
    SUMMONS = "summons", _("Indkaldelse til samtale med sundhedskoordinator")
    MEETING_CHANGED = "meeting_changed", _("Ny tid eller nyt sted for din samtale")
    CANCELLED = "cancelled", _("Din samtale er aflyst")
    DECISION = "decision", _("Kommunens afgørelse om dit tilbud")


#: The start of a letter's file name, as the citizen would file it.
FILE_NAMES: dict[str, str] = {
    LetterKind.GUIDANCE: "vejledning",
    LetterKind.SUMMONS: "indkaldelse",
    LetterKind.MEETING_CHANGED: "ny-tid-for-samtale",
    LetterKind.CANCELLED: "aflysning",
    LetterKind.DECISION: "afgoerelse",
}


class Channel(models.TextChoices):
    DIGITAL_POST = "digital_post", _("Digital Post")
    PAPER = "paper", _("Papirpost")
    INBOX = "inbox", _("I Sundhedskoordinator (log-in)")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("I kø")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Ikke sendt")
