"""Reads of cases, always through the access policy's scope."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from sundhedskoordinator.access.policy import Grant, scope_cases
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.citizens.choices import WRITTEN_GUIDANCE_CHANNELS
from sundhedskoordinator.citizens.models import Guidance
from sundhedskoordinator.meetings.models import AgendaItem
from sundhedskoordinator.organisations.models import User

from .models import Advice, Case, Conversation, Document


def with_details(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a case's JSON shows, in a fixed number of queries whatever the list's length:
    the one-to-one parts joined, the active agenda item, conversations and advice prefetched."""
    return (
        queryset.select_related(
            "citizen", "municipality", "responsible", "offer", "health_concern", "decision"
        )
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(cancelled_at__isnull=True).select_related(
                    "meeting__team", "coordinator", "attendee", "dispatch"
                ),
                to_attr="active_items",
            ),
            Prefetch(
                "conversations",
                queryset=Conversation.objects.order_by("-started_at"),
                to_attr="conversation_list",
            ),
            Prefetch(
                "advice_versions",
                queryset=Advice.objects.order_by("-version"),
                to_attr="advice_list",
            ),
        )
        .annotate(
            has_written_guidance=Exists(
                Guidance.objects.filter(
                    citizen=OuterRef("citizen_id"), channel__in=WRITTEN_GUIDANCE_CHANNELS
                )
            )
        )
    )


def list_cases(
    *,
    user: User,
    status: str | None = None,
    meeting: int | None = None,
    municipality: int | None = None,
    responsible: int | None = None,
    grants: list[Grant] | None = None,
) -> QuerySet[Case]:
    """The cases the user may see, filtered; the same filters serve the API and the pages."""
    queryset = scope_cases(user, grants)
    if status:
        queryset = queryset.filter(status__in=status.split(","))
    if meeting:
        queryset = queryset.filter(
            agenda_items__meeting_id=meeting, agenda_items__cancelled_at__isnull=True
        )
    if municipality:
        queryset = queryset.filter(municipality_id=municipality)
    if responsible:
        queryset = queryset.filter(responsible_id=responsible)
    return with_details(queryset.order_by("-created_at", "-id"))


def case_documents(case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by").order_by("kind", "-version")


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")
