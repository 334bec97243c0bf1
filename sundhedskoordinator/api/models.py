"""The answers remembered for idempotency keys. The API tokens are the access app's
(``access.models.ApiToken``), which ends them with every other credential."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sundhedskoordinator.core.loading import QuickLoad


class IdempotencyRecord(QuickLoad, models.Model):
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
