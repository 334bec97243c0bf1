"""OpenID Connect log-in through mozilla-django-oidc: whom a provider's claims log in as.

Every log-in uses PKCE (``OIDC_USE_PKCE``) and accepts only an ID token issued by the configured
provider (``OIDC_OP_ISSUER``) for this client. Whatever the reason a log-in is refused, the
answer is the same redirect, so it never tells whether an account exists."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from sundhedskoordinator.access.login import SECOND_FACTOR_BY_PROVIDER
from sundhedskoordinator.access.models import OIDCIdentity
from sundhedskoordinator.citizens.cpr import lookup_hash
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.citizens.services import citizen_account
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.web.auth import session_user

logger = logging.getLogger(__name__)

#: ``amr`` values (RFC 8176) by the kind of factor they prove.
_KNOWLEDGE = frozenset({"pwd", "pin", "kba"})
_POSSESSION = frozenset({"otp", "hwk", "swk", "sms", "tel", "sc"})
_INHERENCE = frozenset({"face", "fpt", "iris", "retina", "vbm"})


def two_factors(id_claims: dict[str, Any]) -> bool:
    """Whether the provider says this log-in used two factors: an ``acr`` listed in
    OIDC_TWO_FACTOR_ACR (MitID at NSIS substantial or high), or ``amr`` with ``mfa`` or methods of
    two different kinds (RFC 8176). Only the signed ID token is asked, never userinfo."""
    if id_claims.get("acr") in settings.OIDC_TWO_FACTOR_ACR:
        return True
    amr = id_claims.get("amr")
    methods = {str(m) for m in amr} if isinstance(amr, list) else set()
    kinds = sum(bool(methods & kind) for kind in (_KNOWLEDGE, _POSSESSION, _INHERENCE))
    return "mfa" in methods or kinds >= 2


def _verified_email(claims: dict[str, Any]) -> str:
    """The e-mail address, only when the provider says it verified it."""
    verified = claims.get("email_verified")
    if verified is True or (isinstance(verified, str) and verified.lower() == "true"):
        return str(claims.get("email") or "")
    return ""


def _linkable_staff() -> Any:
    """Who may be linked to a provider identity at a first log-in: active users who are not
    administrators (neither Django's staff or superusers nor holders of the admin role), whose
    username and e-mail, if an administrator set them, another administrator has confirmed. An
    administrator is never found by a name or address someone else's provider vouches for, and
    no single administrator can bind his own provider identity to a colleague's account."""
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(memberships__role=Role.ADMIN)
        .exclude(memberships__role=Role.CITIZEN)
        # A username or address an administrator set waits for a second administrator.
        .exclude(identity_set_by__isnull=False, identity_approved_by__isnull=True)
    )


class OIDCBackend(OIDCAuthenticationBackend):
    """A citizen (MitID through NemLog-in) is found by the CPR claim among the citizens the
    municipality has registered. A staff member is found by the provider's issuer and subject
    (``iss``, ``sub``) bound at their first log-in; that first time by ``preferred_username``, or
    by an e-mail address the provider verified, among active non-administrators not yet bound to
    another subject at this provider. Anyone else is refused: roles are never created by logging
    in."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # A token that fails verification, or a provider that refuses the code, ends in the same
        # refusal as an unknown person (not an error page that tells them apart).
        try:
            user: User | None = super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as refused:
            logger.warning("OpenID Connect log-in refused: %s", type(refused).__name__)
            return None
        return user

    def get_user(self, user_id: Any) -> User | None:
        return session_user(user_id)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if not payload.get("sub") or (
            settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER
        ):
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 1.0, 5.3.2: userinfo must be about the ID token's subject.
        if not self.verify_claims(claims) or str(claims["sub"]) != str(payload["sub"]):
            return None
        cpr = claims.get(settings.OIDC_CPR_CLAIM)
        if cpr:
            citizen = Citizen.objects.filter(cpr_hash=lookup_hash(str(cpr))).first()
            user = citizen_account(citizen=citizen) if citizen else None
        else:
            user = self._staff(str(payload["iss"]), str(payload["sub"]), claims)
        if user is not None:
            user.second_factor_by_provider = two_factors(payload)  # type: ignore[attr-defined]
        return user

    def _staff(self, issuer: str, subject: str, claims: dict[str, Any]) -> User | None:
        bound = (
            OIDCIdentity.objects.select_related("user")
            .filter(issuer=issuer, subject=subject, user__is_active=True)
            .first()
        )
        if bound is not None:
            return bound.user
        unbound = _linkable_staff().exclude(oidc_identities__issuer=issuer)
        username = claims.get("preferred_username")
        email = _verified_email(claims)
        if username:
            matches = list(unbound.filter(username=str(username))[:2])
        elif email:
            matches = list(unbound.filter(email__iexact=email)[:2])
        else:
            return None
        if len(matches) != 1:
            return None
        try:
            with transaction.atomic():
                OIDCIdentity.objects.create(
                    user=matches[0], issuer=issuer, subject=subject, created_at=clock.now()
                )
        except IntegrityError:  # a parallel first log-in bound it a moment ago
            return None
        return matches[0]


class CallbackView(OIDCAuthenticationCallbackView):
    """mozilla-django-oidc's callback, which also remembers in the session whether the provider
    confirmed two factors: such a log-in needs no TOTP code."""

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        by_provider = bool(getattr(self.user, "second_factor_by_provider", False))
        self.request.session[SECOND_FACTOR_BY_PROVIDER] = by_provider
        return response


def authenticate(request: HttpRequest) -> HttpResponse:
    """Start an OIDC log-in; the route exists only when the deployment configures OIDC."""
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    return CallbackView.as_view()(request)
