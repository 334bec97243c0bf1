"""Idempotency-Key on POST actions: a repeated key returns the first answer and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sundhedskoordinator.cases.services import together
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
#: The longest key kept (``IdempotencyRecord.key``).
MAX_KEY_LENGTH = 200
#: The longest request path a record keeps (its column's length).
PATH_LENGTH = 300


def _key(request: HttpRequest) -> str:
    key = request.headers.get(HEADER, "").strip()
    if len(key) > MAX_KEY_LENGTH:
        # Refused rather than cut: a cut key would never be found again, and the action would
        # run twice.
        raise DomainError(
            "idempotency_key_invalid",
            _("Idempotency-Key må højst være %(n)d tegn.") % {"n": MAX_KEY_LENGTH},
            fields={HEADER: _("Højst %(n)d tegn.") % {"n": MAX_KEY_LENGTH}},
            status=400,
        )
    return key


def _previous(request: HttpRequest, key: str) -> IdempotencyRecord | None:
    """The record of this user's key, if the key was used; refused if for another request."""
    user = request.auth  # type: ignore[attr-defined]
    previous = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if previous is not None and (previous.method, previous.path) != (
        request.method,
        request.path[:PATH_LENGTH],
    ):
        raise DomainError(
            "idempotency_key_reused",
            _("Idempotency-Key er allerede brugt til en anden forespørgsel."),
        )
    return previous


def run_once(
    request: HttpRequest,
    compute: Callable[[], tuple[int, dict[str, Any]]],
    replay: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Run ``compute`` unless this user already sent this key; then change nothing and answer
    with the first answer's status. With ``replay``, only the answer's ``id`` and ``version`` are
    kept, and a repeat answers ``replay(kept)``: the resource as this user may read it *now*, so
    that no health data is kept with the key or given back after the user lost access to it.
    Refusals are not remembered, so a client may fix its input and retry with the same key."""
    key = _key(request)
    if not key:
        return compute()
    previous = _previous(request, key)
    if previous is not None:
        return _again(previous, replay)
    status, body = compute()
    # Stored and answered in the same JSON form, so the first answer and a repeat are identical.
    body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    kept = {k: body[k] for k in ("id", "version") if k in body} if replay else body
    try:
        with transaction.atomic():
            _remember(request, key, status, kept)
    except IntegrityError:
        # Two requests with the same key raced; the first one's answer stands.
        return _again(_previous(request, key), replay)
    return status, body


def act_once(
    request: HttpRequest,
    compute: Callable[[], tuple[int, dict[str, Any]]],
    replay: Callable[[dict[str, Any]], dict[str, Any]],
    status: int,
) -> tuple[int, dict[str, Any]]:
    """``run_once`` for an action on a case or its creation (answering ``status`` and the case):
    the record of the key is written inside the action's own transaction
    (``cases.services.together``). Two requests with one key at the same moment, or a retry
    after the server died between the commit and the answer, then run the action once: the
    second one's record collides with the first's, its work rolls back, and it answers as the
    first did."""
    key = _key(request)
    if not key:
        return compute()
    previous = _previous(request, key)
    if previous is not None:
        return _again(previous, replay)
    try:
        with together(
            lambda case: _remember(request, key, status, {"id": case.pk, "version": case.version})
        ):
            return compute()
    except IntegrityError:
        previous = _previous(request, key)
        if previous is None:
            raise
        return _again(previous, replay)


def _remember(request: HttpRequest, key: str, status: int, kept: dict[str, Any]) -> None:
    """Keep this user's key with the answer to give a repeat (as much of the path as its column
    holds, compared as it is kept)."""
    IdempotencyRecord.objects.create(
        user=request.auth,  # type: ignore[attr-defined]
        key=key,
        method=request.method or "",
        path=request.path[:PATH_LENGTH],
        status_code=status,
        body=kept,
        created_at=clock.now(),
    )


def _again(
    previous: IdempotencyRecord | None,
    replay: Callable[[dict[str, Any]], dict[str, Any]] | None,
) -> tuple[int, dict[str, Any]]:
    """The first answer to a key again: ``replay`` of what was kept, or the kept answer."""
    assert previous is not None  # noqa: S101 - called once the key's record is known to exist
    if replay is not None:
        return previous.status_code, replay(previous.body)
    return previous.status_code, previous.body
