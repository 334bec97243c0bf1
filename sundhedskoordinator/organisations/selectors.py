"""Reads of users and their roles."""

from __future__ import annotations

from django.db.models import QuerySet

from .choices import Role
from .models import RoleMembership, User


def memberships_for(*, user: User) -> QuerySet[RoleMembership]:
    """The user's roles with their organisations, in one query."""
    return (
        RoleMembership.objects.filter(user=user)
        .select_related("municipality__region", "region")
        .order_by("role", "municipality__name", "region__name")
    )


def coordinators_in(*, region_id: int) -> QuerySet[User]:
    """Active health coordinators of a region."""

    return User.objects.filter(
        is_active=True, memberships__role=Role.COORDINATOR, memberships__region_id=region_id
    ).order_by("first_name", "last_name")


def secretaries_of(*, municipality_id: int) -> QuerySet[User]:
    """Active users of the municipality's rehab-team secretariat."""

    return User.objects.filter(
        is_active=True,
        memberships__role=Role.SECRETARIAT,
        memberships__municipality_id=municipality_id,
    ).distinct()


def case_handlers_in(*, municipality_id: int) -> QuerySet[User]:
    """Active caseworkers and job brokers of a municipality: who a case can be handed to."""

    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=[Role.CASEWORKER, Role.JOB_BROKER],
            memberships__municipality_id=municipality_id,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
