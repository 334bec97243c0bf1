"""OpenID Connect log-in through mozilla-django-oidc: whom a provider's claims log in as."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from sundhedskoordinator.citizens.cpr import lookup_hash
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.organisations.models import User

from .services import citizen_account


class OIDCBackend(OIDCAuthenticationBackend):
    """A citizen (MitID through NemLog-in) is found by the CPR claim among the citizens the
    municipality has registered; staff are found by ``preferred_username``, then e-mail, among
    active users. Anyone else is refused: roles are never created by logging in."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(
            claims.get(settings.OIDC_CPR_CLAIM)
            or claims.get("preferred_username")
            or claims.get("email")
        )

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            return None
        cpr = claims.get(settings.OIDC_CPR_CLAIM)
        if cpr:
            citizen = Citizen.objects.filter(cpr_hash=lookup_hash(str(cpr))).first()
            return citizen_account(citizen=citizen) if citizen else None
        active = User.objects.filter(is_active=True)
        if claims.get("preferred_username"):
            return active.filter(username=claims["preferred_username"]).first()
        matches = list(active.filter(email__iexact=claims["email"])[:2])
        return matches[0] if len(matches) == 1 else None


def authenticate(request: HttpRequest) -> HttpResponse:
    """Start an OIDC log-in; the route exists only when the deployment configures OIDC."""
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)
