"""The API's JSON shapes (DESIGN section 6). Field names are part of the contract: add, never
rename."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from sundhedskoordinator.cases.choices import RejectionReason
from sundhedskoordinator.meetings.choices import CancelCode

#: The refusal of a day not written as the document's ``format: date`` says.
NOT_A_DAY = "Skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-12-15."


def _written_as_a_day(value: Any) -> Any:
    """Only YYYY-MM-DD reaches pydantic's date parsing, which would also read a number as seconds
    since 1970 ("0" or 0 as 1 January 1970) and take a datetime at midnight for its day: a
    client's mistake silently read as another day."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise PydanticCustomError("date_format", NOT_A_DAY)


#: A day the API reads (a query parameter or a field of a body), written YYYY-MM-DD.
Day = Annotated[dt.date, BeforeValidator(_written_as_a_day)]

BINARY: dict[str, Any] = {"type": "string", "format": "binary"}


def file_answer(*media_types: str, schema: dict[str, Any] = BINARY) -> dict[str, Any]:
    """``openapi_extra`` for an operation that answers 200 with a file: the document names the
    media types that come back, so a client (and the schema-checked fuzz) knows what to expect
    instead of a 200 documented without a body. OpenAPI requires every response's description."""
    return {
        "responses": {
            "200": {
                "description": "OK",
                "content": dict.fromkeys(media_types, {"schema": schema}),
            }
        }
    }


class Out(BaseModel):
    """An answer's shape. The handlers answer with plain dicts (``serialize``), which pydantic
    validates on its own; ninja's ``Schema`` would look every field of every nested object up
    through its ``DjangoGetter`` in Python, made for reading model instances (a list of 100 cases
    took 120 ms in one process with it, 78 without). Requests keep ``Schema``."""

    model_config = ConfigDict(from_attributes=True)


class ErrorDetail(Out):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorOut(Out):
    error: ErrorDetail


class Ref(Out):
    id: int
    name: str


class OfferFields(BaseModel):
    """What an offer is, asked for (``OfferIn``) and answered (``OfferOut``)."""

    kind: str
    provider: str = ""
    start_date: Day | None = None
    hours_per_week: Decimal | None = Field(None, ge=0, le=80)
    content: str = ""
    demands: str = ""


class OfferIn(Schema, OfferFields):
    pass


class OfferOut(OfferFields, Out):
    on_hold: bool
    version: int | None = Field(None, description="The offer's current version number.")


class OfferVersionOut(OfferFields, Out):
    """One version of the offer: registered, corrected, adjusted or replaced by the decision."""

    version: int
    change: str = Field(description="`registered`, `edited`, `adjusted` or `replaced`.")
    recorded_at: dt.datetime
    recorded_by: Ref


class HealthConcernIn(Schema):
    text: str
    areas: list[str] = []
    channel: str = ""


class HealthConcernOut(Out):
    text: str
    areas: list[str]
    written_by: str
    channel: str


class MeetingRef(Out):
    id: int
    municipality: Ref
    team: Ref | None = Field(description="None for a stand-alone conversation meeting.")
    kind: str
    date: dt.date
    starts_at: dt.datetime
    location: str
    dispatch_deadline: dt.date


class AgendaItemOut(Out):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    coordinator: Ref
    attendee: Ref
    companion: str
    companion_relation: str = ""
    dispatch_deadline: dt.date
    deadline_rule: str
    scheduled_late: bool
    late_reason: str


class DispatchOut(Out):
    deadline: dt.date
    sent_at: dt.datetime | None
    late: bool | None
    working_days_late: int | None


class ConversationOut(Out):
    started_at: dt.datetime
    ended_at: dt.datetime
    attendees: list[dict[str, str]]
    file_note: str
    file_note_history: list[dict[str, Any]] = []


class AdviceOut(Out):
    text: str
    accommodations: str
    submitted_at: dt.datetime
    minutes_after_conversation: int
    version: int
    correction_reason: str


class DecisionOut(Out):
    outcome: str
    text: str
    decided_at: dt.datetime
    offer_version: int | None = Field(
        None, description="The offer's version the decision recorded (adjusted or other offer)."
    )


class AgendaHistoryOut(Out):
    """One agenda item of the case, also the cancelled ones: what billing and the lead times
    are computed from."""

    id: int
    meeting: int
    meeting_date: dt.date
    starts_at: dt.datetime
    cancelled_at: dt.datetime | None
    held: bool
    dispatch: DispatchOut | None


class AdviceTimingOut(Out):
    submitted_at: dt.datetime
    minutes_after_conversation: int


class WarningOut(Out):
    code: str
    message: str


class CitizenRef(Out):
    id: int
    name: str
    cpr: str


class ResponsibleOut(Ref):
    role: str


class CaseOut(Out):
    health_data_included: bool = Field(
        description="False when the reader's role sees case metadata only: the citizen's "
        "description, the advice and the file note are then left out."
    )
    id: int
    reference: str
    case_type: str
    subtype: str
    status: str
    status_label: str
    citizen: CitizenRef
    municipality: Ref
    responsible: ResponsibleOut
    version: int
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    request_channel: str
    guidance_given: bool
    no_health_information_note: str
    offer: OfferOut | None
    offer_history: list[OfferVersionOut] = []
    health_concern: HealthConcernOut | None
    meeting: MeetingRef | None
    agenda_item: AgendaItemOut | None
    dispatch: DispatchOut | None
    conversation: ConversationOut | None
    advice: AdviceOut | None
    advice_versions: list[AdviceOut]
    decision: DecisionOut | None
    closed_at: dt.datetime | None
    rejection_reason: str = Field(
        description="The reason code of a refused request (`not_in_resource_course`, "
        "`no_concrete_offer`, `not_about_health`, `already_assessed`, `other`); empty otherwise."
    )
    agenda_history: list[AgendaHistoryOut] = Field(
        description="Every agenda item of the case in time order, cancelled ones included, "
        "with its meeting date, dispatch and whether the conversation was held."
    )
    advice_timing: AdviceTimingOut | None = Field(
        description="When the first advice came, in minutes after the conversation ended; "
        "shown without the advice itself to every reader of the case."
    )
    actions: list[str]
    warnings: list[WarningOut] = []


class CasePage(Out):
    count: int
    items: list[CaseOut]


class CaseCreate(Schema):
    citizen: int
    responsible: int | None = None
    offer: OfferIn | None = None
    health_concern: HealthConcernIn | None = None


class CasePatch(Schema):
    offer: OfferIn | None = None
    health_concern: HealthConcernIn | None = None
    no_health_information_note: str | None = None
    #: Refused here: handing a case on is its own action, ``POST /cases/{id}/reassign``.
    responsible: int | None = None


class ReassignIn(Schema):
    responsible: int


class SubmitIn(Schema):
    channel: str = ""


class ScheduleIn(Schema):
    meeting: int
    coordinator: int = Field(
        description="A coordinator of the region: `GET /meetings/{id}/coordinators` lists them."
    )
    starts_at: AwareDatetime | None = None
    attendee: int | None = None
    companion: str = ""
    late_reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class CancelIn(ReasonIn):
    """A cancellation with its reason code; ``other`` needs ``reason`` written."""

    reason_code: CancelCode = Field(
        CancelCode.OTHER,
        description="Why: statistics count by it, and billing bills a cancellation after "
        "dispatch only for `citizen_absent`, `citizen_withdrew` and `other`.",
    )


class MoveIn(Schema):
    meeting: int = Field(description="The meeting of the same team the case moves to.")
    starts_at: AwareDatetime | None = Field(None, description="Left out: the first free slot.")
    late_reason: str = Field("", description="Needed when the meeting's deadline has passed.")
    reason: str = ""


class MeetingChangeIn(Schema):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location: str = Field("", description="Left out: the place stays.")
    reason: str = Field(description="Why it changes; the participants are told.")
    extraordinary_reason: str = ""


class MeetingCancelIn(Schema):
    reason_code: Literal["coordinator_ill", "meeting_moved", "other"]
    reason: str = Field("", description="Needed for `other`.")
    move_to: int | None = Field(
        None, description="Another meeting of the team the cases move to; left out: back to ready."
    )
    late_reason: str = ""


class CoordinatorOut(Out):
    id: int
    name: str


class CompanionIn(Schema):
    name: str = Field(description="The companion's name; empty takes the companion off.")
    relation: str = Field("", description="The companion's relation to the citizen.")


class RejectIn(ReasonIn):
    reason_code: RejectionReason = RejectionReason.OTHER


class ConversationIn(Schema):
    started_at: AwareDatetime
    ended_at: AwareDatetime
    attendees: list[dict[str, str]] | None = None
    present: list[Literal["citizen", "companion", "municipality"]] | None = Field(
        None,
        description="Who of the agenda item's participants came (the coordinator always does); "
        "left out: all of them. Ignored when `attendees` is given.",
    )


class AdviceIn(Schema):
    text: str
    accommodations: str = ""
    correction_reason: str = ""


class DecisionIn(Schema):
    outcome: str
    text: str
    offer: OfferIn | None = Field(
        None,
        description="The offer as it is after the decision: the adjusted offer (`adjust`) or "
        "the other offer (`other_offer`); left out when the offer is kept (`unchanged`). Fields "
        "left out keep the current offer's values.",
    )


class FileNoteIn(Schema):
    text: str


class DocumentOut(Out):
    id: int
    kind: str
    version: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str


class EventOut(Out):
    at: dt.datetime
    kind: str
    label: str
    actor: str
    role: str
    from_state: str
    to_state: str
    data: dict[str, Any]


class ResourceCourseOut(Out):
    start_date: dt.date
    end_date: dt.date | None
    active: bool


class GuidanceOut(Out):
    id: int
    given_on: dt.date
    channel: str
    written: bool
    given_by: str
    note: str


class CitizenOut(Out):
    id: int
    cpr: str
    name: str
    municipality: Ref
    resource_course: ResourceCourseOut | None
    guidance: list[GuidanceOut]
    informed_of_right: bool
    #: Exempt from Digital Post: her letters go on paper through the print service.
    digital_post_exempt: bool = False


class CitizenPage(Out):
    count: int
    items: list[CitizenOut]


class CitizenCreate(Schema):
    cpr: str = Field(..., description="Write-only: reads show the masked form DDMMÅÅ-XXXX.")
    name: str
    municipality: int | None = None
    email: str = ""
    resource_course_start: Day | None = None
    resource_course_end: Day | None = None
    digital_post_exempt: bool = False


class GuidanceIn(Schema):
    given_on: Day
    channel: str
    note: str = ""


class MeetingOut(MeetingRef):
    ends_at: dt.datetime
    deadline_working_days: int
    sequence: int = Field(description="Raised at each change of time or place (iCalendar).")
    cancelled_at: dt.datetime | None
    cancel_code: str


class MeetingPage(Out):
    count: int
    items: list[MeetingOut]


class MeetingCreate(Schema):
    team: int | None = Field(
        None,
        description="The rehab team; left out for a stand-alone conversation meeting where the "
        "agreement in force on the day requires no rehab team (then `municipality`).",
    )
    municipality: int | None = Field(None, description="Needed when `team` is left out.")
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location: str = ""
    kind: str = "rehab_team"
    extraordinary_reason: str = Field(
        "",
        description="Needed only for a meeting in the past or on a day that is not a working "
        "day (weekend, public holiday or closing day).",
    )


class AgendaEntry(Out):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    case: int
    reference: str
    status: str
    dispatch_deadline: dt.date
    scheduled_late: bool
    sent_at: dt.datetime | None
    late: bool | None


class AgendaOut(Out):
    meeting: MeetingOut
    items: list[AgendaEntry]


class TokenIn(Schema):
    username: str
    password: str
    otp: str = Field("", description="A TOTP code, where staff must confirm a second factor.")


class TokenOut(Out):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int


class AccessLogEntry(Out):
    at: dt.datetime
    user: str
    role: str
    role_label: str
    organisation: str
    action: str
    action_label: str
    object: str
    case: str | None
    purpose: str


class AccessLogPage(Out):
    count: int
    items: list[AccessLogEntry]
