"""Roles and the kind of organisation each role is scoped to (DESIGN section 2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Koordinerende sagsbehandler")
    JOB_BROKER = "job_broker", _("Jobformidler")
    SECRETARIAT = "secretariat", _("Rehabiliteringsteamets sekretariat")
    COORDINATOR = "coordinator", _("Sundhedskoordinator")
    CLINICAL_ADMIN = "clinical_admin", _("Klinisk Funktion, administration")
    MANAGER = "manager", _("Leder")
    CITIZEN = "citizen", _("Borger")
    ADMIN = "admin", _("Systemadministrator")


class Scope(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommune")
    REGION = "region", _("Region")
    NONE = "none", _("Ingen organisation")


#: Which organisation each role is held in. A manager may lead a municipality or a region.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.CASEWORKER: frozenset({Scope.MUNICIPALITY}),
    Role.JOB_BROKER: frozenset({Scope.MUNICIPALITY}),
    Role.SECRETARIAT: frozenset({Scope.MUNICIPALITY}),
    Role.COORDINATOR: frozenset({Scope.REGION}),
    Role.CLINICAL_ADMIN: frozenset({Scope.REGION}),
    Role.MANAGER: frozenset({Scope.MUNICIPALITY, Scope.REGION}),
    Role.CITIZEN: frozenset({Scope.NONE}),
    Role.ADMIN: frozenset({Scope.NONE}),
}

MUNICIPAL_ROLES = frozenset(r for r, s in ROLE_SCOPES.items() if s == {Scope.MUNICIPALITY})
REGIONAL_ROLES = frozenset(r for r, s in ROLE_SCOPES.items() if s == {Scope.REGION})
UNSCOPED_ROLES = frozenset(r for r, s in ROLE_SCOPES.items() if s == {Scope.NONE})
