"""Pages of letters: the citizen's own letters, a letter's PDF, a failed letter sent again, and
the municipality's paper batch for its print service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sundhedskoordinator.access.policy import registering_municipalities
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.downloads import download
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.organisations.models import Municipality

from . import selectors, services
from .choices import FILE_NAMES
from .models import Delivery


def _back(request: HttpRequest, fallback: str = "web:start") -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """ "Mine breve": the letters the citizen has had from the system, newest first."""
    user: Any = request.user
    page = Paginator(selectors.of_citizen_user(user), 25).get_page(request.GET.get("side"))
    return render(request, "post/inbox.html", {"page": page})


def _readable(request: HttpRequest, delivery_id: int) -> Delivery:
    """The letter, if the user is its citizen or works its case (the read is logged)."""
    try:
        return selectors.read_letter(user=request.user, delivery_id=delivery_id)  # type: ignore[arg-type]
    except NotFoundError as exc:
        raise Http404 from exc


@login_required
@never_cache
@require_GET
def letter(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """The letter's PDF as it went out; only its citizen and the caseworker on her case."""
    delivery = _readable(request, delivery_id)
    try:
        content = services.letter_content(delivery)
    except DomainError as exc:
        raise Http404 from exc
    name = f"{FILE_NAMES.get(delivery.kind, 'brev')}-{delivery.created_at:%Y-%m-%d}.pdf"
    return download(content, "application/pdf", name)


@login_required
@never_cache
@require_GET
def calendar(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """The calendar invitation sent with the letter, for the same readers as the letter."""
    delivery = _readable(request, delivery_id)
    if not delivery.calendar:
        raise Http404
    return download(delivery.calendar.encode("utf-8"), "text/calendar", "samtale.ics")


def _act(
    request: HttpRequest, action: Callable[..., Delivery], delivery_id: int, done: str
) -> HttpResponse:
    """Run a service on a failed letter, say how it went, and go back where the user was; a
    letter the user does not work is not found."""
    try:
        action(actor=request.user, delivery_id=delivery_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(request)


@login_required
@require_POST
def send_again(request: HttpRequest, delivery_id: int) -> HttpResponse:
    return _act(
        request,
        services.send_again,
        delivery_id,
        _("Brevet er sendt igen. Det står som sendt, når det er modtaget."),
    )


@login_required
@require_POST
def send_by_post(request: HttpRequest, delivery_id: int) -> HttpResponse:
    return _act(
        request,
        services.send_by_post,
        delivery_id,
        _("Brevet venter nu på print og sendes med posten (se Breve til print)."),
    )


@login_required
@never_cache
def print_batch(request: HttpRequest) -> HttpResponse:
    """The paper letters waiting for print in the user's municipalities; one PDF per batch."""
    user: Any = request.user
    places = Municipality.objects.filter(pk__in=registering_municipalities(user)).order_by("name")
    if not places:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("batch"):
                content, count = services.reprint_batch(
                    actor=user, batch=request.POST["batch"][:60]
                )
            else:
                try:
                    chosen = int(request.POST.get("municipality", ""))
                except ValueError:
                    chosen = 0
                content, count = services.print_batch(actor=user, municipality_id=chosen)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("post:print")
        name = f"print-{clock.today():%Y-%m-%d}-{count}-breve.pdf"
        return download(content, "application/pdf", name)
    waiting = {row["municipality_id"]: row["n"] for row in selectors.awaiting_print_by_place(user)}
    rows = [(place, waiting.get(place.pk, 0)) for place in places]
    return render(
        request,
        "post/print.html",
        {"rows": rows, "batches": list(selectors.printed_batches(user))},
    )
