"""Citizen pages for caseworkers: the register, the ressourceforløb and the guidance duty."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sundhedskoordinator.access.policy import in_case_scope
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.forms import add_domain_error
from sundhedskoordinator.organisations.models import User

from . import services
from .forms import GuidanceForm
from .selectors import citizen_in_scope, citizens_without_guidance, scope_citizens


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@never_cache
def citizen_list(request: HttpRequest) -> HttpResponse:
    """My citizens; ``?uden-vejledning=1`` lists those in a ressourceforløb not yet told in
    writing about the right (the guidance duty)."""
    user = _user(request)
    without = request.GET.get("uden-vejledning") == "1"
    citizens = (
        citizens_without_guidance(user, today=clock.today()) if without else scope_citizens(user)
    ).order_by("name")[:300]
    return render(
        request,
        "citizens/citizen_list.html",
        {"citizens": citizens, "without": without, "today": clock.today()},
    )


@login_required
@never_cache
def citizen_detail(request: HttpRequest, citizen_id: int) -> HttpResponse:
    user = _user(request)
    try:
        citizen = citizen_in_scope(user, citizen_id)
    except NotFoundError as exc:
        raise Http404 from exc
    form = GuidanceForm(request.POST or None, initial={"given_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_guidance(actor=user, citizen=citizen, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Vejledningen er registreret."))
            return redirect("citizens:detail", citizen_id=citizen.pk)
    return render(
        request,
        "citizens/citizen_detail.html",
        {
            "citizen": citizen,
            "form": form,
            "today": clock.today(),
            "courses": list(citizen.resource_courses.all()),
            "guidance": list(citizen.guidance.all()),
            # Only the cases the user may see, as everywhere (the policy's case scope).
            "cases": in_case_scope(citizen.cases.order_by("-created_at"), user),
        },
    )
