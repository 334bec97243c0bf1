"""Reads of agreements, meetings and agendas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.access.policy import team_scope
from sundhedskoordinator.access.services import log_denied
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.organisations.models import Municipality, Region, RehabTeam, User

from .models import SEED_VALID_FROM, CollaborationAgreement, Meeting


def agreement_on(region_id: int, day: dt.date) -> CollaborationAgreement:
    """The version of the region's agreement in force on ``day`` (the newest valid from that day
    or before); where there is none, an unsaved one with the seed procedure's numbers."""
    found = (
        CollaborationAgreement.objects.filter(region_id=region_id, valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )
    return found or CollaborationAgreement(region_id=region_id)


def agreement_for(region: Region, day: dt.date | None = None) -> CollaborationAgreement:
    """The version in force on ``day`` (today by default), saved: a region without one gets the
    seed procedure's version (to change it, e.g. in the admin or a test)."""
    found = agreement_on(region.pk, day or clock.today())
    if found.pk is None:
        found, _created = CollaborationAgreement.objects.get_or_create(
            region=region, valid_from=SEED_VALID_FROM
        )
    return found


def agreement_of_municipality(
    municipality_id: int | None, day: dt.date | None = None
) -> CollaborationAgreement:
    """The version that governs the municipality's cases on ``day`` (today by default), read
    only: where the region has none (or there is no municipality), the seed procedure's."""
    region_id = (
        Municipality.objects.filter(pk=municipality_id).values_list("region_id", flat=True).first()
        if municipality_id is not None
        else None
    )
    if region_id is None:
        return CollaborationAgreement()
    return agreement_on(region_id, day or clock.today())


def agreements_by_region(day: dt.date | None = None) -> dict[int, CollaborationAgreement]:
    """Every region's version in force on ``day`` (today by default), by region id, in two
    queries; a region without one gets an unsaved one with the seed procedure's numbers."""
    return agreements_of(Region.objects.all(), day)


def agreements_of(
    regions: Iterable[Region], day: dt.date | None = None
) -> dict[int, CollaborationAgreement]:
    """As ``agreements_by_region``, for ``regions`` the caller has read (the regions of a
    user's roles): one query."""
    regions_by_id = {region.pk: region for region in regions}
    versions = CollaborationAgreement.objects.filter(
        region_id__in=regions_by_id, valid_from__lte=day or clock.today()
    ).order_by("valid_from")
    in_force = {version.region_id: version for version in versions}  # the newest wins
    return {
        pk: in_force.get(pk) or CollaborationAgreement(region=region)
        for pk, region in regions_by_id.items()
    }


def agreement_of_meeting(meeting: Meeting) -> CollaborationAgreement:
    """The version of the meeting's region in force on the meeting's date."""
    return agreement_on(meeting.municipality.region_id, meeting.date)


def agreement_versions(region_id: int) -> QuerySet[CollaborationAgreement]:
    """Every version of the region's agreement, oldest first."""
    return CollaborationAgreement.objects.filter(region_id=region_id).order_by("valid_from")


def seed_agreement() -> CollaborationAgreement:
    """The seed procedure's numbers, for a region that has no agreement of its own."""
    return CollaborationAgreement()


def scope_teams(user: User) -> QuerySet[RehabTeam]:
    """The rehab teams whose meetings the user sees; any other team answers as if there were
    none, so that its existence is not given away."""
    return RehabTeam.objects.filter(team_scope(user))


def scope_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings of the teams of the user's municipalities, and for regional staff those of the
    municipalities in their region."""
    return Meeting.objects.filter(team_scope(user)).select_related("team", "municipality")


TEAM_NOT_FOUND = _("Teamet findes ikke.")


def team_in_scope(user: User, team_id: int) -> RehabTeam:
    """The rehab team if the user sees its meetings; otherwise NotFoundError, logged."""
    team = scope_teams(user).filter(pk=team_id).select_related("municipality__region").first()
    if team is None:
        log_denied(user=user, object_type="team", object_id=team_id)
        raise NotFoundError("not_found", TEAM_NOT_FOUND)
    return team


def municipality_in_scope(user: User, municipality_id: int) -> Municipality:
    """A municipality whose meetings the user sees; otherwise NotFoundError, logged."""
    visible = scope_teams(user).values("municipality_id")
    found = Municipality.objects.filter(pk=municipality_id, pk__in=visible).first()
    if found is None:
        log_denied(user=user, object_type="municipality", object_id=municipality_id)
        raise NotFoundError("not_found", _("Kommunen findes ikke."))
    return found


MEETING_NOT_FOUND = _("Mødet findes ikke, eller du har ikke adgang.")


def meeting_in_scope(user: User, meeting_id: int) -> Meeting:
    """The meeting if the user may see it; otherwise NotFoundError, and the refusal is logged
    with the kind of object (whether it exists elsewhere is never answered)."""
    # The team's municipality and region come in the same query: the agenda page needs the
    # region's coordinators.
    meeting = (
        scope_meetings(user)
        .select_related("team", "municipality__region")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        log_denied(user=user, object_type="meeting", object_id=meeting_id)
        raise NotFoundError("not_found", MEETING_NOT_FOUND)
    return meeting


def upcoming_meetings_for(*, municipality_id: int, today: dt.date) -> QuerySet[Meeting]:
    """Meetings of the municipality's teams from today on, not cancelled: where a case can be
    scheduled."""
    return (
        Meeting.objects.filter(
            municipality_id=municipality_id, date__gte=today, cancelled_at__isnull=True
        )
        # A stand-alone conversation's meeting is named by its municipality (``host_name``).
        .select_related("team", "municipality")
        .order_by("starts_at")
    )
