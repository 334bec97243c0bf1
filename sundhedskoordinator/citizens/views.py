"""Citizen pages for caseworkers: the register, the ressourceforløb and the guidance duty."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from sundhedskoordinator.access.policy import (
    citizen_municipalities,
    handler_role,
    in_case_scope,
    registering_municipalities,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.forms import add_domain_error, post_only
from sundhedskoordinator.organisations.models import Municipality, User
from sundhedskoordinator.post import selectors as post_selectors

from . import search, services
from .forms import CitizenForm, CourseEndForm, CourseForm, DigitalPostForm, GuidanceForm
from .selectors import citizen_in_scope, list_citizens


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


#: The session key of the register's search: a CPR number never goes in a URL.
CITIZEN_SEARCH = "citizen_search"
#: The register's own query keys, the only ones a search keeps.
LIST_KEYS = ("uden-vejledning", "forloeb", "order", "antal")
PAGE_SIZES = (25, 50, 100)
COURSE_FILTERS = {
    "active": gettext_lazy("I ressourceforløb i dag"),
    "none": gettext_lazy("Ikke i ressourceforløb"),
}
SORTABLE = {"name": gettext_lazy("Navn"), "course": gettext_lazy("Ressourceforløb")}


@login_required
@never_cache
def citizen_list(request: HttpRequest) -> HttpResponse:
    """The citizens the user sees, paged in the database with the count: by name or by the
    newest ressourceforløb; filtered to those in (or not in) a ressourceforløb or without
    written guidance (the guidance duty); searched by name or whole CPR number."""
    user = _user(request)
    if not citizen_municipalities(user):
        raise Http404  # the register is the municipalities' own; nobody else has one
    if request.method == "POST":
        search.remember(request.session, CITIZEN_SEARCH, request.POST)
        known = {k: v for k, v in request.GET.items() if k in LIST_KEYS}
        return redirect(f"{request.path}?{urlencode(known)}")
    without = request.GET.get("uden-vejledning") == "1"
    course = request.GET.get("forloeb", "")
    course = course if course in COURSE_FILTERS else ""
    order = request.GET.get("order", "name")
    order = order if order in SORTABLE else "name"
    size = request.GET.get("antal", "")
    size_n = int(size) if size in {str(n) for n in PAGE_SIZES} else PAGE_SIZES[0]
    found = search.recall(request.session, CITIZEN_SEARCH)
    citizens = list_citizens(
        user,
        today=clock.today(),
        without_guidance=without,
        course=course,
        search=found,
        order=order,
    )
    page = Paginator(citizens, size_n).get_page(request.GET.get("side"))
    kept = {
        k: v for k, v in {"uden-vejledning": "1" if without else "", "forloeb": course}.items() if v
    }
    return render(
        request,
        "citizens/citizen_list.html",
        {
            "page": page,
            "citizens": page.object_list,
            "without": without,
            "course": course,
            "courses": COURSE_FILTERS,
            "order": order,
            "sortable": SORTABLE,
            "size": size_n,
            "sizes": PAGE_SIZES,
            "search_shown": found.shown,
            "keep": urlencode({**kept, "antal": size_n}),
            "keep_order": urlencode({**kept, "antal": size_n, "order": order}),
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
            # The letters outside any case (the guidance), for those who register citizens;
            # a case's letters are on the case.
            "letters": list(post_selectors.of_citizen(citizen.pk)) if opens_cases else [],
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
                digital_post_exempt=data["digital_post_exempt"],
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
@post_only("citizens:detail", "citizen_id")
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
@post_only("citizens:detail", "citizen_id")
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


@login_required
@post_only("citizens:detail", "citizen_id")
def digital_post(request: HttpRequest, citizen_id: int) -> HttpResponse:
    user = _user(request)
    try:
        citizen = citizen_in_scope(user, citizen_id)
    except NotFoundError as exc:
        raise Http404 from exc
    form = DigitalPostForm(request.POST, prefix="post")
    if form.is_valid():
        try:
            services.set_digital_post_exempt(
                actor=user, citizen=citizen, exempt=form.cleaned_data["digital_post_exempt"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Borgerens breve sendes nu med posten.")
                if citizen.digital_post_exempt
                else _("Borgerens breve sendes nu med Digital Post."),
            )
    return redirect("citizens:detail", citizen_id=citizen.pk)
