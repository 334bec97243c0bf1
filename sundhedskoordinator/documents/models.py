"""Documents the system issues that belong to no single case: a meeting's agenda as it was sent,
and the guidance letter that tells a citizen about the right. Documents issued in a case (the case
package, the advice, the decision letter) are versions of the case's own documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad


class IssuedKind(models.TextChoices):
    AGENDA = "agenda", _("Dagsorden")
    GUIDANCE_LETTER = "guidance_letter", _("Vejledningsbrev")


def issued_path(instance: IssuedDocument, filename: str) -> str:
    owner = f"meetings/{instance.meeting_id}" if instance.meeting_id else "guidance"
    return f"issued/{owner}/{instance.kind}-v{instance.version}-{instance.sha256[:16]}.pdf"


class IssuedDocument(QuickLoad, models.Model):
    """A PDF as it was issued; it is never changed, a new issue is a new version."""

    kind = models.CharField(_("art"), max_length=30, choices=IssuedKind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    guidance = models.OneToOneField(
        "citizens.Guidance",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letter",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("fil"), upload_to=issued_path, max_length=300)
    content_type = models.CharField(_("filtype"), max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(_("størrelse i bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("udstedt"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("udstedt dokument")
        verbose_name_plural = _("udstedte dokumenter")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meeting__isnull=False) | models.Q(guidance__isnull=False),
                name="issued_document_has_owner",
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "version"],
                condition=models.Q(meeting__isnull=False),
                name="issued_document_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def download_name(self) -> str:
        if self.meeting_id:
            return f"dagsorden-{self.meeting_id}-v{self.version}.pdf"
        return f"vejledningsbrev-{self.guidance_id}.pdf"
