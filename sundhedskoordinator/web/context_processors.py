"""The main menu, by the roles the user holds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import grants_for
from sundhedskoordinator.organisations.choices import Role

CASE_ROLES = {
    Role.CASEWORKER,
    Role.JOB_BROKER,
    Role.SECRETARIAT,
    Role.COORDINATOR,
    Role.CLINICAL_ADMIN,
    Role.MANAGER,
}
MEETING_ROLES = {
    Role.SECRETARIAT,
    Role.COORDINATOR,
    Role.CASEWORKER,
    Role.JOB_BROKER,
    Role.CLINICAL_ADMIN,
    Role.MANAGER,
}


def menu(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"menu": []}
    roles = {g.role for g in grants_for(request.user)}
    items = [(_("Forside"), reverse("web:start"))]
    if roles & CASE_ROLES:
        items.append((_("Sager"), reverse("cases:list")))
    elif Role.CITIZEN in roles:
        items.append((_("Mine sager"), reverse("cases:list")))
    if roles & {Role.CASEWORKER, Role.JOB_BROKER}:
        items.append((_("Borgere"), reverse("citizens:list")))
    if roles & MEETING_ROLES:
        items.append((_("Møder"), reverse("meetings:list")))
    if roles & {Role.CLINICAL_ADMIN, Role.MANAGER, Role.SECRETARIAT}:
        items.append((_("Overblik"), reverse("cases:overview")))
    if roles & {Role.CLINICAL_ADMIN, Role.MANAGER}:
        items.append((_("Statistik"), reverse("reports:statistics")))
        items.append((_("Afregning"), reverse("billing:settlement")))
    if Role.CLINICAL_ADMIN in roles:
        items.append((_("Takster"), reverse("billing:rates")))
    if Role.CITIZEN in roles:
        items.append((_("Hvem har set mine oplysninger?"), reverse("web:my-access-log")))
    from sundhedskoordinator.notifications.models import Notification

    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    items.append((_("Beskeder") + (f" ({unread})" if unread else ""), reverse("web:inbox")))
    if Role.ADMIN in roles:
        items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    return {
        "menu": [
            (label, url, url == path or (url != "/" and path.startswith(url)))
            for label, url in items
        ]
    }
