"""Log-in, the start page and the health endpoints. Views stay thin: they read through selectors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sundhedskoordinator.access import selectors as access_selectors
from sundhedskoordinator.access import services as access_services
from sundhedskoordinator.access.login import SECOND_FACTOR_BY_PROVIDER
from sundhedskoordinator.access.policy import (
    handler_role,
    holds_role,
    is_staff,
    remember_grants,
    second_factor_missing,
    secretariat_municipalities,
    sees_as_citizen,
)
from sundhedskoordinator.billing.selectors import settlements_to_approve
from sundhedskoordinator.cases import selectors as case_selectors
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.texts import CITIZEN_NEXT, CITIZEN_STATUS
from sundhedskoordinator.citizens.selectors import citizens_without_guidance
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import error_body
from sundhedskoordinator.documents import scanning, storage
from sundhedskoordinator.meetings.models import CollaborationAgreement
from sundhedskoordinator.meetings.selectors import agreements_of
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.selectors import memberships_for
from sundhedskoordinator.post import selectors as post_selectors

from .forms import LoginForm, SecondFactorForm
from .navigation import next_steps_for, tasks_for


class LoginView(auth_views.LoginView):
    """Django's log-in (a new session key at log-in) with our Danish form and template."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs), "oidc_enabled": settings.OIDC_ENABLED}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A password log-in has confirmed one factor, whatever an earlier log-in of the same
        # session through the identity provider had.
        self.request.session.pop(SECOND_FACTOR_BY_PROVIDER, None)
        return response


@dataclass(frozen=True)
class MyCase:
    case: Any
    status: str
    next: str
    meeting: Any


#: The work the start page shows, a part for each kind of role, in this order: the part's key in
#: the address (``?arbejde=``), its tab's label, and who has it. A user with more than one part
#: sees one at a time, under tabs: each part costs its own queries, so a page with every part
#: would cost many.
WORK_PARTS: list[tuple[str, Any, Callable[[Any], bool]]] = [
    ("sager", gettext_lazy("Dit arbejde"), lambda user: handler_role(user) is not None),
    ("sekretariat", gettext_lazy("Sekretariatet"), lambda u: bool(secretariat_municipalities(u))),
    ("afregning", gettext_lazy("Afregninger"), lambda u: holds_role(u, Role.CLINICAL_ADMIN)),
    ("samtaler", gettext_lazy("Mine samtaler"), lambda u: holds_role(u, Role.COORDINATOR)),
    ("mine-sager", gettext_lazy("Dine sager"), sees_as_citizen),
]
#: The query key of the part shown.
WORK_KEY = "arbejde"


def _work_parts(user: Any, asked: str | None) -> tuple[str | None, list[tuple[str, str, bool]]]:
    """The part of the work to show (the one asked for if the user has it, else their first)
    and, for a user with more than one, the tabs: each part's key, label and whether shown."""
    keys = [(key, label) for key, label, has in WORK_PARTS if has(user)]
    if not keys:
        return None, []
    shown = asked if asked in {key for key, _label in keys} else keys[0][0]
    tabs = [(key, str(label), key == shown) for key, label in keys] if len(keys) > 1 else []
    return shown, tabs


def _work_for(
    user: Any, agreements: Callable[[], dict[int, CollaborationAgreement]], part: str | None
) -> dict[str, Any]:
    """The part of the work shown on the start page: a caseworker's or job broker's queues, the
    secretariat's, the settlements to approve, a coordinator's conversations, or a citizen's own
    cases with what happens next."""
    today = clock.today()
    work: dict[str, Any] = {}
    if part == "sager":
        work["queue"] = case_selectors.handler_queue(
            user=user, today=today, agreements=agreements()
        )
        work["guidance_missing"] = citizens_without_guidance(user, today=today).count()
        work["letters_failed"] = list(post_selectors.failed_for(user)[:10])
        work["paper_waiting"] = post_selectors.awaiting_print(user).count()
    elif part == "sekretariat":
        work["secretariat"] = case_selectors.secretariat_queue(
            user=user, today=today, agreements=agreements()
        )
    elif part == "afregning":
        work["to_approve"] = settlements_to_approve(user=user, today=today)
    elif part == "samtaler":
        work["coordinator"] = case_selectors.coordinator_day(user=user, today=today)
    elif part == "mine-sager":
        now = clock.now()
        work["my_cases"] = [
            MyCase(
                case=case,
                status=str(CITIZEN_STATUS[Status(case.status)]),
                next=str(CITIZEN_NEXT.get(Status(case.status), "")),
                # Only a conversation still to come is worth her attention here.
                meeting=next(
                    (i for i in getattr(case, "active_items", []) if i.starts_at >= now), None
                ),
            )
            for case in case_selectors.citizen_cases(user=user)[:5]
        ]
        work["my_letters"] = list(post_selectors.of_citizen_user(user)[:3])
    return work


@login_required
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Who you are, the roles you hold where, and where to go next."""
    memberships = list(memberships_for(user=request.user))  # type: ignore[arg-type]
    # The same rows are the policy's grants for the rest of the request: read once.
    remember_grants(request.user, memberships)  # type: ignore[arg-type]
    roles = list(dict.fromkeys(m.role for m in memberships))
    staff = is_staff(request.user)  # type: ignore[arg-type]
    # The agreements in force today of the regions the user holds roles in (every case they see
    # is in one of them), read at most once for the role texts and queues.
    regions = [
        region
        for m in memberships
        for region in (m.region, m.municipality.region if m.municipality else None)
        if region is not None
    ]
    agreements = functools.cache(functools.partial(agreements_of, regions))
    part, tabs = _work_parts(request.user, request.GET.get(WORK_KEY))
    return render(
        request,
        "web/start.html",
        {
            "needs_second_factor": staff and second_factor_missing(request.user),  # type: ignore[arg-type]
            "memberships": memberships,
            "tasks": tasks_for(memberships, agreements),
            "work_tabs": [(label, f"?{WORK_KEY}={key}", shown) for key, label, shown in tabs],
            **_work_for(request.user, agreements, part),
            "next_steps": next_steps_for(roles),
        },
    )


@login_required
@never_cache
def confirm_second_factor(request: HttpRequest) -> HttpResponse:
    """Step two of log-in for staff: a code from their authenticator app (TOTP)."""

    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: Any = request.user  # logged in: login_required
        device = access_services.confirm_second_factor(user=user, code=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(next_url or "web:start")
        form.add_error("code", _("Engangskoden er forkert eller udløbet. Prøv igen."))
    return render(request, "web/second_factor.html", {"form": form, "next": next_url})


@login_required
@never_cache
@require_GET
def my_access_log(request: HttpRequest) -> HttpResponse:
    """ "Hvem har set mine oplysninger?": the citizen's own access log (GDPR art. 15)."""

    user: Any = request.user  # logged in: login_required
    # Her own reads are mostly noise; she can ask to see them too.
    with_own = request.GET.get("mine") == "1"
    entries = access_selectors.my_access_log(user=user, with_own=with_own)
    page = Paginator(entries, 25).get_page(request.GET.get("side"))
    return render(request, "web/my_access_log.html", {"page": page, "with_own": with_own})


@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    """The instance can do its work: the database answers with every migration applied, the
    file storage takes a file and gives it back, and the malware scanner answers (without it no
    upload is taken); 503 otherwise, naming what is not."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
    except DatabaseError:
        checks.setdefault("database", "unreachable")
    checks["storage"] = "ok" if storage.writable() else "unreachable"
    checks["scanner"] = "ok" if scanning.answers() else "unreachable"
    ready = all(value == "ok" for value in checks.values()) and "migrations" in checks
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


@require_GET
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """Nothing, through the whole middleware stack: the framework's own cost of a request, which
    the load benchmark (bench/load.py) measures every endpoint against in the same run. Only a
    server started with ``BENCH_BASELINE`` answers; anywhere else the address does not exist."""
    if not settings.BENCH_BASELINE:
        raise Http404
    return HttpResponse()


def locked_out(request: HttpRequest, credentials: object = None, *args: object) -> HttpResponse:
    """django-axes' answer to a refused log-in: JSON for the API, a Danish page otherwise. Either
    this address is locked out for the user name (``locked_out``), or the user name must wait a
    moment after failures from anywhere (``login_backoff``, with Retry-After)."""
    wait = int(getattr(request, "login_backoff_seconds", 0))
    if wait:
        code = "login_backoff"
        message = _(
            "For mange forkerte forsøg med dette brugernavn. Vent %(seconds)d sekunder, og prøv "
            "igen."
        ) % {"seconds": wait}
    else:
        code = "locked_out"
        message = _(
            "Log-in er spærret herfra efter for mange forkerte forsøg. Prøv igen om %(hours)d "
            "timer, eller kontakt din systemadministrator."
        ) % {"hours": int(settings.AXES_COOLOFF_TIME.total_seconds() // 3600)}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_body(code, str(message)), status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    if wait:
        response["Retry-After"] = str(wait)
    return response
