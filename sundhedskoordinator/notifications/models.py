"""The in-app inbox: a short message that there is news in a case, never its content."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad


class NotificationKind(models.TextChoices):
    CASE_SENT = "case_sent", _("En sag er sendt til dig")
    SCHEDULED = "scheduled", _("Der er sat tid på en samtale")
    CANCELLED = "cancelled", _("En samtale er aflyst")
    ADVICE = "advice", _("Sundhedskoordinatorens rådgivning er klar")
    DECISION = "decision", _("Kommunen har taget stilling")
    REMIND_DISPATCH = "remind_dispatch", _("Påmindelse: sagen skal sendes til sundhedskoordinator")
    REMIND_ADVICE = "remind_advice", _("Påmindelse: rådgivningen er ikke skrevet")
    REMIND_DECISION = "remind_decision", _("Påmindelse: der mangler en stillingtagen")
    REASSIGNED = "reassigned", _("En sag er givet videre")
    TAKEN_OVER = "taken_over", _("En anden sundhedskoordinator har overtaget sagen")
    MEETING_CHANGED = "meeting_changed", _("Tid eller sted for en samtale er ændret")
    WITHDRAWN = "withdrawn", _("Borgeren har trukket anmodningen tilbage")
    REMIND_STUCK = "remind_stuck", _("Påmindelse: mødet er holdt, men samtalen er ikke registreret")


class Notification(QuickLoad, models.Model):
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


class Reminder(QuickLoad, models.Model):
    """That a reminder of one kind about one case went to one user. The unique constraint makes
    every reminder go out once, however often the scheduler runs and however many run at once."""

    kind = models.CharField(_("påmindelse"), max_length=20, choices=NotificationKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    #: What the reminder is about: the agenda item for dispatch, the advice's conversation, ...
    subject_id = models.PositiveBigIntegerField(_("emne"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sendt"))

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "user"], name="reminder_once_per_subject_and_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} {self.user_id}"
