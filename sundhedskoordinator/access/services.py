"""Writing the access log."""

from __future__ import annotations

from typing import Any

from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import Municipality, Region, User

from .models import AccessAction, AccessLog
from .policy import Grant, grants_for


def _organisation(grant: Grant | None) -> str:
    if grant is None:
        return ""
    if grant.municipality_id:
        return str(
            Municipality.objects.filter(pk=grant.municipality_id)
            .values_list("name", flat=True)
            .first()
            or ""
        )
    if grant.region_id:
        return str(
            Region.objects.filter(pk=grant.region_id).values_list("name", flat=True).first() or ""
        )
    return ""


def log_access(
    *,
    user: User,
    action: AccessAction,
    object_type: str,
    object_id: Any,
    case: Any = None,
    role: str = "",
    purpose: str = "",
    grants: list[Grant] | None = None,
) -> AccessLog:
    """Append one entry: when, who, in which role and organisation, what object, which action,
    and the purpose the user gave. Never the content."""
    grants = grants_for(user) if grants is None else grants
    grant = next((g for g in grants if g.role == role), grants[0] if grants else None)
    return AccessLog.objects.create(
        at=clock.now(),
        user=user if user.pk else None,
        user_name=user.get_full_name() or user.get_username(),
        role=role or (grant.role if grant else ""),
        organisation=_organisation(grant),
        case=case,
        object_type=object_type,
        object_id=str(object_id)[:40],
        action=action,
        purpose=purpose[:300],
    )
