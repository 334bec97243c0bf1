"""Request-wide policies: Danish first, the second factor before anything else, and the session's
lifetime; and, for the load benchmark only, the count of each request's SQL queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from sundhedskoordinator.access.login import SECOND_FACTOR_BY_PROVIDER
from sundhedskoordinator.access.policy import second_factor_missing
from sundhedskoordinator.access.services import LOGGED_IN_AT, RENEWED_AT
from sundhedskoordinator.core import clock


class QueryCountMiddleware:
    """Counts the SQL queries of each request on the default connection and answers them in
    ``X-Queries``, so that the load benchmark reads them from the production server (DEBUG off,
    where Django keeps no query log). Installed first, and only with ``BENCH_BASELINE``, so it
    counts every other middleware's queries too (the session's save among them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute: Callable[..., object], *args: object) -> object:
            nonlocal count
            count += 1
            return execute(*args)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        return response


class LanguageFromCookieMiddleware:
    """Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a Danish
    public-sector service speaks Danish first, and English only when the person asks for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class SessionLifetimeMiddleware:
    """Ends a session 12 hours after log-in however active it is (ASVS 5.0, V7.3); keeps it alive
    while it is used, by saving it again (which moves its expiry ``SESSION_COOKIE_AGE`` ahead)
    once ``SESSION_RENEW_SECONDS`` have passed since it was last saved, not at every request, so
    the idle limit is never longer than set and a page costs no write; and marks every answer to
    a logged-in user or to the API ``Cache-Control: no-store``: such pages and answers may carry
    health data, which no browser or proxy cache should keep."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            logged_in_at = request.session.get(LOGGED_IN_AT)
            now = clock.now()
            if logged_in_at is None:
                request.session[LOGGED_IN_AT] = now.isoformat()
            elif now - dt.datetime.fromisoformat(logged_in_at) >= dt.timedelta(
                seconds=settings.SESSION_ABSOLUTE_SECONDS
            ):
                # At the instant the 12 hours are up the session is over, as a token is.
                logout(request)
                return redirect_to_login(request.get_full_path())
            renewed_at = request.session.get(RENEWED_AT)
            if renewed_at is None or now - dt.datetime.fromisoformat(renewed_at) >= dt.timedelta(
                seconds=settings.SESSION_RENEW_SECONDS
            ):
                # A changed session is saved at the end of the request, with a new expiry.
                request.session[RENEWED_AT] = now.isoformat()
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class SecondFactorMiddleware:
    """Where the deployment requires it (``OTP_REQUIRED``), a session is good for nothing but the
    second-factor page until its user has confirmed a TOTP code (django-otp) or logged in through
    a provider that confirmed two factors: every other page, the admin included, sends them there
    (ASVS 5.0, V6.3.3). Log-out, the language switch, the OpenID Connect log-in, health probes and
    static files stay open; the API has its own check (a token is issued only with a code).
    Placed after django-otp's middleware, which tells whether the session has confirmed a code."""

    OPEN_PREFIXES = ("/static/", "/health/", "/i18n/", "/oidc/", "/api/", "/favicon.ico")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and request.session.get(SECOND_FACTOR_BY_PROVIDER):
            user.is_verified = lambda: True  # type: ignore[attr-defined]
        if (
            user.is_authenticated
            and second_factor_missing(user)
            and not self._is_open(request.path)
        ):
            query = QueryDict(mutable=True)
            query["next"] = request.get_full_path()
            target = f"{reverse('web:second-factor')}?{query.urlencode(safe='/')}"
            if request.headers.get("HX-Request"):
                # htmx would swap the page into a fragment; it follows HX-Redirect instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        return path.startswith(self.OPEN_PREFIXES) or path in (
            reverse("web:second-factor"),
            reverse("web:logout"),
            reverse("web:login"),
        )
