"""The main menu: the pages the access policy gives the user's roles (``policy.pages_for``),
in a fixed order, and the inbox with its unread count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.access.policy import Page, pages_for
from sundhedskoordinator.notifications.selectors import unread_count

#: Menu order, with each page's label and route.
MENU = [
    (Page.CASES, _("Sager"), "cases:list"),
    (Page.MY_CASES, _("Mine sager"), "cases:list"),
    (Page.CITIZENS, _("Borgere"), "citizens:list"),
    (Page.MEETINGS, _("Møder"), "meetings:list"),
    (Page.OVERVIEW, _("Overblik"), "cases:overview"),
    (Page.STATISTICS, _("Statistik"), "reports:statistics"),
    (Page.SETTLEMENT, _("Afregning"), "billing:settlement"),
    (Page.RATES, _("Takster"), "billing:rates"),
    (Page.MY_LETTERS, _("Mine breve"), "post:inbox"),
    (Page.MY_ACCESS_LOG, _("Hvem har set mine oplysninger?"), "web:my-access-log"),
]


def menu(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"menu": [], "citizen_theme": False}
    pages = pages_for(request.user)
    items = [(str(_("Forside")), reverse("web:start"))]
    items += [(str(label), reverse(route)) for page, label, route in MENU if page in pages]
    unread = unread_count(request.user)
    items.append((str(_("Beskeder")) + (f" ({unread})" if unread else ""), reverse("web:inbox")))
    if Page.ADMIN in pages:
        items.append((str(_("Administration")), reverse("admin:index")))
    path = request.path
    # The one menu item the page belongs to: the longest address the path starts with.
    matches = [url for _label, url in items if url == path or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    return {
        # Citizens see the borger.dk theme of Det Fælles Designsystem; staff the standard one.
        "citizen_theme": Page.MY_CASES in pages and Page.CASES not in pages,
        # Links to the rates appear only for those the policy lets open them.
        "may_see_rates": Page.RATES in pages,
        "menu": [(label, url, url == current) for label, url in items],
    }
