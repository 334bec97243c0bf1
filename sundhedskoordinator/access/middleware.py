"""The permission policy's per-request memory: a user's grants are read once per request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .policy import grants_cached


class GrantsPerRequestMiddleware:
    """Every policy question asked while answering one request shares one read of each user's
    role memberships (``policy.grants_cached``); the next request reads them again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with grants_cached():
            return self.get_response(request)
