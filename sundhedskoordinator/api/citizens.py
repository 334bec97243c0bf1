"""``/api/v1/citizens``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from sundhedskoordinator.access.policy import citizen_municipalities
from sundhedskoordinator.citizens import services
from sundhedskoordinator.citizens.selectors import (
    citizen_in_scope,
    citizens_without_guidance,
    scope_citizens,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.organisations.models import Municipality, User

from . import serialize
from .cases import ERRORS
from .pagination import PageParams, page_body, paginate
from .schemas import CitizenCreate, CitizenOut, CitizenPage, GuidanceIn, GuidanceOut

router = Router(tags=["citizens"])


class CitizenFilters(PageParams):
    without_guidance: bool = False


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _citizen(user: User, citizen_id: int) -> Any:
    return citizen_in_scope(user, citizen_id)


@router.get("", response={200: CitizenPage, **ERRORS})
def list_citizens(request: HttpRequest, filters: Query[CitizenFilters]) -> dict[str, Any]:
    user = _user(request)
    queryset = (
        citizens_without_guidance(user, today=clock.today())
        if filters.without_guidance
        else scope_citizens(user)
    )
    count, citizens = paginate(queryset.order_by("name", "id"), filters)
    return page_body(count, [serialize.citizen(c) for c in citizens])


@router.post("", response={201: CitizenOut, **ERRORS})
def create_citizen(request: HttpRequest, payload: CitizenCreate) -> Status[dict[str, Any]]:
    user = _user(request)
    own = sorted(citizen_municipalities(user))
    municipality_id = payload.municipality or (own[0] if len(own) == 1 else None)
    municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    )
    if municipality is None:
        raise DomainError(
            "invalid_input",
            "Angiv borgerens kommune.",
            fields={"municipality": "Angiv borgerens kommune."},
        )
    citizen = services.create_citizen(
        actor=user,
        cpr=payload.cpr,
        name=payload.name,
        municipality=municipality,
        email=payload.email,
        course_start=payload.resource_course_start,
        course_end=payload.resource_course_end,
        digital_post_exempt=payload.digital_post_exempt,
    )
    return Status(201, serialize.citizen(_citizen(user, citizen.pk)))


@router.get("/{citizen_id}", response={200: CitizenOut, **ERRORS})
def get_citizen(request: HttpRequest, citizen_id: int) -> dict[str, Any]:
    return serialize.citizen(_citizen(_user(request), citizen_id))


@router.post("/{citizen_id}/guidance", response={201: GuidanceOut, **ERRORS})
def record_guidance(
    request: HttpRequest, citizen_id: int, payload: GuidanceIn
) -> Status[dict[str, Any]]:
    user = _user(request)
    guidance = services.record_guidance(
        actor=user,
        citizen=_citizen(user, citizen_id),
        given_on=payload.given_on,
        channel=payload.channel,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": guidance.pk,
            "given_on": guidance.given_on,
            "channel": guidance.channel,
            "written": guidance.is_written,
            "given_by": str(user),
            "note": guidance.note,
        },
    )
