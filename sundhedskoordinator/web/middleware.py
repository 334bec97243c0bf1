"""Request-wide policies: Danish first, and the session's lifetime."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from sundhedskoordinator.access.services import LOGGED_IN_AT
from sundhedskoordinator.core import clock


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
    """Ends a session 12 hours after log-in however active it is (ASVS 5.0, V7.3), and marks every
    answer to a logged-in user or to the API ``Cache-Control: no-store``: such pages and answers
    may carry health data, which no browser or proxy cache should keep."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            logged_in_at = request.session.get(LOGGED_IN_AT)
            now = clock.now()
            if logged_in_at is None:
                request.session[LOGGED_IN_AT] = now.isoformat()
            elif now - dt.datetime.fromisoformat(logged_in_at) > dt.timedelta(
                seconds=settings.SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response
