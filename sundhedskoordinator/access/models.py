"""The access log: who read, downloaded, exported or printed which health data, and who was
refused (GDPR art. 9 and 15; Datatilsynet on logging, after CJEU C-579/21). Append-only: the
database refuses UPDATE and DELETE (migration 0002), not only the application."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad
from sundhedskoordinator.organisations.choices import Role


class AccessAction(models.TextChoices):
    VIEW = "view", _("Læst")
    DOWNLOAD = "download", _("Hentet")
    EXPORT = "export", _("Eksporteret")
    PRINT = "print", _("Udskrevet")
    DENIED = "denied", _("Afvist")


#: The kinds of object an entry names, as the citizen reads them in "Min log".
OBJECT_LABELS = {
    "case": _("Sag"),
    "document": _("Dokument i sagen"),
    "issued_document": _("Brev"),
    "citizen": _("Dine oplysninger som borger"),
    "meeting": _("Møde"),
    "settlement": _("Afregning"),
}


class AccessLog(QuickLoad, models.Model):
    """One read of a case's health data (or a refused attempt). It names the object, never its
    content."""

    at = models.DateTimeField(_("tidspunkt (UTC)"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    user_name = models.CharField(_("bruger"), max_length=200)
    role = models.CharField(_("rolle"), max_length=40, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="access_log", null=True
    )
    # The citizen a read concerns when it belongs to no case (a guidance letter, a citizen
    # record), so that it appears in the citizen's "Min log" too.
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="access_log", null=True
    )
    object_type = models.CharField(_("objekttype"), max_length=30)
    object_id = models.CharField(_("objekt"), max_length=40)
    action = models.CharField(_("handling"), max_length=20, choices=AccessAction.choices)
    purpose = models.CharField(_("formål"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "at"], name="accesslog_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_type}"

    @property
    def object_label(self) -> str:
        """What was read or tried, in words, for entries that belong to no case."""
        return str(OBJECT_LABELS.get(self.object_type, self.object_type))

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


class LoginSession(QuickLoad, models.Model):
    """Which sessions a user has open, so that taking a role away or deactivating the user ends
    them at once (Django's sessions cannot be found by user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class OIDCIdentity(QuickLoad, models.Model):
    """The OpenID Connect identity a staff member logs in with: the provider's issuer and its
    stable subject (``sub``), bound at the first log-in. After that the provider's user name and
    e-mail no longer decide who logs in (OpenID Connect Core 1.0, section 5.7: only ``iss`` and
    ``sub`` together identify a person)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(_("udsteder"), max_length=255)
    subject = models.CharField(_("emne (sub)"), max_length=255)
    created_at = models.DateTimeField(_("oprettet"))

    class Meta:
        verbose_name = _("OIDC-identitet")
        verbose_name_plural = _("OIDC-identiteter")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique"),
            models.UniqueConstraint(fields=["user", "issuer"], name="oidc_one_identity_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class LoginBackoff(QuickLoad, models.Model):
    """Failed log-ins for one user name from every source together: they slow the next attempt
    for that name down (a short wait that grows) but never lock it, so that nobody can shut a
    colleague out by typing wrong passwords. The lockout itself is per user name *and* address
    (django-axes)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.username} ({self.failures})"


class ApiToken(QuickLoad, models.Model):
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
        # The table keeps the name it had when the tokens lived in the API app.
        db_table = "api_apitoken"
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")

    def __str__(self) -> str:
        return f"{self.user} ({self.name or self.pk})"
