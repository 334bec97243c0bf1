"""Reads of cases, always through the access policy's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from sundhedskoordinator.access import services as access_services
from sundhedskoordinator.access.choices import Purpose
from sundhedskoordinator.access.models import AccessAction, AccessLog
from sundhedskoordinator.access.policy import (
    CaseRoles,
    Grant,
    action_roles,
    case_citizens_filter,
    grants_for,
    holds_item,
    in_case_scope,
    may_hand_on,
    may_read_case_log,
    may_read_health,
    parse_purpose,
    purpose_for_log,
    roles_in_case,
    secretariat_municipalities,
)
from sundhedskoordinator.access.services import log_access
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.citizens.search import Search
from sundhedskoordinator.citizens.selectors import citizen_facts
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.core.paging import by_keys
from sundhedskoordinator.core.workingdays import (
    add_working_days,
    deadline_passed,
    working_days_between,
)
from sundhedskoordinator.meetings.models import CollaborationAgreement, Meeting
from sundhedskoordinator.meetings.selectors import (
    agreements_by_region,
    scope_meetings,
    seed_agreement,
    upcoming_meetings_for,
)
from sundhedskoordinator.organisations.models import RehabTeam, User

from . import workflow
from .choices import CITIZEN_LETTER_KINDS, TERMINAL_STATES, Action, DocumentKind, Status
from .models import (
    Advice,
    AgendaItem,
    Case,
    Conversation,
    Document,
    OfferVersion,
    list_order,
)

CASE_NOT_FOUND = "Sagen findes ikke, eller du har ikke adgang til den."


def active_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items still on the meeting's agenda, in time order."""
    return meeting.items.filter(cancelled_at__isnull=True).order_by("starts_at")


def active_items_of(case: Case) -> QuerySet[AgendaItem]:
    """The case's live agenda item (at most one), with what its calendar file names."""
    return case.agenda_items.filter(cancelled_at__isnull=True).select_related(
        "meeting__team", "meeting__municipality", "case", "coordinator", "attendee"
    )


def agenda_items(meeting: Meeting, visible: QuerySet[Any] | None = None) -> list[AgendaItem]:
    """The agenda's items for its PDF, each with ``sent_on`` (the local day its package was
    sent, or None); ``visible`` (case ids) limits it to the cases a reader may see."""
    rows = active_items(meeting).select_related(
        "case__citizen", "coordinator", "attendee", "dispatch"
    )
    items = list(rows if visible is None else rows.filter(case__in=visible))
    for item in items:
        dispatch = getattr(item, "dispatch", None)
        item.sent_on = timezone.localtime(dispatch.sent_at).date() if dispatch else None  # type: ignore[attr-defined]
    return items


def scope_cases(user: User, grants: list[Grant] | None = None) -> QuerySet[Case]:
    """Every case the user may see (``access.policy.in_case_scope``)."""
    return in_case_scope(Case.objects.all(), user, grants)


def get_case(
    user: User,
    case_id: int,
    queryset: QuerySet[Case] | None = None,
    grants: list[Grant] | None = None,
) -> Case:
    """The case if the user may see it; otherwise NotFoundError, so that existence is not given
    away (out of scope answers 404, not 403)."""
    base = queryset if queryset is not None else Case.objects.all()
    case = in_case_scope(base, user, grants).filter(pk=case_id).first()
    if case is None:
        raise NotFoundError("not_found", CASE_NOT_FOUND)
    return case


def case_access_log(*, user: User, case_id: int) -> QuerySet[AccessLog]:
    """Who has read the case, for those who may see its access log."""
    grants = grants_for(user)
    case = get_case(user, case_id, grants=grants)
    if not may_read_case_log(user, case, roles_in_case(user, case, grants)):
        raise NotFoundError("not_found", _("Sagens adgangslog findes ikke for dig."))
    return AccessLog.objects.filter(case=case).select_related("case").order_by("-at", "-id")


def with_details(queryset: QuerySet[Case], *, new: bool = False) -> QuerySet[Case]:
    """Everything a case's JSON shows, in a fixed number of queries whatever the list's length:
    the one-to-one parts joined, every agenda item the case has had with its meeting, people,
    dispatch and conversation (the live one among them: ``access.policy.live_items``; the
    conversations: ``held_conversations``), and the offer's versions and advice prefetched.
    ``new``: cases made in this request, which have had no agenda items and no advice: those
    two are not read (``known_empty``)."""
    today = clock.today()
    history = Prefetch(
        "agenda_items",
        queryset=AgendaItem.objects.select_related(
            "meeting__team",
            "meeting__municipality",
            "coordinator",
            "attendee",
            "dispatch",
            "conversation__file_note_by",
        ).order_by("starts_at", "pk"),
        to_attr="item_history",
    )
    versions = Prefetch(
        "offer_versions",
        queryset=OfferVersion.objects.select_related("recorded_by").order_by("-version"),
        to_attr="offer_version_list",
    )
    advice = Prefetch(
        "advice_versions", queryset=Advice.objects.order_by("-version"), to_attr="advice_list"
    )
    return (
        queryset.select_related(
            "citizen",
            "municipality",
            "responsible",
            "offer__registered_by",
            "health_concern",
            "decision",
        )
        .prefetch_related(*([versions] if new else [history, versions, advice]))
        # Whether the citizen had written guidance and is in a ressourceforløb today
        # (``selectors.guidance_missing``, ``workflow.in_resource_course``).
        .annotate(**citizen_facts(today, "citizen_id"))
    )


def known_empty(case: Case) -> Case:
    """A case read by ``with_details(new=True)``, with the agenda history and advice it cannot
    have yet, as the full read would have given them: read back by the request that made it,
    still a draft, it is several steps by other people away from a meeting or advice."""
    case.item_history = []  # type: ignore[attr-defined]
    case.advice_list = []  # type: ignore[attr-defined]
    return case


def was_held(item: AgendaItem) -> bool:
    """Whether a conversation was held at the item (read with its conversation joined, as
    ``with_details`` does: no query)."""
    return hasattr(item, "conversation")


def held_conversations(case: Case) -> list[Conversation]:
    """The case's conversations, the latest first, as ``with_details`` read them with the
    agenda items they were held at (none for a case read without it)."""
    items = getattr(case, "item_history", [])
    held = [item.conversation for item in items if was_held(item)]
    return sorted(held, key=lambda c: c.started_at, reverse=True)


#: How a case list can be ordered: the name a page or the API uses, and the columns. The default
#: puts open cases first, those with a package still to send by its dispatch deadline, then the
#: other open cases, the newest first (the stored ``list_closed`` and ``list_deadline``, read in
#: the order of their index); every order ends on the id, so paging is stable.
CASE_ORDERS: dict[str, tuple[Any, ...]] = {
    "deadline": ("list_closed", "list_deadline", "-created_at", "-id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "reference": ("year", "number", "id"),
    "citizen": ("citizen__name", "id"),
    "status": ("status", "-created_at", "-id"),
}
DEFAULT_CASE_ORDER = "deadline"


def list_cases(
    *,
    user: User,
    status: str | None = None,
    meeting: int | None = None,
    municipality: int | None = None,
    responsible: int | None = None,
    team: int | None = None,
    meeting_from: dt.date | None = None,
    meeting_to: dt.date | None = None,
    search: Search | None = None,
    order: str = DEFAULT_CASE_ORDER,
    grants: list[Grant] | None = None,
    table: bool = False,
) -> QuerySet[Case]:
    """The cases the user may see, filtered, searched and ordered in the database; the same
    filters serve the API and the pages. ``team`` and the meeting dates (both included) look at
    the case's live agenda item. With ``table``, each case comes with what a row of the case
    list shows (``with_table_row``); without it, the cases alone, whose page
    ``page_with_details`` reads with everything the API's JSON shows."""
    grants = grants_for(user) if grants is None else grants
    queryset = scope_cases(user, grants)
    if status:
        queryset = queryset.filter(status__in=status.split(","))
    if meeting or team or meeting_from or meeting_to:
        items = AgendaItem.objects.filter(case=OuterRef("pk"), cancelled_at__isnull=True)
        if meeting:
            items = items.filter(meeting_id=meeting)
        if team:
            items = items.filter(meeting__team_id=team)
        if meeting_from:
            items = items.filter(meeting__date__gte=meeting_from)
        if meeting_to:
            items = items.filter(meeting__date__lte=meeting_to)
        queryset = queryset.filter(Exists(items))
    if municipality:
        queryset = queryset.filter(municipality_id=municipality)
    if responsible:
        queryset = queryset.filter(responsible_id=responsible)
    if search and search.text.strip():
        among = case_citizens_filter(user, grants)
        queryset = queryset.filter(search.names_or("reference", among=among))
    elif search:
        queryset = search.citizens(queryset, "citizen__")
    ordered = queryset.order_by(*CASE_ORDERS.get(order, CASE_ORDERS[DEFAULT_CASE_ORDER]))
    return with_table_row(ordered) if table else ordered


def page_with_details(
    cases: QuerySet[Case], start: int, end: int, *, user: User, grants: list[Grant]
) -> list[Case]:
    """The cases ``start`` to ``end`` (not included) of the ordered list ``cases`` (of
    ``list_cases``), each ``with_details``: the page's keys in the list's order, then the
    details of those cases alone, again within the user's scope (``core.paging.by_keys``).
    Read in one query, the details' EXISTS columns (``citizen_facts``) were planned for every
    case of the list before its LIMIT, and PostgreSQL could hash every resource course of the
    country for each page. The details are read within the user's scope, not with the list's
    filters: a case changed between the two reads (say, to another state) shows as it is now."""
    return by_keys(cases, start, end, with_details(scope_cases(user, grants)))


#: How many meetings the meeting list shows.
MEETING_LIST_SIZE = 100


def listed_meetings(user: User, *, today: dt.date, past: bool) -> list[Meeting]:
    """The meetings of the user's scope the meeting list shows, at most ``MEETING_LIST_SIZE``:
    from today on, the soonest first, or (``past``) those before today, the latest first. Each
    comes ``with_case_counts`` and ``late``: a coming meeting whose dispatch deadline has passed
    with a package still to send, or with no case on it (any case put on it now is late)."""
    meetings = scope_meetings(user)
    if past:
        meetings = meetings.filter(date__lt=today).order_by("-starts_at", "-pk")
    else:
        meetings = meetings.filter(date__gte=today).order_by("starts_at", "pk")
    shown = by_keys(meetings, 0, MEETING_LIST_SIZE, with_case_counts(user, meetings))
    for meeting in shown:
        meeting.late = (  # type: ignore[attr-defined]
            not past
            and meeting.cancelled_at is None
            and meeting.deadline_passed
            and (meeting.unsent_count or not meeting.case_count)  # type: ignore[attr-defined]
        )
    return shown


def with_case_counts(user: User, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """``meetings``, each with the cases on it the user may see (``case_count``) and how many of
    those are not yet sent (``unsent_count``). Counted for a page of meetings read
    ``core.paging.by_keys``: counted before the page's LIMIT, every meeting of the list was
    grouped with its items first."""
    active = Q(items__cancelled_at__isnull=True, items__case__in=scope_cases(user).values("pk"))
    return meetings.annotate(
        case_count=Count("items", filter=active),
        unsent_count=Count("items", filter=active & Q(items__dispatch__isnull=True)),
    )


def refresh_list_order(cases: QuerySet[Case]) -> int:
    """Write the default list order of ``cases`` as their state and agenda now stand
    (``models.list_order``), in one UPDATE. Every step that changes a case's state or its agenda
    writes it before it commits, with the case's own UPDATE where it saves the case
    (``Case.save(with_list_order=True)``); a move of a meeting's items, and the national world's
    generator once for all, call this. Answers how many cases it wrote."""
    return cases.order_by().update(**list_order())


def with_table_row(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What a row of the case list shows: the citizen and the live agenda item with its
    package's dispatch (two queries a page, whatever its length)."""
    return queryset.select_related("citizen").prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.filter(cancelled_at__isnull=True).select_related(
                "dispatch"
            ),
            to_attr="active_items",
        )
    )


def case_documents(case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by").order_by("kind", "-version")


def citizen_letters(case: Case) -> list[Document]:
    """The newest version of each letter the citizen receives (advice, decision)."""
    newest: dict[str, Document] = {}
    for document in case.documents.filter(kind__in=CITIZEN_LETTER_KINDS).order_by("version"):
        newest[document.kind] = document
    return list(newest.values())


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


@dataclass
class CaseRead:
    """A case as one user may read it: ``health_role`` is the role in which they may see its
    health data (and that read has been logged), or None when they see metadata only."""

    case: Case
    roles: list[str]
    health_role: str | None
    grants: list[Grant]
    #: How the user stands to the case when acting: in scope, and on the case (the policy).
    acting: CaseRoles


def read_case(
    *,
    user: User,
    case_id: int,
    purpose: str = "",
    grants: list[Grant] | None = None,
    new: bool = False,
) -> CaseRead:
    """The one way a page or endpoint reads a case: scoped by the policy (404 outside it, and the
    refused attempt logged), with its health data only for the roles DESIGN names, and every
    read of health data written to the access log with the purpose given. ``new``: the case was
    made in this request (``with_details``)."""
    check_purpose(purpose)
    grants = grants_for(user) if grants is None else grants
    try:
        case = get_case(user, case_id, with_details(Case.objects.all(), new=new), grants)
    except NotFoundError:
        log_denied(user=user, object_type="case", object_id=case_id, grants=grants)
        raise
    if new:
        known_empty(case)
    roles = roles_in_case(user, case, grants)
    health_role = may_read_health(user, case, roles, purpose=purpose)
    if health_role:
        log_access(
            user=user,
            action=AccessAction.VIEW,
            object_type="case",
            object_id=case.pk,
            case=case,
            role=health_role,
            purpose=purpose_for_log(purpose),
            grants=grants,
        )
    return CaseRead(case, roles, health_role, grants, action_roles(user, case, grants))


def actions_for(user: User, case: Case, acting: CaseRoles) -> list[str]:
    """The actions the user may take on the case now, as the pages and the API offer them: the
    workflow's by role and state, with handing on only for the responsible person or the
    team's manager (``may_hand_on``), and taking over only for a coordinator who does not
    already hold the item (``holds_item``)."""
    return [
        action
        for action in workflow.available_actions(case, acting.scoped, acting.on_case)
        if (action != Action.REASSIGN or any(may_hand_on(user, case, r) for r in acting.scoped))
        and (action != Action.TAKE_OVER or not holds_item(user, case))
    ]


INVALID_PURPOSE = "invalid_purpose"


def check_purpose(purpose: str) -> None:
    """A purpose, when given, is one the policy lists (``access.choices.Purpose``), optionally
    followed by ``:`` and a free text; anything else is refused, never silently ignored."""
    if purpose.strip() and parse_purpose(purpose)[0] is None:
        message = _("Vælg et af de faste formål: %(choices)s.") % {
            "choices": ", ".join(f"{p.value} ({p.label})" for p in Purpose)
        }
        raise DomainError(INVALID_PURPOSE, message, fields={"purpose": message})


def log_denied(
    *, user: User, object_type: str, object_id: int, grants: list[Grant] | None = None
) -> None:
    """Record a refused attempt on a case, linked to the case when it exists, so the citizen
    sees it too."""
    case = None
    if object_type == "case" and 0 < object_id < 2**63:
        case = Case.objects.filter(pk=object_id).first()
    access_services.log_denied(
        user=user, object_type=object_type, object_id=object_id, case=case, grants=grants
    )


def case_in_scope(*, user: User, case_id: int) -> Case:
    """The case for a write or a metadata read; out of scope answers 404 and is logged."""
    grants = grants_for(user)
    try:
        return get_case(user, case_id, grants=grants)
    except NotFoundError:
        log_denied(user=user, object_type="case", object_id=case_id, grants=grants)
        raise


#: Every kind but the offer's description holds health data (issued PDFs included).
HEALTH_DOCUMENT_KINDS = frozenset(DocumentKind.values) - {DocumentKind.OFFER_DESCRIPTION}


def read_document(*, user: User, document_id: int, purpose: str = "") -> Document:
    """A document's file for download: only for those who may read the case's health data (all
    kinds but the offer description count as health data), logged as a download."""
    check_purpose(purpose)
    grants = grants_for(user)
    document = Document.objects.select_related("case").filter(pk=document_id).first()
    case = None
    if document is not None:
        case = with_details(scope_cases(user, grants)).filter(pk=document.case_id).first()
    role = None
    if case is not None and document is not None:
        roles = roles_in_case(user, case, grants)
        role = (
            may_read_health(user, case, roles, purpose=purpose)
            if document.kind in HEALTH_DOCUMENT_KINDS
            else (roles[0] if roles else None)
        )
    if document is None or role is None:
        access_services.log_denied(
            user=user,
            object_type="document",
            object_id=document_id,
            case=document.case if document else None,
            grants=grants,
        )
        raise NotFoundError("not_found", "Dokumentet findes ikke, eller du har ikke adgang.")
    log_access(
        user=user,
        action=AccessAction.DOWNLOAD,
        object_type="document",
        object_id=document.pk,
        case=document.case,
        role=role,
        purpose=purpose_for_log(purpose),
        grants=grants,
    )
    return document


def cases_due_for_anonymisation(*, closed_before: dt.datetime) -> QuerySet[Case]:
    """Closed, withdrawn or rejected cases closed before the retention limit, not yet anonymised."""
    return Case.objects.filter(
        status__in=TERMINAL_STATES, closed_at__lt=closed_before, anonymised_at__isnull=True
    ).order_by("closed_at", "id")


def state_counts(*, user: User) -> dict[str, int]:
    """Cases per state among those the user may see, counted in the database."""

    rows = scope_cases(user).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


@dataclass(frozen=True)
class AtRisk:
    """The scheduled cases not yet sent whose deadline has passed or is near, and the warning
    days that made them so (one number, or None where the regions have agreed on different
    ones)."""

    cases: list[Case]
    warning_days: int | None


def deadlines_at_risk(
    *,
    user: User,
    today: dt.date,
    agreements: dict[int, CollaborationAgreement] | None = None,
) -> AtRisk:
    """Scheduled cases not yet sent whose dispatch deadline has passed or is near
    (``core.workingdays.deadline_near`` with the warning days of each case's region; a deadline is
    always a working day, so "at most N working days away" is "on or before the N-th working day
    from today"). The database cuts at the longest warning of any region; each case is then held
    to its own region's. ``agreements``: ``agreements_by_region()``, when the caller has it."""
    seed = seed_agreement().deadline_warning_working_days
    if agreements is None:
        agreements = agreements_by_region()
    days = {r: a.deadline_warning_working_days for r, a in agreements.items()}
    longest = max([seed, *days.values()])
    candidates = (
        scope_cases(user)
        .filter(
            status="scheduled",
            agenda_items__cancelled_at__isnull=True,
            agenda_items__dispatch_deadline__lte=add_working_days(today, longest),
        )
        .select_related("citizen", "municipality")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(cancelled_at__isnull=True),
                to_attr="active_items",
            )
        )
        .order_by("agenda_items__dispatch_deadline")
    )
    cases: list[Case] = [
        case
        for case in candidates
        if case.active_items[0].dispatch_deadline
        <= add_working_days(today, days.get(case.municipality.region_id, seed))
    ]
    every = set(days.values()) or {seed}
    return AtRisk(cases=cases, warning_days=every.pop() if len(every) == 1 else None)


@dataclass(frozen=True)
class QueueItem:
    """One piece of work on a start page: the case, and what it waits for."""

    case: Case
    missing: list[str] = field(default_factory=list)
    waiting_days: int = 0
    overdue: bool = False


@dataclass(frozen=True)
class HandlerQueue:
    """The caseworker's or job broker's work: their drafts with what is missing, their requests
    to complete, and the advice waiting for their decision."""

    drafts: list[QueueItem]
    to_complete: list[QueueItem]
    decisions: list[QueueItem]


#: How many cases each queue shows on the start page; the case list has the rest.
QUEUE_LENGTH = 10


def handler_queue(
    *,
    user: User,
    today: dt.date,
    agreements: dict[int, CollaborationAgreement] | None = None,
) -> HandlerQueue:
    """What the user, as the responsible caseworker or job broker, has to do now. What a draft
    misses is the request's own guards (``workflow``), so the page and the refusal agree.
    ``agreements``: ``agreements_by_region()``, when the caller has it."""
    own = (
        scope_cases(user)
        .filter(responsible=user)
        .select_related("offer", "health_concern", "municipality", "citizen")
    )
    drafts = [
        QueueItem(
            case,
            [
                m.message
                for m in workflow.offer_is_described(case, {})
                + workflow.health_concern_is_described(case, {})
            ],
        )
        for case in own.filter(status="draft").order_by("created_at", "id")[:QUEUE_LENGTH]
    ]
    to_complete = [
        QueueItem(case)
        for case in own.filter(status="requested").order_by("submitted_at", "id")[:QUEUE_LENGTH]
    ]
    first_advice = Advice.objects.filter(case=OuterRef("pk"), version=1).values("submitted_at")
    waiting = (
        own.filter(status="advised")
        .annotate(advised_at=Subquery(first_advice[:1]))
        .order_by("advised_at", "id")[:QUEUE_LENGTH]
    )
    if agreements is None:
        agreements = agreements_by_region()
    seed = seed_agreement().reminder_decision_working_days
    decisions = []
    for case in waiting:
        advised_on = timezone.localtime(case.advised_at).date()
        days = working_days_between(advised_on, today)
        agreement = agreements.get(case.municipality.region_id)
        limit = agreement.reminder_decision_working_days if agreement else seed
        decisions.append(QueueItem(case, waiting_days=days, overdue=days >= limit))
    return HandlerQueue(drafts=drafts, to_complete=to_complete, decisions=decisions)


def citizen_cases(*, user: User) -> QuerySet[Case]:
    """The citizen's own cases, open ones first, newest first."""
    return (
        scope_cases(user)
        .filter(citizen__user=user)
        .annotate(closed_rank=DbCase(When(status__in=TERMINAL_STATES, then=1), default=0))
        .select_related("municipality", "responsible")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(cancelled_at__isnull=True).select_related(
                    "meeting"
                ),
                to_attr="active_items",
            )
        )
        .order_by("closed_rank", "-created_at", "-id")
    )


#: The states in which a case still waits to be scheduled or sent: the ressourceforløb is
#: checked again at both (``workflow.citizen_still_in_resource_course``).
BEFORE_DISPATCH_STATES = frozenset({Status.REQUESTED, Status.READY, Status.SCHEDULED})


def course_ended_before_dispatch(case: Case, today: dt.date) -> bool:
    """True when the citizen's ressourceforløb is no longer active while the case waits to be
    scheduled or sent: the case is flagged instead of being carried on silently."""
    return case.status in BEFORE_DISPATCH_STATES and not workflow.in_resource_course(case, today)


@dataclass(frozen=True)
class FilterChoices:
    """What the case list's filters offer the user: the teams and the responsible people of
    the municipalities whose cases they see."""

    teams: list[RehabTeam]
    responsibles: list[User]


def filter_choices(user: User) -> FilterChoices:
    """The teams and caseworkers to filter the user's case list by (two queries): the teams of
    the municipalities where the user sees a case (one probe of the cases' index for each team,
    not a read of every case), and the people responsible for one (from the index on
    municipality and responsible alone)."""
    scope = scope_cases(user).order_by()
    return FilterChoices(
        teams=list(
            RehabTeam.objects.filter(
                Exists(scope.filter(municipality_id=OuterRef("municipality_id")))
            ).order_by("name", "pk")
        ),
        responsibles=list(
            User.objects.filter(
                pk__in=scope_cases(user).order_by().values("responsible_id").distinct()
            ).order_by("first_name", "last_name", "username")
        ),
    )


def next_reachable_meeting(case: Case, today: dt.date) -> Meeting | None:
    """The first meeting of the case's municipality whose dispatch deadline has not passed
    (``core.workingdays.deadline_passed``: the deadline day itself still counts): the earliest
    the case can be on, as the citizen's receipt tells her."""
    return (
        upcoming_meetings_for(municipality_id=case.municipality_id, today=today)
        .filter(dispatch_deadline__gte=today)
        .first()
    )


#: The states in which a case waits for its meeting's conversation.
AWAITING_CONVERSATION = (Status.SCHEDULED, Status.SENT)


def meeting_passed_without_conversation(case: Case, item: AgendaItem, today: dt.date) -> bool:
    """The case's meeting day is over and its conversation was never recorded: it needs the
    coordinator to record it, or the secretariat to move or cancel it (issue 16, "no stuck
    cases")."""
    return case.status in AWAITING_CONVERSATION and item.meeting.date < today


def stuck_items(today: dt.date) -> QuerySet[AgendaItem]:
    """Every active agenda item whose case waits for a conversation on a meeting day that is
    over (``meeting_passed_without_conversation``, in the database)."""
    return AgendaItem.objects.filter(
        cancelled_at__isnull=True,
        case__status__in=AWAITING_CONVERSATION,
        meeting__date__lt=today,
    )


def stuck_cases(*, user: User, today: dt.date, coordinator: User | None = None) -> QuerySet[Case]:
    """The cases the user sees whose meeting passed without a conversation (``stuck_items``),
    oldest meeting first; with ``coordinator``, only those whose agenda item is theirs.

    The cases' own state is asked for beside the items' rule, which holds it too: so the
    database starts from the few cases waiting for a conversation now (an index on municipality
    and state) and looks up each one's items, instead of reading every item of the coordinator
    over ten years (54,378 at a million cases, 79 ms on SQLite) to find them."""
    items = stuck_items(today).filter(case_id=OuterRef("pk"))
    if coordinator is not None:
        items = items.filter(coordinator=coordinator)
    return (
        scope_cases(user)
        .filter(Exists(items), status__in=AWAITING_CONVERSATION)
        .select_related("citizen")
        .annotate(
            meeting_date=Max(
                "agenda_items__meeting__date",
                filter=Q(agenda_items__cancelled_at__isnull=True),
            )
        )
        .order_by("meeting_date", "id")
    )


def guidance_missing(case: Case) -> bool:
    """BEK 2409/2021 § 2: an open case whose citizen has no written guidance dated today or
    before (``with_details`` annotates it)."""
    return not case.is_closed and not getattr(case, "has_written_guidance", False)


@dataclass(frozen=True)
class SecretariatQueue:
    """The team secretariat's work: cases ready to schedule, scheduled cases whose dispatch is
    due within the agreement's warning days or late, and cases whose meeting passed without a
    conversation."""

    ready: list[Case]
    ready_count: int
    due: list[DueDispatch]
    stuck: list[Case]


@dataclass(frozen=True)
class DueDispatch:
    case: Case
    item: AgendaItem
    passed: bool


def secretariat_queue(
    *,
    user: User,
    today: dt.date,
    agreements: dict[int, CollaborationAgreement] | None = None,
) -> SecretariatQueue:
    """Of the municipalities whose secretariat the user is: a role elsewhere never counts.
    ``agreements``: ``agreements_by_region()``, when the caller has it."""
    own = secretariat_municipalities(user)
    ready = (
        scope_cases(user)
        .filter(status=Status.READY, municipality_id__in=own)
        .select_related("citizen")
    )
    due = []
    at_risk = deadlines_at_risk(user=user, today=today, agreements=agreements).cases
    for case in [c for c in at_risk if c.municipality_id in own][:QUEUE_LENGTH]:
        item = case.active_items[0]  # type: ignore[attr-defined]
        due.append(DueDispatch(case, item, deadline_passed(item.dispatch_deadline, today)))
    return SecretariatQueue(
        ready=list(ready.order_by("submitted_at", "id")[:QUEUE_LENGTH]),
        ready_count=ready.count(),
        due=due,
        stuck=list(
            stuck_cases(user=user, today=today).filter(municipality_id__in=own)[:QUEUE_LENGTH]
        ),
    )


@dataclass(frozen=True)
class CoordinatorDay:
    """The coordinator's conversations across teams: today's and the rest of the week's (sent
    to them, not cancelled), the advice they still owe, and their cases whose meeting passed
    without the conversation."""

    today: list[AgendaItem]
    week: list[AgendaItem]
    stuck: list[Case]
    awaiting_advice: list[Case]


def coordinator_items(*, user: User, first: dt.date, last: dt.date) -> QuerySet[AgendaItem]:
    """The agenda items sent to the user as coordinator with meetings from ``first`` to
    ``last``, in time order. The access policy is applied to the item's case joined directly,
    not through a subquery of every case the user may see: SQLite would otherwise start from
    that subquery (a region's sent cases) instead of the week's meetings."""
    items = AgendaItem.objects.filter(
        coordinator=user,
        cancelled_at__isnull=True,
        dispatch__isnull=False,
        meeting__date__gte=first,
        meeting__date__lte=last,
    )
    return (
        in_case_scope(items, user, via="case")
        .select_related("case__citizen", "meeting__team", "meeting__municipality")
        .order_by("starts_at")
    )


def coordinator_day(*, user: User, today: dt.date) -> CoordinatorDay:
    sunday = today + dt.timedelta(days=6 - today.weekday())
    items = list(coordinator_items(user=user, first=today, last=sunday))
    return CoordinatorDay(
        today=[i for i in items if i.meeting.date == today],
        week=[i for i in items if i.meeting.date > today],
        stuck=list(stuck_cases(user=user, today=today, coordinator=user)[:QUEUE_LENGTH]),
        # Conversations held whose advice the coordinator still owes, oldest first.
        awaiting_advice=list(
            scope_cases(user)
            .filter(
                status=Status.HELD,
                agenda_items__coordinator=user,
                agenda_items__cancelled_at__isnull=True,
            )
            .select_related("citizen")
            .annotate(held_at=Max("conversations__ended_at"))
            .order_by("held_at", "id")[:QUEUE_LENGTH]
        ),
    )
