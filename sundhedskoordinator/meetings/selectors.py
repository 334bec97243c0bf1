"""Reads of agreements, meetings and agendas."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.access.policy import team_scope
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.organisations.models import Region, RehabTeam, User

from .models import AgendaItem, CollaborationAgreement, Meeting


def agreement_for(region: Region) -> CollaborationAgreement:
    """The region's agreement; a region without one works by the seed procedure's defaults."""
    agreement, _created = CollaborationAgreement.objects.get_or_create(region=region)
    return agreement


def active_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items still on the meeting's agenda, in time order."""
    return meeting.items.filter(cancelled_at__isnull=True).order_by("starts_at")


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
        from sundhedskoordinator.access.services import log_denied

        log_denied(user=user, object_type="team", object_id=team_id)
        raise NotFoundError("not_found", TEAM_NOT_FOUND)
    return team


MEETING_NOT_FOUND = _("Mødet findes ikke, eller du har ikke adgang.")


def meeting_in_scope(user: User, meeting_id: int) -> Meeting:
    """The meeting if the user may see it; otherwise NotFoundError, and the refusal is logged
    with the kind of object (whether it exists elsewhere is never answered)."""
    meeting = scope_meetings(user).filter(pk=meeting_id).first()
    if meeting is None:
        from sundhedskoordinator.access.services import log_denied

        log_denied(user=user, object_type="meeting", object_id=meeting_id)
        raise NotFoundError("not_found", MEETING_NOT_FOUND)
    return meeting


def upcoming_meetings_for(*, municipality_id: int, today: dt.date) -> QuerySet[Meeting]:
    """Meetings of the municipality's teams from today on: where a case can be scheduled."""
    return (
        Meeting.objects.filter(team__municipality_id=municipality_id, date__gte=today)
        .select_related("team")
        .order_by("starts_at")
    )
