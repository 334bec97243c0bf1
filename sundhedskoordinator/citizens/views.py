"""Citizen pages for caseworkers: the register, the ressourceforløb and the guidance duty."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sundhedskoordinator.access.policy import (
    handler_role,
    in_case_scope,
    registering_municipalities,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.forms import add_domain_error
from sundhedskoordinator.organisations.models import Municipality, User

from . import services
from .forms import CitizenForm, CourseEndForm, CourseForm, GuidanceForm
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
        {
            "citizens": citizens,
            "without": without,
            "today": clock.today(),
            "can_register": bool(_own_municipalities(user)),
        },
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
    return _detail(request, user, citizen, guidance_form=form)


def _detail(
    request: HttpRequest,
    user: User,
    citizen: Any,
    *,
    guidance_form: GuidanceForm | None = None,
    course_form: CourseForm | None = None,
    end_form: CourseEndForm | None = None,
) -> HttpResponse:
    """The citizen's page, with any form that was refused shown with its errors."""
    today = clock.today()
    courses = list(citizen.resource_courses.all())
    opens_cases = handler_role(user, citizen.municipality_id) is not None
    return render(
        request,
        "citizens/citizen_detail.html",
        {
            "citizen": citizen,
            "form": guidance_form or GuidanceForm(initial={"given_on": today}),
            "course_form": course_form or CourseForm(prefix="course"),
            "end_form": end_form or CourseEndForm(prefix="end", initial={"end_date": today}),
            "today": today,
            "courses": courses,
            "active_course": next((c for c in courses if c.is_active_on(today)), None),
            "opens_cases": opens_cases,
            "guidance": list(citizen.guidance.all()),
            # Only the cases the user may see, as everywhere (the policy's case scope).
            "cases": in_case_scope(citizen.cases.order_by("-created_at"), user),
        },
    )


def _own_municipalities(user: User) -> list[Municipality]:
    """Where the user registers citizens: the municipalities they open cases in."""
    ids = registering_municipalities(user)
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


@login_required
@never_cache
def citizen_create(request: HttpRequest) -> HttpResponse:
    """Register a citizen (CPR validated, a duplicate refused) with their ressourceforløb."""
    user = _user(request)
    municipalities = _own_municipalities(user)
    if not municipalities:
        raise Http404
    form = CitizenForm(request.POST or None)
    if len(municipalities) > 1:
        form.fields["municipality"] = forms.ModelChoiceField(
            label=_("Kommune"),
            queryset=Municipality.objects.filter(pk__in=[m.pk for m in municipalities]),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            citizen = services.create_citizen(
                actor=user,
                cpr=data["cpr"],
                name=data["name"],
                email=data["email"],
                municipality=data.get("municipality") or municipalities[0],
                course_start=data["course_start"],
                course_end=data["course_end"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s er registreret. Giv skriftlig vejledning om retten, og opret sagen.")
                % {"name": citizen.name},
            )
            return redirect("citizens:detail", citizen_id=citizen.pk)
    return render(request, "citizens/citizen_form.html", {"form": form})


@login_required
@require_POST
def course_add(request: HttpRequest, citizen_id: int) -> HttpResponse:
    user = _user(request)
    try:
        citizen = citizen_in_scope(user, citizen_id)
    except NotFoundError as exc:
        raise Http404 from exc
    form = CourseForm(request.POST, prefix="course")
    if form.is_valid():
        try:
            services.add_resource_course(actor=user, citizen=citizen, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("Ressourceforløbet er registreret."))
            return redirect("citizens:detail", citizen_id=citizen.pk)
    return _detail(request, user, citizen, course_form=form)


@login_required
@require_POST
def course_end(request: HttpRequest, citizen_id: int, course_id: int) -> HttpResponse:
    user = _user(request)
    try:
        citizen = citizen_in_scope(user, citizen_id)
    except NotFoundError as exc:
        raise Http404 from exc
    form = CourseEndForm(request.POST, prefix="end")
    if form.is_valid():
        try:
            services.end_resource_course(
                actor=user, citizen=citizen, course_id=course_id, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("Slutdatoen for ressourceforløbet er registreret."))
            return redirect("citizens:detail", citizen_id=citizen.pk)
    return _detail(request, user, citizen, end_form=form)
