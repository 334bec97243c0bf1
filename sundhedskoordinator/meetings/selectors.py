"""Reads of agreements, meetings and agendas."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.access.policy import team_scope
from sundhedskoordinator.access.services import log_denied
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.organisations.models import Region, RehabTeam, User

from .models import CollaborationAgreement, Meeting


def agreement_for(region: Region) -> CollaborationAgreement:
    """The region's agreement; a region without one works by the seed procedure's defaults."""
    agreement, _created = CollaborationAgreement.objects.get_or_create(region=region)
    return agreement


def agreement_of_municipality(municipality_id: int | None) -> CollaborationAgreement:
    """The agreement that governs the municipality's cases, read only: where the region has none
    (or there is no municipality), an unsaved agreement with the seed procedure's numbers."""
    found = CollaborationAgreement.objects.filter(region__municipalities=municipality_id).first()
    return found or CollaborationAgreement()


def agreements_by_region() -> dict[int, CollaborationAgreement]:
    """Every region's agreement by region id, in one query (five regions); a region without an
    agreement of its own gets an unsaved one with the seed procedure's numbers."""
    return {
        region.pk: getattr(region, "agreement", None) or CollaborationAgreement(region=region)
        for region in Region.objects.select_related("agreement")
    }


def agreement_of_meeting(meeting: Meeting) -> CollaborationAgreement:
    """The agreement of the meeting's region (no query when ``meeting_in_scope`` loaded it)."""
    region = meeting.team.municipality.region
    return getattr(region, "agreement", None) or CollaborationAgreement(region=region)


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
    return Meeting.objects.filter(team_scope(user, via="team")).select_related("team")


TEAM_NOT_FOUND = _("Teamet findes ikke.")


def team_in_scope(user: User, team_id: int) -> RehabTeam:
    """The rehab team if the user sees its meetings; otherwise NotFoundError, logged."""
    team = scope_teams(user).filter(pk=team_id).select_related("municipality__region").first()
    if team is None:
        log_denied(user=user, object_type="team", object_id=team_id)
        raise NotFoundError("not_found", TEAM_NOT_FOUND)
    return team


MEETING_NOT_FOUND = _("Mødet findes ikke, eller du har ikke adgang.")


def meeting_in_scope(user: User, meeting_id: int) -> Meeting:
    """The meeting if the user may see it; otherwise NotFoundError, and the refusal is logged
    with the kind of object (whether it exists elsewhere is never answered)."""
    # The team's municipality, region and agreement come in the same query: the agenda page
    # needs the region's coordinators and warning days.
    meeting = (
        scope_meetings(user)
        .select_related("team__municipality__region__agreement")
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
            team__municipality_id=municipality_id, date__gte=today, cancelled_at__isnull=True
        )
        .select_related("team")
        .order_by("starts_at")
    )
