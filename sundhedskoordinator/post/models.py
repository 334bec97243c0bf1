"""A letter's delivery to a citizen by one channel, recorded on the case (or, for the guidance
letter, on the citizen). The letter itself is a PDF kept with the delivery exactly as it went
out; a Digital Post delivery also keeps the MeMo message it handed to the transport."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad

from .choices import Channel, DeliveryState, LetterKind


def letter_path(instance: Delivery, filename: str) -> str:
    return f"post/{instance.message_uuid}/{filename}"


class Delivery(QuickLoad, models.Model):
    #: The message's identity at the receiver: the same UUID on every attempt, so the national
    #: service (and our outbox) takes a message once however often it is handed over.
    message_uuid = models.UUIDField(_("meddelelses-id"), default=uuid.uuid4, unique=True)
    kind = models.CharField(_("brev"), max_length=20, choices=LetterKind.choices)
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    state = models.CharField(
        _("status"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="deliveries"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    #: The letter's title as the citizen sees it in her mailbox: never health data.
    title = models.CharField(_("titel"), max_length=150)
    document = models.FileField(_("brev"), upload_to=letter_path, max_length=300)
    document_sha256 = models.CharField(_("SHA-256"), max_length=64)
    message = models.FileField(
        _("MeMo-meddelelse"), upload_to=letter_path, max_length=300, blank=True
    )
    calendar = models.TextField(_("kalenderinvitation"), blank=True)
    created_at = models.DateTimeField(_("oprettet"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(_("næste forsøg"), null=True, blank=True)
    #: A worker that hands the message over holds it until then; after it, another may try.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    receipt = models.CharField(_("kvittering"), max_length=100, blank=True)
    failed_at = models.DateTimeField(_("fejlede"), null=True, blank=True)
    failure = models.CharField(_("årsag"), max_length=300, blank=True)
    #: A failed delivery the caseworker sent another way (on paper): the delivery that did.
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("sendt i stedet som"),
    )

    class Meta:
        verbose_name = _("forsendelse")
        verbose_name_plural = _("forsendelser")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "channel", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["municipality", "state", "channel"], name="delivery_by_place"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()})"
