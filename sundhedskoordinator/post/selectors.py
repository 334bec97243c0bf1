"""Reading deliveries: a case's letters for those who work it, a citizen's own letters, the
caseworker's failed ones, and the municipality's paper waiting for print. Reading a letter is
logged, and only the citizen herself or the caseworker on her case may."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from sundhedskoordinator.access.models import AccessAction
from sundhedskoordinator.access.policy import handler_role, handles_case, registering_municipalities
from sundhedskoordinator.access.services import log_access
from sundhedskoordinator.core.errors import NotFoundError

from .choices import Channel, DeliveryState
from .models import Delivery

if TYPE_CHECKING:
    from sundhedskoordinator.organisations.models import User


def worked_by(user: User) -> Q:
    """The letters a caseworker works with: those of the cases she is responsible for, and the
    guidance letters (no case) she issued. Her queue, her print batch and "Send igen" use it."""
    return Q(
        municipality_id__in=registering_municipalities(user),
    ) & (Q(case__responsible=user) | Q(case__isnull=True, created_by=user))


def of_case(case_id: int) -> QuerySet[Delivery]:
    """The case's letters and how each went out (the case page decides who sees the case)."""
    return Delivery.objects.filter(case_id=case_id).order_by("-created_at", "-id")


def of_citizen_user(user: User) -> QuerySet[Delivery]:
    """Every letter the system sent the citizen (every municipality's record of her), once: the
    in-app copy where there is one, else the Digital Post or paper delivery (a letter sent
    before she first logged in has only that)."""
    copy_in_app = Delivery.objects.filter(
        citizen=OuterRef("citizen"),
        document_sha256=OuterRef("document_sha256"),
        created_at=OuterRef("created_at"),
        channel=Channel.INBOX,
    )
    return (
        Delivery.objects.filter(citizen__user=user)
        .exclude(~Q(channel=Channel.INBOX) & Exists(copy_in_app))
        .select_related("municipality")
        .order_by("-created_at", "-id")
    )


def of_citizen(citizen_id: int) -> QuerySet[Delivery]:
    """The letters sent to the citizen outside any case (the guidance), for her caseworkers."""
    return Delivery.objects.filter(citizen_id=citizen_id, case__isnull=True).order_by(
        "-created_at", "-id"
    )


def failed_for(user: User) -> QuerySet[Delivery]:
    """Letters that did not reach the citizen, for the caseworker who sent them or works the
    case."""
    return (
        Delivery.objects.filter(worked_by(user), state=DeliveryState.FAILED, replaced_by=None)
        .select_related("case", "citizen")
        .order_by("-failed_at", "-id")
    )


def awaiting_print(user: User) -> QuerySet[Delivery]:
    """The user's paper letters (``worked_by``) that wait for the print service."""
    return Delivery.objects.filter(
        worked_by(user), channel=Channel.PAPER, state=DeliveryState.QUEUED
    )


def printed_batches(user: User) -> QuerySet[Any]:
    """The user's latest print batches (their number, when, how many letters), to print again."""
    return (
        Delivery.objects.filter(
            worked_by(user), channel=Channel.PAPER, receipt__startswith="print:"
        )
        .values("receipt")
        .annotate(n=Count("id"), at=Max("sent_at"))
        .order_by("-at")[:5]
    )


def awaiting_print_by_place(user: User) -> QuerySet[Any]:
    """How many paper letters wait for print in each of the user's municipalities."""
    return awaiting_print(user).values("municipality_id").annotate(n=Count("id")).order_by()


def _may_read(user: User, delivery: Delivery) -> bool:
    if delivery.citizen.user_id == user.pk:
        return True
    if delivery.case is not None:
        return handles_case(user, delivery.case)
    # The guidance letter belongs to no case; it carries no health data.
    return handler_role(user, delivery.municipality_id) is not None


def read_letter(*, user: User, delivery_id: int) -> Delivery:
    """The letter for download, if the user is its citizen or works its case; logged either
    way."""
    delivery = (
        Delivery.objects.select_related("citizen", "case", "municipality")
        .filter(pk=delivery_id)
        .first()
    )
    allowed = delivery is not None and _may_read(user, delivery)
    log_access(
        user=user,
        action=AccessAction.DOWNLOAD if allowed else AccessAction.DENIED,
        object_type="letter",
        object_id=delivery_id,
        case=delivery.case if delivery is not None else None,
        citizen=delivery.citizen if delivery is not None else None,
    )
    if not allowed or delivery is None:
        raise NotFoundError("not_found", _("Brevet findes ikke, eller du har ikke adgang."))
    return delivery
