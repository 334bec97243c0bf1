"""Regions, municipalities, rehab teams, users and the roles they hold (DESIGN section 2)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.loading import QuickLoad

from .choices import MUNICIPAL_ROLES, REGIONAL_ROLES, UNSCOPED_ROLES, Role


class Region(QuickLoad, models.Model):
    """One of the five Danish regions. Its Klinisk Funktion employs the health coordinators,
    keeps the rates and bills the municipalities (regional procedure, item 9)."""

    code = models.CharField(_("regionskode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)
    clinical_function_name = models.CharField(
        _("Klinisk Funktion"),
        max_length=150,
        help_text=_("Navnet på regionens kliniske funktion, fx 'Klinisk Funktion Syd'."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(QuickLoad, models.Model):
    """A municipality (kommune) and its jobcenter; it belongs to exactly one region."""

    code = models.CharField(_("kommunekode"), max_length=3, unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    #: The sender of the municipality's Digital Post (MeMo senderID).
    cvr = models.CharField(
        _("CVR-nummer"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("Et CVR-nummer har 8 cifre."))],
        help_text=_("Afsender af kommunens Digital Post. Uden det kan breve ikke sendes digitalt."),
    )
    appeal_guidance = models.TextField(
        _("klagevejledning i afgørelsesbreve"),
        blank=True,
        help_text=_(
            "Kommunens egen klagevejledning. Tom: den fælles tekst (DECISION_APPEAL_GUIDANCE "
            "eller systemets standardtekst)."
        ),
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RehabTeam(QuickLoad, models.Model):
    """A municipality's rehabilitation team (LOB § 9); it holds the meetings cases go to."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="rehab_teams",
        verbose_name=_("kommune"),
    )
    name = models.CharField(_("navn"), max_length=150)
    location = models.CharField(_("mødested"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rehabiliteringsteam")
        verbose_name_plural = _("rehabiliteringsteams")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="rehab_team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class User(QuickLoad, AbstractUser):
    """A person who logs in. What they may do comes from their role memberships, never from
    Django's staff flags (those only open the admin site)."""

    # Who the account belongs to is decided by its username and e-mail: the identity provider
    # binds a person to it by them at the first log-in. When an administrator creates the
    # account or changes them, another administrator must confirm before anyone is bound, so
    # that no single administrator can hand himself a colleague's account (DESIGN section 2).
    identity_set_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("brugernavn og e-mail sat af"),
    )
    identity_approved_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("godkendt af"),
    )

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleMembership(QuickLoad, models.Model):
    """One role held by one user in one organisation (DESIGN section 2). A user may hold several.

    Municipal roles are held in a municipality, regional roles in a region, a manager in either,
    and citizen and administrator in none; the database refuses any other combination.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bruger")
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("kommune"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("region"),
    )

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_role_matches_organisation",
                violation_error_message=_(
                    "Rollen skal høre til den rigtige slags organisation: kommunale roller til en "
                    "kommune, regionale roller til en region, borger og administrator til ingen."
                ),
                condition=(
                    Q(role__in=MUNICIPAL_ROLES, municipality__isnull=False, region__isnull=True)
                    | Q(role__in=REGIONAL_ROLES, region__isnull=False, municipality__isnull=True)
                    | Q(role__in=UNSCOPED_ROLES, region__isnull=True, municipality__isnull=True)
                    | Q(
                        role=Role.MANAGER,
                        municipality__isnull=False,
                        region__isnull=True,
                    )
                    | Q(role=Role.MANAGER, region__isnull=False, municipality__isnull=True)
                ),
            ),
            # Three partial constraints, because NULLs are distinct in a plain unique index.
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_in_municipality",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="membership_unique_in_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(municipality__isnull=True, region__isnull=True),
                name="membership_unique_unscoped",
            ),
        ]

    def __str__(self) -> str:
        organisation = self.organisation
        label = self.get_role_display()
        return f"{label} – {organisation}" if organisation else str(label)

    @property
    def organisation(self) -> Municipality | Region | None:
        return self.municipality or self.region
