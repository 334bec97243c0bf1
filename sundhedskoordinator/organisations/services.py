"""Every write to organisations and users."""

from __future__ import annotations

from django.db import transaction

from .choices import Role
from .models import Municipality, Region, RoleMembership, User


def grant_role(
    *,
    user: User,
    role: Role,
    municipality: Municipality | None = None,
    region: Region | None = None,
) -> RoleMembership:
    """Give ``user`` the ``role`` in one organisation. Granting a role the user already holds there
    changes nothing. The membership is validated against the role's scope before it is saved."""
    existing = RoleMembership.objects.filter(
        user=user, role=role, municipality=municipality, region=region
    ).first()
    if existing:
        return existing
    membership = RoleMembership(user=user, role=role, municipality=municipality, region=region)
    membership.full_clean()
    with transaction.atomic():
        membership.save()
    return membership
