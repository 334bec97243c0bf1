"""``/api/v1/cases``: thin handlers that call the access policy, a selector or a service."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from sundhedskoordinator.access.policy import grants_for
from sundhedskoordinator.cases import selectors, services
from sundhedskoordinator.cases.choices import Action
from sundhedskoordinator.cases.fhir import case_bundle
from sundhedskoordinator.citizens.cpr import looks_like_cpr
from sundhedskoordinator.citizens.search import Search
from sundhedskoordinator.citizens.selectors import citizen_in_scope
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents.delivery import attachment, verified_content
from sundhedskoordinator.documents.inspection import DOCX, JPEG, ODT, PDF, PNG
from sundhedskoordinator.documents.selectors import read_issued
from sundhedskoordinator.organisations.models import User

from . import serialize
from .http import if_match, set_etag
from .idempotency import act_once, run_once
from .pagination import PageParams, bounds, id_filter, page_body
from .schemas import (
    AdviceIn,
    CancelIn,
    CaseCreate,
    CaseOut,
    CasePage,
    CasePatch,
    CompanionIn,
    ConversationIn,
    Day,
    DecisionIn,
    DocumentOut,
    ErrorOut,
    EventOut,
    FileNoteIn,
    MoveIn,
    ReasonIn,
    ReassignIn,
    RejectIn,
    ScheduleIn,
    SubmitIn,
    file_answer,
)

router = Router(tags=["cases"])
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


CaseOrder = Literal["deadline", "newest", "oldest", "reference", "citizen", "status"]


class CaseFilters(PageParams):
    status: str | None = None
    meeting: int | None = id_filter()
    municipality: int | None = id_filter()
    responsible: int | None = id_filter()
    team: int | None = id_filter()
    meeting_from: Day | None = Field(
        None, description="Cases on a meeting on or after this day (their live agenda item)."
    )
    meeting_to: Day | None = Field(
        None, description="Cases on a meeting on or before this day (their live agenda item)."
    )
    q: str | None = Field(
        None,
        max_length=100,
        description="A piece of a case reference or of the citizen's name. A CPR number is "
        "refused here (it would be written into URLs and logs).",
    )
    order: CaseOrder = Field(
        "deadline",
        description="deadline (default): open cases first by their next dispatch deadline; "
        "newest, oldest, reference, citizen, status.",
    )

    @field_validator("q")
    @classmethod
    def no_cpr_in_the_url(cls, value: str | None) -> str | None:
        if value and looks_like_cpr(value):
            raise PydanticCustomError(
                "cpr_in_url", "Søg ikke efter CPR-numre i adressen; brug sagsnummer eller navn."
            )
        return value


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _case_body(
    request: HttpRequest,
    case_id: int,
    warnings: list[services.Warning] | None = None,
    purpose: str = "",
    *,
    new: bool = False,
) -> dict[str, Any]:
    """The case as this user may read it; a read of health data is logged by the selector.
    ``new``: made by this request (``selectors.read_case``)."""
    user = _user(request)
    read = selectors.read_case(user=user, case_id=case_id, purpose=purpose, new=new)
    return serialize.case(read.case, user, read.grants, warnings, health=bool(read.health_role))


def _replayed(request: HttpRequest) -> Any:
    """A repeated action answers with the case as the user may read it now (a read of health
    data logged like any other), never with a stored copy."""

    def again(kept: dict[str, Any]) -> dict[str, Any]:
        return _case_body(request, kept["id"])

    return again


def _user_ref(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise DomainError(
            "invalid_participant", "Brugeren findes ikke.", fields={"user": "Brugeren findes ikke."}
        )
    return user


@router.get("", response={200: CasePage, **ERRORS})
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    user = _user(request)
    grants = grants_for(user)
    queryset = selectors.list_cases(
        user=user,
        status=filters.status,
        meeting=filters.meeting,
        municipality=filters.municipality,
        responsible=filters.responsible,
        team=filters.team,
        meeting_from=filters.meeting_from,
        meeting_to=filters.meeting_to,
        search=Search(text=filters.q or ""),
        order=filters.order,
        grants=grants,
    )
    count = queryset.count()
    cases = selectors.page_with_details(queryset, *bounds(filters), user=user, grants=grants)
    return page_body(count, [serialize.case(c, user, grants) for c in cases])


@router.post("", response={201: CaseOut, **ERRORS})
def create_case(
    request: HttpRequest, payload: CaseCreate, response: HttpResponse
) -> Status[dict[str, Any]]:
    user = _user(request)
    citizen = citizen_in_scope(user, payload.citizen, history=False)

    def compute() -> tuple[int, dict[str, Any]]:
        result = services.create_case(
            actor=user,
            citizen=citizen,
            responsible=_user_ref(payload.responsible),
            offer=payload.offer.model_dump() if payload.offer else None,
            health_concern=payload.health_concern.model_dump() if payload.health_concern else None,
        )
        return 201, _case_body(request, result.case.pk, result.warnings, new=True)

    status, body = act_once(request, compute, _replayed(request), 201)
    set_etag(response, body["version"])
    response["Location"] = f"/api/v1/cases/{body['id']}"
    return Status(status, body)


@router.get("/{case_id}", response={200: CaseOut, **ERRORS})
def get_case_detail(
    request: HttpRequest, case_id: int, response: HttpResponse, purpose: str = ""
) -> dict[str, Any]:
    """``purpose``: why you need the health data, where your role sees it only when needed (the
    secretariat); it is written to the access log."""
    body = _case_body(request, case_id, purpose=purpose[:300])
    set_etag(response, body["version"])
    return body


@router.get(
    "/{case_id}/fhir",
    response={200: None, **ERRORS},
    openapi_extra=file_answer("application/fhir+json", schema={"type": "object"}),
)
def get_case_fhir(request: HttpRequest, case_id: int, purpose: str = "") -> HttpResponse:
    """The case as a FHIR R4 Bundle (Patient, Task, Appointment, DocumentReference); the CPR
    number and the documents only for the roles that may see them."""
    read = selectors.read_case(user=_user(request), case_id=case_id, purpose=purpose[:300])
    return HttpResponse(
        json.dumps(case_bundle(read), ensure_ascii=False),
        content_type="application/fhir+json; charset=utf-8",
    )


@router.patch("/{case_id}", response={200: CaseOut, **ERRORS})
def patch_case(
    request: HttpRequest, case_id: int, payload: CasePatch, response: HttpResponse
) -> dict[str, Any]:
    user = _user(request)
    selectors.case_in_scope(user=user, case_id=case_id)
    fields = payload.model_dump(exclude_unset=True)
    if "responsible" in fields:
        raise DomainError(
            "invalid_input",
            "Den ansvarlige skiftes med POST /api/v1/cases/{id}/reassign.",
            fields={"responsible": "Brug handlingen reassign for at give sagen videre."},
        )
    result = services.update_case(
        actor=user,
        case_id=case_id,
        expected_version=if_match(request),
        offer=fields.get("offer"),
        health_concern=fields.get("health_concern"),
        no_health_information_note=fields.get("no_health_information_note"),
    )
    body = _case_body(request, case_id, result.warnings)
    set_etag(response, body["version"])
    return body


def _action(
    request: HttpRequest, case_id: int, response: HttpResponse, run: Any
) -> Status[dict[str, Any]]:
    """The shared shape of every action endpoint: If-Match, Idempotency-Key, one service call
    (which finds the case only in the user's scope: 404 otherwise, before anything is written),
    and the case as it is after the action."""
    user = _user(request)
    expected = if_match(request)

    def compute() -> tuple[int, dict[str, Any]]:
        run(user, expected)
        return 200, _case_body(request, case_id)

    status, body = act_once(request, compute, _replayed(request), 200)
    set_etag(response, body["version"])
    return Status(status, body)


@dataclass(frozen=True)
class ActionEndpoint:
    """One ``POST /cases/{id}/<path>`` endpoint of an action: its body schema (None: no body),
    whether the body may be left out, how the body's field names map to the service's input
    names where they differ, and the operation's name (its OpenAPI operation id and summary)."""

    action: Action
    path: str
    name: str
    body: type[Schema] | None = None
    optional: bool = False
    renamed: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    #: Nested parts that carry only the fields the client sent (the rest stay as they are).
    partial: tuple[str, ...] = ()

    def inputs(self, payload: Schema | None) -> dict[str, Any]:
        if payload is None:
            return {}
        data = payload.model_dump()
        for name in self.partial:
            part = getattr(payload, name)
            data[name] = part.model_dump(exclude_unset=True) if part is not None else None
        return {self.renamed.get(k, k): v for k, v in data.items()}


#: Every action endpoint, generated below with the same shape: If-Match, Idempotency-Key, one
#: ``services.run_action`` call, the case as it is after the action.
ACTION_ENDPOINTS = [
    ActionEndpoint(Action.SUBMIT, "submit", "submit", SubmitIn, optional=True),
    ActionEndpoint(Action.COMPLETE, "complete", "complete"),
    ActionEndpoint(
        Action.SCHEDULE,
        "schedule",
        "schedule",
        ScheduleIn,
        renamed={
            "meeting": "meeting_id",
            "coordinator": "coordinator_id",
            "attendee": "attendee_id",
            "companion": "companion_name",
        },
    ),
    ActionEndpoint(Action.UNSCHEDULE, "unschedule", "unschedule", CancelIn, optional=True),
    ActionEndpoint(Action.DISPATCH, "dispatch", "dispatch"),
    ActionEndpoint(
        Action.HOLD_CONVERSATION, "hold-conversation", "hold_conversation", ConversationIn
    ),
    ActionEndpoint(Action.CANCEL, "cancel", "cancel", CancelIn),
    ActionEndpoint(Action.RECORD_FILE_NOTE, "file-note", "file_note", FileNoteIn),
    ActionEndpoint(Action.WRITE_ADVICE, "advice", "advice", AdviceIn),
    ActionEndpoint(Action.DECIDE, "decision", "decision", DecisionIn, partial=("offer",)),
    ActionEndpoint(Action.CLOSE, "close", "close"),
    ActionEndpoint(Action.WITHDRAW, "withdraw", "withdraw", ReasonIn, optional=True),
    ActionEndpoint(Action.REJECT, "reject", "reject", RejectIn),
    ActionEndpoint(
        Action.REASSIGN,
        "reassign",
        "reassign",
        ReassignIn,
        renamed={"responsible": "responsible_id"},
        description=(
            "Hand the case to a colleague: the responsible caseworker or the team's manager."
        ),
    ),
    ActionEndpoint(
        Action.TAKE_OVER,
        "take-over",
        "take_over",
        description="A substitute coordinator of the region takes over the case's agenda item.",
    ),
    ActionEndpoint(
        Action.SET_COMPANION,
        "companion",
        "set_companion",
        CompanionIn,
        description=(
            "The citizen (or her caseworker) names the companion (bisidder) who comes to the "
            "conversation, before it begins."
        ),
    ),
    ActionEndpoint(
        Action.MOVE,
        "move",
        "move",
        MoveIn,
        renamed={"meeting": "meeting_id"},
        description=(
            "The team's secretariat moves a case on an agenda, sent or not, to another meeting "
            "of the team; a package already sent is sent again there."
        ),
    ),
]


def _action_view(endpoint: ActionEndpoint) -> Callable[..., Status[dict[str, Any]]]:
    def view(
        request: HttpRequest, case_id: int, response: HttpResponse, payload: Any = None
    ) -> Status[dict[str, Any]]:
        inputs = endpoint.inputs(payload)
        return _action(
            request,
            case_id,
            response,
            lambda user, version: services.run_action(
                endpoint.action, actor=user, case_id=case_id, expected_version=version, **inputs
            ),
        )

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Any),
        inspect.Parameter("case_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
        inspect.Parameter(
            "response", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpResponse
        ),
    ]
    if endpoint.body is not None:
        parameters.append(
            inspect.Parameter(
                "payload",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=endpoint.body | None if endpoint.optional else endpoint.body,
                default=None if endpoint.optional else inspect.Parameter.empty,
            )
        )
    view.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    view.__name__ = view.__qualname__ = endpoint.name
    view.__doc__ = endpoint.description
    return view


for _endpoint in ACTION_ENDPOINTS:
    router.post(f"/{{case_id}}/{_endpoint.path}", response={200: CaseOut, **ERRORS})(
        _action_view(_endpoint)
    )


@router.get("/{case_id}/events", response={200: list[EventOut], **ERRORS})
def events(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = selectors.case_in_scope(user=_user(request), case_id=case_id)
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "label": e.get_kind_display(),
            "actor": str(e.actor) if e.actor else "",
            "role": e.role,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "data": e.data,
        }
        for e in selectors.case_events(case)
    ]


@router.get("/{case_id}/documents", response={200: list[DocumentOut], **ERRORS})
def list_documents(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    read = selectors.read_case(user=_user(request), case_id=case_id)
    health = bool(read.health_role)
    return [serialize.document(d, health=health) for d in selectors.case_documents(read.case)]


@router.post("/{case_id}/documents", response={201: DocumentOut, **ERRORS})
def upload_document(
    request: HttpRequest, case_id: int, kind: Form[str], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    user = _user(request)
    selectors.case_in_scope(user=user, case_id=case_id)

    def compute() -> tuple[int, dict[str, Any]]:
        document = services.add_document(
            actor=user, case_id=case_id, kind=kind, filename=file.name or "", content=file.read()
        )
        return 201, serialize.document(document)

    def again(kept: dict[str, Any]) -> dict[str, Any]:
        # A repeat shows the document as the user may read it now: its name only to a reader of
        # the case's health data (logged by ``read_case``).
        read = selectors.read_case(user=user, case_id=case_id)
        document = selectors.case_documents(read.case).get(pk=kept["id"])
        return serialize.document(document, health=bool(read.health_role))

    status, body = run_once(request, compute, again)
    return Status(status, body)


documents_router = Router(tags=["documents"])


@documents_router.get(
    "/{document_id}/content",
    response={200: None, **ERRORS},
    openapi_extra=file_answer(*(kind.content_type for kind in (PDF, DOCX, ODT, PNG, JPEG))),
)
def document_content(request: HttpRequest, document_id: int, purpose: str = "") -> HttpResponse:
    """The file, as an attachment under a name the system makes, after its checksum is verified;
    the download is logged."""
    document = selectors.read_document(
        user=_user(request), document_id=document_id, purpose=purpose[:300]
    )
    return attachment(document, verified_content(document))


@documents_router.get(
    "/issued/{document_id}/content",
    response={200: None, **ERRORS},
    openapi_extra=file_answer(PDF.content_type),
)
def issued_content(request: HttpRequest, document_id: int) -> HttpResponse:
    """An issued agenda or guidance letter as it was sent, checksum verified; logged."""
    document = read_issued(user=_user(request), document_id=document_id)
    return attachment(document, verified_content(document), name=document.download_name)
