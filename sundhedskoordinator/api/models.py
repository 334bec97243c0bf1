"""API tokens and the answers remembered for idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once, when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("navn"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("oprettet"))
    expires_at = models.DateTimeField(_("udløber"))
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    second_factor = models.BooleanField(_("bekræftet med engangskode"), default=False)

    class Meta:
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")

    def __str__(self) -> str:
        return f"{self.user} ({self.name or self.pk})"


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``; a repeat gets the same answer and
    changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
