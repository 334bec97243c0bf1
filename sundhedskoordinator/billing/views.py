"""Settlement and rate pages for Klinisk Funktion and managers. Thin: the rules are in
``services``, the reads in ``selectors``, the access in ``access.policy``."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sundhedskoordinator.access.policy import (
    billing_regions,
    figure_municipalities,
    figure_regions,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.forms import add_domain_error
from sundhedskoordinator.core.money import kroner
from sundhedskoordinator.core.periods import previous_month
from sundhedskoordinator.organisations.models import User

from . import exports, selectors, services
from .forms import ApproveForm, PeriodForm, RateForm
from .selectors import SettlementView


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _period_form(request: HttpRequest, user: User) -> PeriodForm:
    # The user's municipalities, read once: the form's choices and the settlement's municipality.
    municipalities = list(figure_municipalities(user).order_by("name"))
    if not municipalities:
        raise Http404
    if "municipality" in request.GET:
        return PeriodForm(request.GET, municipalities=municipalities)
    start, end = previous_month(clock.today())
    return PeriodForm(
        {"municipality": municipalities[0].pk, "date_from": start, "date_to": end},
        municipalities=municipalities,
    )


def _query(form: PeriodForm) -> str:
    data = form.cleaned_data
    return urlencode(
        {
            "municipality": data["municipality"].pk,
            "date_from": data["date_from"].isoformat(),
            "date_to": data["date_to"].isoformat(),
        }
    )


def _read(user: User, form: PeriodForm) -> SettlementView:
    data = form.cleaned_data
    return selectors.settlement_of(
        user=user,
        municipality=data["municipality"],
        period_start=data["date_from"],
        period_end=data["date_to"],
    )


@login_required
@never_cache
def settlement(request: HttpRequest) -> HttpResponse:
    """A municipality's settlement for a period: locked, or a draft with the approval button."""
    user = _user(request)
    form = _period_form(request, user)
    view = None
    if form.is_valid():
        try:
            view = _read(user, form)
        except DomainError as error:
            add_domain_error(form, error)
    approve_form = None
    if view is not None and view.can_be_approved:
        approve_form = ApproveForm(
            initial={**form.cleaned_data, "expected_total": view.total},
            municipalities=form.fields["municipality"].objects,  # type: ignore[attr-defined]
        )
    return render(
        request,
        "billing/settlement.html",
        {
            "form": form,
            "settlement": view,
            "query": _query(form) if view is not None else "",
            "approve_form": approve_form,
            "approved": selectors.approved_settlements(user)[:50],
        },
    )


@login_required
@require_POST
def approve(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApproveForm(request.POST, municipalities=list(figure_municipalities(user)))
    if not form.is_valid():
        messages.error(request, _("Afregningen kunne ikke godkendes. Vælg perioden igen."))
        return redirect("billing:settlement")
    data = form.cleaned_data
    target = f"{reverse('billing:settlement')}?{_query(form)}"
    try:
        services.approve_settlement(
            actor=user,
            municipality_id=data["municipality"].pk,
            period_start=data["date_from"],
            period_end=data["date_to"],
            expected_total=data["expected_total"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(target)
    messages.success(request, _("Afregningen er godkendt og låst."))
    return redirect(target)


@login_required
@never_cache
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The settlement shown on the page as CSV or XLSX."""
    user = _user(request)
    form = _period_form(request, user)
    if "municipality" in form.errors:
        raise Http404  # not one the user may see: as if it did not exist
    if not form.is_valid():
        messages.error(request, _("Vælg en kommune og en gyldig periode."))
        return redirect("billing:settlement")
    try:
        view = _read(user, form)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('billing:settlement')}?{_query(form)}")
    return exports.settlement_download(view, fmt)


@login_required
@never_cache
def rates(request: HttpRequest) -> HttpResponse:
    """The regions' rates; Klinisk Funktion sets a new one here."""
    user = _user(request)
    if not figure_regions(user).exists():
        raise Http404
    regions = billing_regions(user)
    form = RateForm(request.POST or None, regions=regions) if regions.exists() else None
    if request.method == "POST" and form is None:
        raise PermissionDenied
    corrections = confirm = summary = preview = None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        # The confirmation holds for the values whose corrections were shown, and no others.
        preview = "|".join(
            str(v)
            for v in (
                data["region"].pk,
                data["amount"],
                data["valid_from"],
                data["bills_cancelled_after_dispatch"],
            )
        )
        shown = request.POST.get("preview", "")
        try:
            services.set_rate(
                actor=user,
                region_id=data["region"].pk,
                amount=data["amount"],
                valid_from=data["valid_from"],
                bills_cancelled_after_dispatch=data["bills_cancelled_after_dispatch"],
                note=data["note"],
                confirm_locked_period=data["confirm_locked_period"] and shown == preview,
            )
        except DomainError as error:
            if error.code == services.CONFIRMATION_REQUIRED:
                if shown and shown != preview:
                    # The tick was for other values: it is asked for again, unticked.
                    form.data = {
                        k: v for k, v in request.POST.items() if k != "confirm_locked_period"
                    }
                    form.add_error(
                        None,
                        _("Du har ændret taksten. Se rettelserne for den nye takst, og bekræft."),
                    )
                elif shown:
                    form.add_error(
                        "confirm_locked_period",
                        _("Sæt kryds for at bekræfte rettelserne, eller ret taksten."),
                    )
                # Show what the rate would change in the settlements, and ask again.
                try:
                    corrections = services.rate_corrections(
                        actor=user,
                        region_id=data["region"].pk,
                        amount=data["amount"],
                        valid_from=data["valid_from"],
                        bills_cancelled_after_dispatch=data["bills_cancelled_after_dispatch"],
                    )
                except DomainError as preview_error:
                    add_domain_error(form, preview_error)
                else:
                    confirm = error.message
                    summary = ngettext(
                        "%(n)d rettelse, i alt %(total)s.",
                        "%(n)d rettelser, i alt %(total)s.",
                        len(corrections),
                    ) % {
                        "n": len(corrections),
                        "total": kroner(sum((c.amount for c in corrections), Decimal("0"))),
                    }
            else:
                add_domain_error(form, error)
        else:
            messages.success(request, _("Den nye takst er gemt."))
            return redirect("billing:rates")
    return render(
        request,
        "billing/rates.html",
        {
            "rates": selectors.rates_in_scope(user),
            "form": form,
            "confirm": confirm,
            "corrections": corrections,
            "summary": summary,
            "preview": preview,
        },
    )
