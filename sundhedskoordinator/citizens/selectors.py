"""Reads of citizens, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import DateField, Exists, F, Max, OuterRef, Prefetch, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.access.policy import citizen_municipalities
from sundhedskoordinator.access.services import log_denied
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.post.services import Recipient

from .choices import WRITTEN_GUIDANCE_CHANNELS
from .cpr import reveal_cpr
from .models import Citizen, Guidance, ResourceCourse
from .search import Search


def scope_citizens(user: User, *, history: bool = True) -> QuerySet[Citizen]:
    """Citizens of the municipalities where the user holds a municipal role; with ``history``,
    each with their ressourceforløb and the guidance they were given, newest first."""
    citizens = Citizen.objects.filter(
        municipality_id__in=citizen_municipalities(user)
    ).select_related("municipality")
    if not history:
        return citizens
    return citizens.prefetch_related(
        Prefetch("resource_courses", queryset=ResourceCourse.objects.order_by("-start_date")),
        Prefetch(
            "guidance",
            queryset=Guidance.objects.select_related("given_by", "letter").order_by(
                "-given_on", "-id"
            ),
        ),
    )


CITIZEN_NOT_FOUND = _("Borgeren findes ikke, eller du har ikke adgang.")


def citizen_in_scope(user: User, citizen_id: int, *, history: bool = True) -> Citizen:
    """The citizen if the user may see them (``history``: as ``scope_citizens``); otherwise
    NotFoundError, and the refusal is logged (linked to the record when it exists, so the citizen
    sees the attempt in "Min log")."""
    citizen = (
        scope_citizens(user, history=history)
        .annotate(**citizen_facts(clock.today()))
        .filter(pk=citizen_id)
        .first()
    )
    if citizen is None:
        known = Citizen.objects.filter(pk=citizen_id).first() if 0 < citizen_id < 2**63 else None
        log_denied(user=user, object_type="citizen", object_id=citizen_id, citizen=known)
        raise NotFoundError("not_found", CITIZEN_NOT_FOUND)
    return citizen


def written_guidance(on: dt.date, citizen: str = "pk") -> Exists:
    """Whether the citizen of the row (its column ``citizen``) was told in writing about the right
    no later than ``on`` (BEK 2409/2021 § 2), as a column or filter of the query."""
    return Exists(
        Guidance.objects.filter(
            citizen=OuterRef(citizen), channel__in=WRITTEN_GUIDANCE_CHANNELS, given_on__lte=on
        )
    )


def citizen_facts(on: dt.date, citizen: str = "pk") -> dict[str, Any]:
    """What the rules ask of the citizen of the row on the day ``on``, read with the row as
    annotations: whether they had written guidance by then (``has_written_guidance``) and whether
    they are in a ressourceforløb (``cases.workflow.in_resource_course``), with the day they
    hold for (``checked_on``): a later day reads them again."""
    return {
        "checked_on": Value(on, output_field=DateField()),
        "has_written_guidance": written_guidance(on, citizen),
        "in_course": _active_course(on, citizen),
    }


def has_written_guidance(citizen: Citizen, *, on_or_before: dt.date) -> bool:
    """Whether written guidance about the right was given no later than ``on_or_before`` (as
    ``citizen_facts`` read it with the citizen for that day, else read now)."""
    if getattr(citizen, "checked_on", None) == on_or_before:
        return bool(citizen.has_written_guidance)  # type: ignore[attr-defined]
    return citizen.guidance.filter(
        channel__in=WRITTEN_GUIDANCE_CHANNELS, given_on__lte=on_or_before
    ).exists()


def not_informed(citizens: QuerySet[Citizen], *, on: dt.date) -> QuerySet[Citizen]:
    """Of ``citizens``, those in a ressourceforløb on ``on`` who had not been told in writing
    about the right by then (BEK 2409/2021 § 2)."""
    return citizens.filter(_active_course(on)).exclude(written_guidance(on))


def citizens_without_guidance(user: User, *, today: dt.date) -> QuerySet[Citizen]:
    """Citizens in an active ressourceforløb not yet told in writing about the right."""
    return not_informed(scope_citizens(user), on=today)


def _active_course(on: dt.date, citizen: str = "pk") -> Exists:
    return Exists(
        ResourceCourse.objects.filter(ResourceCourse.active_on(on), citizen=OuterRef(citizen))
    )


#: How the register can be ordered; each ends on the id, so paging is stable.
CITIZEN_ORDERS: dict[str, tuple[Any, ...]] = {
    "name": ("name", "pk"),
    "course": (F("latest_course").desc(nulls_last=True), "name", "pk"),
}


def list_citizens(
    user: User,
    *,
    today: dt.date,
    without_guidance: bool = False,
    course: str = "",
    search: Search | None = None,
    order: str = "name",
) -> QuerySet[Citizen]:
    """The register as the user sees it, filtered, searched and ordered in the database:
    ``without_guidance`` (in a ressourceforløb without written guidance), ``course`` "active"
    or "none" (in a ressourceforløb today, or not), a name or a whole CPR number."""
    citizens = scope_citizens(user)
    if without_guidance:
        citizens = not_informed(citizens, on=today)
    if course == "active":
        citizens = citizens.filter(_active_course(today))
    elif course == "none":
        citizens = citizens.exclude(_active_course(today))
    if search:
        citizens = search.citizens(citizens)
    order = order if order in CITIZEN_ORDERS else "name"
    if order == "course":
        # Only this order reads the courses: grouped with them, every citizen of the scope is
        # read before the page is taken.
        citizens = citizens.annotate(latest_course=Max("resource_courses__start_date"))
    return citizens.order_by(*CITIZEN_ORDERS[order])


def post_recipient(citizen: Citizen) -> Recipient:
    """The citizen as a letter's recipient: by CPR number (inside the message only), with the
    channels her record gives (exempt from Digital Post, or a log-in of her own)."""
    return Recipient(
        citizen_id=citizen.pk,
        cpr=reveal_cpr(citizen.cpr_encrypted),
        name=citizen.name,
        has_login=citizen.user_id is not None,
        exempt=citizen.digital_post_exempt,
    )
