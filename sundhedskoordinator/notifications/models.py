"""The in-app inbox: a short message that there is news in a case, never its content."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CASE_SENT = "case_sent", _("En sag er sendt til dig")
    SCHEDULED = "scheduled", _("Der er sat tid på en samtale")
    CANCELLED = "cancelled", _("En samtale er aflyst")
    ADVICE = "advice", _("Sundhedskoordinatorens rådgivning er klar")
    DECISION = "decision", _("Kommunen har taget stilling")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("besked"), max_length=20, choices=NotificationKind.choices)
    created_at = models.DateTimeField(_("tidspunkt"))
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)

    class Meta:
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
