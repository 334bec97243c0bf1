"""Writing the access log."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.contrib.sessions.models import Session
from django.db import transaction
from django_otp import devices_for_user

from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, OutOfScopeError
from sundhedskoordinator.organisations.models import RoleMembership, User

from .models import AccessAction, AccessLog, ApiToken, LoginSession
from .policy import Grant, grants_for


def log_access(
    *,
    user: User,
    action: AccessAction,
    object_type: str,
    object_id: Any,
    case: Any = None,
    citizen: Any = None,
    role: str = "",
    purpose: str = "",
    grants: list[Grant] | None = None,
) -> AccessLog:
    """Append one entry: when, who, in which role and organisation, what object, which action,
    and the purpose the user gave. Never the content."""
    grants = grants_for(user) if grants is None else grants
    grant = next((g for g in grants if g.role == role), grants[0] if grants else None)
    return AccessLog.objects.create(
        at=clock.now(),
        user=user if user.pk else None,
        user_name=user.get_full_name() or user.get_username(),
        role=role or (grant.role if grant else ""),
        organisation=grant.organisation if grant else "",
        case=case,
        citizen=citizen,
        object_type=object_type,
        object_id=str(object_id)[:40],
        action=action,
        purpose=purpose[:300],
    )


def log_denied(
    *,
    user: User,
    object_type: str,
    object_id: Any,
    case: Any = None,
    citizen: Any = None,
    grants: list[Grant] | None = None,
) -> AccessLog:
    """Record a refused attempt (a 403, or a 404 of an object outside the user's scope) with the
    kind of object, linked to the case or citizen when it exists, so the citizen sees it too."""
    return log_access(
        user=user,
        action=AccessAction.DENIED,
        object_type=object_type,
        object_id=object_id,
        case=case,
        citizen=citizen,
        grants=grants,
    )


P = ParamSpec("P")
R = TypeVar("R")


def logs_refusals(
    object_type: str, key: str, *, case_of: Callable[[Any], Any] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service so that its refusal of who may act (403, or 404 for an object out of
    the user's scope: ``OutOfScopeError``) is written to the access log
    with the kind of object and the object's id (the ``key`` argument, an id or a model
    instance), once the service's own transaction has been rolled back, so that the entry is
    kept (DESIGN section 2: every refused attempt is logged; a case's or a citizen's refusals
    show in the citizen's "Min log"). ``case_of`` finds the case a refusal is about (the cases
    app passes it: access does not import the apps above it)."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def logged(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return service(*args, **kwargs)
            except DomainError as error:
                if error.status == 403 or isinstance(error, OutOfScopeError):
                    subject = kwargs[key]
                    object_id = getattr(subject, "pk", subject)
                    case = case_of(object_id) if case_of is not None else None
                    log_denied(
                        user=kwargs["actor"],  # type: ignore[arg-type]
                        object_type=object_type,
                        object_id=object_id,
                        case=case,
                        citizen=subject if object_type == "citizen" else None,
                    )
                raise

        return logged

    return decorate


#: The session key under which the moment of log-in is kept (for the 12-hour limit).
LOGGED_IN_AT = "logged_in_at"
#: The session key of the moment the session was last renewed: saved with its expiry moved
#: ahead (``web.middleware.SessionLifetimeMiddleware``); a log-in is such a moment.
RENEWED_AT = "renewed_at"


def record_login(*, user: User, session: Any) -> None:
    """Remember the session a log-in opened and when (called when a user logs in); a new log-in
    starts the 12-hour limit again."""
    if session is None:
        return
    session[LOGGED_IN_AT] = session[RENEWED_AT] = clock.now().isoformat()
    session.save()
    session_key = session.session_key
    if session_key:
        LoginSession.objects.get_or_create(
            session_key=session_key, defaults={"user": user, "created_at": clock.now()}
        )


def end_sessions(*, user: User) -> int:
    """End every session and API token of ``user``: their permissions changed, so they must log
    in again and get the new ones. Returns how many sessions were ended."""

    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
    return len(keys)


def revoke_role(*, membership: RoleMembership) -> None:
    """Take a role away; the user's sessions end, so the change counts from the next request."""
    user = membership.user
    with transaction.atomic():
        membership.delete()
        end_sessions(user=user)


def deactivate_user(*, user: User) -> None:
    """Close the account: no log-in, and every open session and token ends."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        end_sessions(user=user)


def confirm_second_factor(*, user: User, code: str) -> Any:
    """The user's confirmed TOTP device that accepts ``code`` (each code works once; django-otp
    throttles repeated failures), or None."""

    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    return None
