"""Kinds of settlement lines and what a line bills for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LineKind(models.TextChoices):
    ORDINARY = "ordinary", _("Sag i perioden")
    CORRECTION = "correction", _("Korrektion til en låst periode")


class Basis(models.TextChoices):
    """Why a case is billed: treated at a meeting, or cancelled after the package was sent where
    the region's rate bills such cases."""

    HELD = "held", _("Behandlet på møde")
    CANCELLED_AFTER_DISPATCH = "cancelled_after_dispatch", _("Aflyst efter afsendelse")
    NOT_BILLABLE = "not_billable", _("Ikke længere til afregning")
