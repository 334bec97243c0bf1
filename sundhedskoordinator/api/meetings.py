"""``/api/v1/meetings``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from sundhedskoordinator.cases import services as case_services
from sundhedskoordinator.cases.appointments import meeting_calendar
from sundhedskoordinator.cases.letter_data import agenda_letter
from sundhedskoordinator.cases.selectors import active_items, agenda_items, scope_cases
from sundhedskoordinator.documents import letters
from sundhedskoordinator.documents.delivery import download
from sundhedskoordinator.meetings import services
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.meetings.selectors import (
    meeting_in_scope,
    municipality_in_scope,
    scope_meetings,
    team_in_scope,
)
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.organisations.selectors import coordinators_in

from . import serialize
from .cases import ERRORS
from .pagination import PageParams, id_filter, page_body, paginate
from .schemas import (
    AgendaOut,
    CoordinatorOut,
    Day,
    MeetingCancelIn,
    MeetingChangeIn,
    MeetingCreate,
    MeetingOut,
    MeetingPage,
    file_answer,
)

router = Router(tags=["meetings"])


class MeetingFilters(PageParams):
    team: int | None = id_filter()
    date_from: Day | None = None
    date_to: Day | None = None


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _meeting(user: User, meeting_id: int) -> Meeting:
    return meeting_in_scope(user, meeting_id)


@router.get("", response={200: MeetingPage, **ERRORS})
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> dict[str, Any]:
    queryset = scope_meetings(_user(request)).order_by("starts_at", "id")
    if filters.team:
        queryset = queryset.filter(team_id=filters.team)
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    count, meetings = paginate(queryset, filters)
    return page_body(count, [serialize.meeting(m) for m in meetings])


@router.post("", response={201: MeetingOut, **ERRORS})
def create_meeting(request: HttpRequest, payload: MeetingCreate) -> Status[dict[str, Any]]:
    user = _user(request)
    team = team_in_scope(user, payload.team) if payload.team is not None else None
    municipality = (
        municipality_in_scope(user, payload.municipality)
        if team is None and payload.municipality is not None
        else None
    )
    meeting = services.create_meeting(
        actor=user,
        team=team,
        municipality=municipality,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        location=payload.location,
        kind=payload.kind,
        extraordinary_reason=payload.extraordinary_reason,
    )
    return Status(201, serialize.meeting(meeting))


@router.get("/{meeting_id}", response={200: MeetingOut, **ERRORS})
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return serialize.meeting(_meeting(_user(request), meeting_id))


@router.post("/{meeting_id}/change", response={200: MeetingOut, **ERRORS})
def change_meeting(
    request: HttpRequest, meeting_id: int, payload: MeetingChangeIn
) -> dict[str, Any]:
    """Change the meeting's time or place, or move it to another day (the team's secretariat).
    The agenda moves with it; deadlines are computed again; every participant gets the
    calendar update (same UID, next SEQUENCE); a new agenda version is issued."""
    user = _user(request)
    _meeting(user, meeting_id)
    meeting = case_services.change_meeting(
        actor=user, meeting_id=meeting_id, **payload.model_dump()
    )
    return serialize.meeting(meeting)


@router.post("/{meeting_id}/cancel", response={200: MeetingOut, **ERRORS})
def cancel_meeting(
    request: HttpRequest, meeting_id: int, payload: MeetingCancelIn
) -> dict[str, Any]:
    """Cancel the meeting with a reason code; its cases go back to ready, or onto `move_to`."""
    user = _user(request)
    _meeting(user, meeting_id)
    data = payload.model_dump()
    meeting = case_services.cancel_meeting(
        actor=user, meeting_id=meeting_id, move_to_id=data.pop("move_to"), **data
    )
    return serialize.meeting(meeting)


@router.get("/{meeting_id}/coordinators", response={200: list[CoordinatorOut], **ERRORS})
def coordinators(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    """The health coordinators of the meeting's region: whom a case on it may be given
    (`coordinator` of `POST /cases/{id}/schedule`)."""
    meeting = _meeting(_user(request), meeting_id)
    return [
        {"id": c.pk, "name": str(c)}
        for c in coordinators_in(region_id=meeting.municipality.region_id)
    ]


@router.get("/{meeting_id}/agenda", response={200: AgendaOut, **ERRORS})
def agenda(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    user = _user(request)
    meeting = _meeting(user, meeting_id)
    visible = scope_cases(user).values("pk")
    items = active_items(meeting).filter(case__in=visible).select_related("case", "dispatch")
    return {
        "meeting": serialize.meeting(meeting),
        "items": [
            {
                "id": i.pk,
                "starts_at": i.starts_at,
                "ends_at": i.ends_at,
                "case": i.case_id,
                "reference": i.case.reference,
                "status": i.case.status,
                "dispatch_deadline": i.dispatch_deadline,
                "scheduled_late": i.scheduled_late,
                "sent_at": i.dispatch.sent_at if hasattr(i, "dispatch") else None,
                "late": i.dispatch.is_late if hasattr(i, "dispatch") else None,
            }
            for i in items
        ],
    }


@router.get(
    "/{meeting_id}/agenda.pdf",
    response={200: None, **ERRORS},
    openapi_extra=file_answer("application/pdf"),
)
def agenda_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda as it stands now, with the items the user may see, as PDF."""
    user = _user(request)
    meeting = _meeting(user, meeting_id)
    return download(
        letters.agenda(
            agenda_letter(meeting, agenda_items(meeting, visible=scope_cases(user).values("pk")))
        ),
        "application/pdf",
        f"dagsorden-{meeting.pk}.pdf",
    )


@router.get(
    "/{meeting_id}/calendar.ics",
    response={200: None, **ERRORS},
    openapi_extra=file_answer("text/calendar"),
)
def calendar(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting and the agenda items the user may see, as iCalendar (RFC 5545)."""
    user = _user(request)
    meeting = _meeting(user, meeting_id)
    items = (
        active_items(meeting)
        .filter(case__in=scope_cases(user).values("pk"))
        .select_related("case", "meeting__team", "meeting__municipality", "coordinator", "attendee")
    )
    response = HttpResponse(meeting_calendar(meeting, items), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="moede-{meeting.pk}.ics"'
    return response
