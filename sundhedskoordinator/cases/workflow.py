"""The procedure as one declarative table: state -> action -> roles allowed -> guards -> next state
(DESIGN section 3). Services look their action up here; nothing else decides who may do what when.

Guards are functions ``(case, params) -> list[Missing]`` that read but never write, and return
*every* missing part, so one refusal tells the user all that is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sundhedskoordinator.audit.models import EventKind
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.workingdays import deadline_passed
from sundhedskoordinator.meetings.choices import CancelCode, RightGroup
from sundhedskoordinator.organisations.choices import Role

from .choices import Action, Outcome, RejectionReason, Status
from .models import Case

# --- Error codes (stable: clients and tests import them) ------------------------------------
INVALID_TRANSITION = "invalid_transition"
ROLE_NOT_ALLOWED = "role_not_allowed"
NOT_ON_CASE = "not_on_case"
PREREQUISITES_MISSING = "prerequisites_missing"
NOT_IN_RESOURCE_COURSE = "not_in_resource_course"
CASE_FILE_INCOMPLETE = "case_file_incomplete"
DEADLINE_PASSED = "deadline_passed"
SLOT_TAKEN = "slot_taken"
MEETING_NOT_ALLOWED = "meeting_not_allowed"
INVALID_PARTICIPANT = "invalid_participant"
INVALID_INPUT = "invalid_input"
ADVICE_ALREADY_SUBMITTED = "advice_already_submitted"
STALE_VERSION = "stale_version"


@dataclass(frozen=True)
class Missing:
    """One missing part: a stable code, the field or part it concerns, a Danish message."""

    code: str
    field: str
    message: str


Params = Mapping[str, Any]
Guard = Callable[[Case, Params], list[Missing]]


# --- Guards ---------------------------------------------------------------------------------
def offer_is_described(case: Case, params: Params) -> list[Missing]:
    """Regional procedure item 3 (1): a concrete offer, with its content and its demands."""
    offer = getattr(case, "offer", None)
    missing = []
    if offer is None or not offer.content.strip():
        missing.append(
            Missing(
                PREREQUISITES_MISSING, "offer.content", _("Tilbuddets indhold er ikke beskrevet.")
            )
        )
    if offer is None or not offer.demands.strip():
        missing.append(
            Missing(
                PREREQUISITES_MISSING,
                "offer.demands",
                _("Tilbuddets krav til borgerens deltagelse er ikke beskrevet."),
            )
        )
    return missing


def health_concern_is_described(case: Case, params: Params) -> list[Missing]:
    """Regional procedure item 3 (2): where the offer does not take the citizen's health into
    account, in the citizen's own description."""
    concern = getattr(case, "health_concern", None)
    if concern is None or not concern.text.strip():
        return [
            Missing(
                PREREQUISITES_MISSING,
                "health_concern",
                _(
                    "Borgerens beskrivelse af, hvor tilbuddet ikke tager hensyn til helbredet, "
                    "mangler."
                ),
            )
        ]
    return []


def in_resource_course(case: Case, day: dt.date) -> bool:
    """LAB § 113, stk. 3: the right belongs to citizens in a ressourceforløb, on that day (as
    ``citizens.selectors.citizen_facts`` read it with the case for that day, else read now)."""
    if getattr(case, "checked_on", None) == day:
        return bool(case.in_course)  # type: ignore[attr-defined]
    return any(course.is_active_on(day) for course in case.citizen.resource_courses.all())


#: How each group of citizens the agreement may name is recognised on a day.
RIGHT_CHECKS: dict[str, Callable[[Case, dt.date], bool]] = {
    RightGroup.RESOURCE_COURSE: in_resource_course,
}


def has_the_right(case: Case, day: dt.date, groups: list[str]) -> bool:
    """The citizen belongs, on ``day``, to one of the groups the version of the agreement in
    force names (``CollaborationAgreement.right_groups``)."""
    return any(RIGHT_CHECKS[group](case, day) for group in groups if group in RIGHT_CHECKS)


def citizen_in_active_resource_course(case: Case, params: Params) -> list[Missing]:
    """At the request: the citizen has the right today (is in a ressourceforløb)."""
    if has_the_right(case, params["today"], params["right_groups"]):
        return []
    return [
        Missing(
            NOT_IN_RESOURCE_COURSE,
            "citizen.resource_course",
            _("Borgeren er ikke i et aktivt ressourceforløb og har derfor ikke retten."),
        )
    ]


#: Said when a ressourceforløb ends while the case waits for its meeting, with the way forward.
COURSE_ENDED = gettext_lazy(
    "Borgerens ressourceforløb er ikke længere aktivt, så sagen kan ikke planlægges eller "
    "sendes til sundhedskoordinatoren. Står sagen på en dagsorden, tager sekretariatet den af; "
    "derefter afviser sagsbehandleren anmodningen (årsag: ikke i ressourceforløb). Er "
    "forløbets datoer forkerte, retter sagsbehandleren dem på borgerens side."
)


def citizen_still_in_resource_course(case: Case, params: Params) -> list[Missing]:
    """At scheduling and dispatch: the ressourceforløb may have ended since the request, or end
    before the meeting, where the conversation would come after it."""
    groups = params["right_groups"]
    if not has_the_right(case, params["today"], groups):
        return [Missing(NOT_IN_RESOURCE_COURSE, "citizen.resource_course", str(COURSE_ENDED))]
    meeting_day: dt.date = params["meeting_day"]
    if not has_the_right(case, meeting_day, groups):
        return [
            Missing(
                NOT_IN_RESOURCE_COURSE,
                "citizen.resource_course",
                _(
                    "Borgerens ressourceforløb slutter før mødet den %(day)s, så samtalen ville "
                    "ligge efter forløbet. Vælg et møde, mens forløbet varer, eller ret "
                    "forløbets slutdato på borgerens side, hvis den er forkert."
                )
                % {"day": date_format(meeting_day, "DATE_FORMAT")},
            )
        ]
    return []


def case_file_is_complete(case: Case, params: Params) -> list[Missing]:
    """Regional procedure item 4: descriptions 1 and 2, the indstilling/indsatsplan and relevant
    health information (or a note that there is none); the agreement names the documents."""
    missing = offer_is_described(case, params) + health_concern_is_described(case, params)
    present = {doc.kind for doc in case.documents.all()}
    labels = {
        "action_plan": _("Indstilling/indsatsplan mangler i sagen."),
        "health_information": _(
            "Relevante helbredsoplysninger mangler i sagen (eller et notat om, at der ingen er)."
        ),
    }
    for kind in params["required_document_kinds"]:
        if kind in present:
            continue
        if kind == "health_information" and case.no_health_information_note.strip():
            continue
        missing.append(
            Missing(
                CASE_FILE_INCOMPLETE,
                f"documents.{kind}",
                labels.get(kind, _("Et påkrævet dokument mangler: %s") % kind),
            )
        )
    return [Missing(CASE_FILE_INCOMPLETE, m.field, m.message) for m in missing]


NO_FREE_SLOT = gettext_lazy("Der er ingen ledig tid på mødet.")


def slot_fits_the_meeting(case: Case, params: Params) -> list[Missing]:
    """An item is one case slot plus the advice block, inside the meeting, overlapping no other
    item (agreement: 30 + 15 minutes by default)."""
    meeting = params["meeting"]
    starts_at, ends_at = params["starts_at"], params["ends_at"]
    missing = []
    if meeting.municipality_id != case.municipality_id:
        missing.append(
            Missing(
                MEETING_NOT_ALLOWED,
                "meeting",
                _("Mødet hører ikke til borgerens kommunes rehabiliteringsteam."),
            )
        )
    if meeting.kind not in params["meeting_kinds"]:
        missing.append(
            Missing(
                MEETING_NOT_ALLOWED, "meeting", _("Samarbejdsaftalen tillader ikke denne mødeform.")
            )
        )
    if meeting.cancelled_at is not None:
        missing.append(Missing(MEETING_NOT_ALLOWED, "meeting", _("Mødet er aflyst.")))
    elif meeting.date < params["today"]:
        missing.append(
            Missing(MEETING_NOT_ALLOWED, "meeting", _("Mødet har allerede været holdt."))
        )
    if starts_at is None:
        missing.append(Missing(SLOT_TAKEN, "starts_at", str(NO_FREE_SLOT)))
    elif starts_at < meeting.starts_at or ends_at > meeting.ends_at:
        missing.append(
            Missing(SLOT_TAKEN, "starts_at", _("Tidspunktet ligger uden for mødets tid."))
        )
    elif params["overlapping"]:
        missing.append(
            Missing(
                SLOT_TAKEN, "starts_at", _("Tidspunktet overlapper et andet punkt på dagsordenen.")
            )
        )
    return missing


def participants_are_valid(case: Case, params: Params) -> list[Missing]:
    """BEK 2409/2021 § 3: the coordinator of the region and the responsible caseworker or a
    personal job broker (LAB § 113 a) attend."""
    missing = []
    if not params["coordinator_ok"]:
        missing.append(
            Missing(
                INVALID_PARTICIPANT, "coordinator", _("Vælg en sundhedskoordinator fra regionen.")
            )
        )
    if not params["attendee_ok"]:
        missing.append(
            Missing(
                INVALID_PARTICIPANT,
                "attendee",
                _(
                    "Den deltagende fra jobcentret skal være sagens ansvarlige eller en personlig "
                    "jobformidler i kommunen. Giv sagen videre, hvis en anden skal overtage den."
                ),
            )
        )
    return missing


def late_scheduling_has_reason(case: Case, params: Params) -> list[Missing]:
    """Scheduling on a meeting whose dispatch deadline has passed needs a reason (DESIGN § 3)."""
    passed = deadline_passed(params["meeting"].dispatch_deadline, params["today"])
    if passed and not params["late_reason"].strip():
        return [
            Missing(
                DEADLINE_PASSED,
                "late_reason",
                _(
                    "Fristen for at sende sagen til sundhedskoordinatoren er overskredet. Angiv en "
                    "begrundelse for at planlægge sagen alligevel."
                ),
            )
        ]
    return []


def conversation_times_are_valid(case: Case, params: Params) -> list[Missing]:
    """The conversation ends after it began and not in the future, and begins no earlier than
    the agenda item's time less the agreement's tolerance (not days before its meeting)."""
    started_at, ended_at = params["started_at"], params["ended_at"]
    if ended_at <= started_at:
        return [Missing(INVALID_INPUT, "ended_at", _("Samtalen skal slutte efter, den begyndte."))]
    if ended_at > params["now"]:
        return [Missing(INVALID_INPUT, "ended_at", _("Samtalen kan ikke slutte i fremtiden."))]
    earliest = params["item_starts_at"] - dt.timedelta(minutes=params["early_minutes"])
    if started_at < earliest:
        return [
            Missing(
                INVALID_INPUT,
                "started_at",
                _("Samtalen kan tidligst være begyndt %(at)s, %(minutes)d minutter før sagens tid.")
                % {
                    "at": date_format(timezone.localtime(earliest), "DATETIME_FORMAT"),
                    "minutes": params["early_minutes"],
                },
            )
        ]
    return []


def advice_has_text(case: Case, params: Params) -> list[Missing]:
    if not params["text"].strip():
        return [
            Missing(
                PREREQUISITES_MISSING, "text", _("Skriv vurderingen og de anbefalede tilpasninger.")
            )
        ]
    return []


def correction_has_reason(case: Case, params: Params) -> list[Missing]:
    """Submitted advice is immutable; a correction is a new version with a reason."""
    if not params["correction_reason"].strip():
        return [
            Missing(
                ADVICE_ALREADY_SUBMITTED,
                "correction_reason",
                _(
                    "Rådgivningen er afgivet og kan ikke ændres. En rettelse er en ny version "
                    "med en "
                    "begrundelse."
                ),
            )
        ]
    return []


def decision_has_reasons(case: Case, params: Params) -> list[Missing]:
    """Forvaltningsloven §§ 22–24: the decision gives its reasons."""
    if not params["text"].strip():
        return [
            Missing(PREREQUISITES_MISSING, "text", _("Begrundelsen for stillingtagen mangler."))
        ]
    return []


def companion_before_the_conversation(case: Case, params: Params) -> list[Missing]:
    """The citizen may bring a companion (BEK 2409/2021 § 3) and says who before the
    conversation begins; a relation needs the companion's name."""
    missing = []
    if params["now"] >= params["starts_at"]:
        missing.append(
            Missing(
                INVALID_TRANSITION,
                "companion",
                _("Samtalen er begyndt; bisidderen kan ikke længere ændres her."),
            )
        )
    if params["relation"].strip() and not params["name"].strip():
        missing.append(Missing(INVALID_INPUT, "name", _("Skriv bisidderens navn.")))
    return missing


def offer_starts_in_time(
    start: dt.date | None, recorded: dt.date | None, today: dt.date
) -> list[Missing]:
    """An offer is not registered, moved or replaced to start before today. A start date already
    recorded may stay when it has passed: the request may come after the offer began."""
    if start is None or start >= today or start == recorded:
        return []
    return [
        Missing(
            INVALID_INPUT,
            "offer.start_date",
            _(
                "Startdatoen ligger før i dag. Skriv den dato, tilbuddet begynder; er det "
                "allerede begyndt, så behold den dato, der står."
            ),
        )
    ]


def decision_offer_fits_outcome(case: Case, params: Params) -> list[Missing]:
    """DESIGN section 3, decide: an adjusted offer says what changes (kept as a new version), an
    other offer is described like any offer (content, demands, start), and an offer kept
    unchanged is not changed."""
    outcome, offer, current = params["outcome"], params["offer"], params["current"]
    if outcome == Outcome.UNCHANGED:
        if offer is not None and offer != current:
            return [
                Missing(
                    INVALID_INPUT,
                    "offer",
                    _(
                        "Et tilbud, der fastholdes, ændres ikke. Vælg “Tilbuddet tilpasses”, "
                        "hvis det skal ændres."
                    ),
                )
            ]
        return []
    if offer is None:
        return [
            Missing(PREREQUISITES_MISSING, "offer", _("Beskriv tilbuddet efter stillingtagen."))
        ]
    missing = []
    if outcome == Outcome.OTHER_OFFER and offer == current:
        missing.append(
            Missing(
                PREREQUISITES_MISSING,
                "offer",
                _(
                    "Det andet tilbud er det samme som det nuværende. Beskriv det nye tilbud, "
                    "eller vælg “Tilbuddet fastholdes”."
                ),
            )
        )
    if outcome == Outcome.ADJUST and offer == current:
        missing.append(
            Missing(
                PREREQUISITES_MISSING,
                "offer",
                _(
                    "Tilbuddet er ikke ændret. Ret det, der tilpasses, eller vælg “Tilbuddet "
                    "fastholdes”."
                ),
            )
        )
    if not (offer.get("content") or "").strip():
        missing.append(
            Missing(PREREQUISITES_MISSING, "offer.content", _("Beskriv tilbuddets indhold."))
        )
    if not (offer.get("demands") or "").strip():
        missing.append(
            Missing(
                PREREQUISITES_MISSING,
                "offer.demands",
                _("Beskriv tilbuddets krav til borgerens deltagelse."),
            )
        )
    if outcome == Outcome.OTHER_OFFER and offer.get("start_date") is None:
        missing.append(
            Missing(
                PREREQUISITES_MISSING, "offer.start_date", _("Skriv det nye tilbuds startdato.")
            )
        )
    recorded = (current or {}).get("start_date") if outcome == Outcome.ADJUST else None
    return missing + offer_starts_in_time(offer.get("start_date"), recorded, params["today"])


REJECT_REASON_MISSING = gettext_lazy("Angiv begrundelsen for afvisningen.")
CANCEL_REASON_MISSING = gettext_lazy(
    "Skriv årsagen til aflysningen, når den ikke er en af de faste."
)


def rejection_has_reason(case: Case, params: Params) -> list[Missing]:
    missing = []
    if not params["reason"].strip():
        missing.append(Missing(PREREQUISITES_MISSING, "reason", str(REJECT_REASON_MISSING)))
    if params.get("reason_code", RejectionReason.OTHER) not in RejectionReason.values:
        missing.append(
            Missing(
                PREREQUISITES_MISSING,
                "reason_code",
                _("Vælg en af de faste årsager til afvisning."),
            )
        )
    return missing


def cancellation_has_reason(case: Case, params: Params) -> list[Missing]:
    """A cancelled conversation keeps one of the fixed reasons (the citizen did not come, the
    coordinator is ill, the meeting moved, the citizen withdrew) that statistics and billing
    count by, or "other" with its reason written out."""
    if params["reason_code"] == CancelCode.OTHER and not params["reason"].strip():
        return [Missing(PREREQUISITES_MISSING, "reason", str(CANCEL_REASON_MISSING))]
    return cancel_code_is_known(case, params)


def cancel_code_is_known(case: Case, params: Params) -> list[Missing]:
    """The reason code is one of the fixed ones (``meetings.choices.CancelCode``)."""
    if params["reason_code"] not in CancelCode.values:
        return [
            Missing(
                PREREQUISITES_MISSING,
                "reason_code",
                _("Vælg en af de faste årsager til aflysning."),
            )
        ]
    return []


def moves_to_another_meeting(case: Case, params: Params) -> list[Missing]:
    """A case is moved to a meeting other than the one it is on."""
    meeting = params["meeting"]
    if meeting.pk == params["current_meeting_id"]:
        return [Missing(MEETING_NOT_ALLOWED, "meeting", _("Sagen står allerede på dette møde."))]
    return []


# --- The table ------------------------------------------------------------------------------
CASE_HANDLERS = frozenset({Role.CASEWORKER, Role.JOB_BROKER})


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the case keeps its state
    roles: frozenset[Role]  # roles that act when the actor is on the case in that role
    event: EventKind
    guards: tuple[Guard, ...] = ()
    # Roles that act on a case in their scope without being on it: the action itself puts them
    # on it, openly and logged (the team's manager hands a case on, a substitute coordinator
    # takes the item over).
    by_scope: frozenset[Role] = frozenset()


def _t(
    action: Action,
    sources: set[Status],
    target: Status | None,
    roles: set[Role],
    event: EventKind,
    *guards: Guard,
    by_scope: frozenset[Role] = frozenset(),
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), event, guards, by_scope)


S = Status
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        # A case begins as a draft, opened by a caseworker or job broker of the citizen's
        # municipality (regional procedure item 4): by scope, since nobody is on it yet.
        _t(
            Action.CREATE,
            set(),
            S.DRAFT,
            set(),
            EventKind.CASE_CREATED,
            by_scope=CASE_HANDLERS,
        ),
        _t(
            Action.UPDATE,
            {S.DRAFT, S.REQUESTED},
            None,
            {*CASE_HANDLERS, Role.CITIZEN},
            EventKind.CASE_UPDATED,
        ),
        _t(
            Action.ADD_DOCUMENT,
            {S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED},
            None,
            set(CASE_HANDLERS),
            EventKind.DOCUMENT_ADDED,
        ),
        _t(
            Action.SUBMIT,
            {S.DRAFT},
            S.REQUESTED,
            {*CASE_HANDLERS, Role.CITIZEN},
            EventKind.CASE_SUBMITTED,
            offer_is_described,
            health_concern_is_described,
            citizen_in_active_resource_course,
        ),
        _t(
            Action.COMPLETE,
            {S.REQUESTED},
            S.READY,
            set(CASE_HANDLERS),
            EventKind.CASE_COMPLETED,
            case_file_is_complete,
        ),
        _t(
            Action.SCHEDULE,
            {S.READY},
            S.SCHEDULED,
            {Role.SECRETARIAT},
            EventKind.CASE_SCHEDULED,
            slot_fits_the_meeting,
            participants_are_valid,
            late_scheduling_has_reason,
            citizen_still_in_resource_course,
        ),
        # A case on an agenda, sent or not, can be moved to another meeting of its team (the
        # meeting moved, or passed without the conversation); a sent package is sent again.
        _t(
            Action.MOVE,
            {S.SCHEDULED, S.SENT},
            S.SCHEDULED,
            {Role.SECRETARIAT},
            EventKind.CASE_MOVED,
            moves_to_another_meeting,
            slot_fits_the_meeting,
            participants_are_valid,
            late_scheduling_has_reason,
            citizen_still_in_resource_course,
        ),
        _t(
            Action.UNSCHEDULE,
            {S.SCHEDULED},
            S.READY,
            {Role.SECRETARIAT},
            EventKind.CASE_UNSCHEDULED,
            cancel_code_is_known,
        ),
        _t(
            Action.DISPATCH,
            {S.SCHEDULED},
            S.SENT,
            {Role.SECRETARIAT},
            EventKind.PACKAGE_DISPATCHED,
            citizen_still_in_resource_course,
        ),
        _t(
            Action.HOLD_CONVERSATION,
            {S.SENT},
            S.HELD,
            {Role.COORDINATOR, Role.SECRETARIAT},
            EventKind.CONVERSATION_HELD,
            conversation_times_are_valid,
        ),
        _t(
            Action.CANCEL,
            {S.SENT},
            S.READY,
            {Role.COORDINATOR, Role.SECRETARIAT},
            EventKind.CONVERSATION_CANCELLED,
            cancellation_has_reason,
        ),
        _t(
            Action.RECORD_FILE_NOTE,
            {S.HELD, S.ADVISED, S.DECIDED},
            None,
            set(CASE_HANDLERS),
            EventKind.FILE_NOTE_RECORDED,
        ),
        _t(
            Action.WRITE_ADVICE,
            {S.HELD},
            S.ADVISED,
            {Role.COORDINATOR},
            EventKind.ADVICE_WRITTEN,
            advice_has_text,
        ),
        _t(
            Action.CORRECT_ADVICE,
            {S.ADVISED, S.DECIDED},
            None,
            {Role.COORDINATOR},
            EventKind.ADVICE_CORRECTED,
            correction_has_reason,
            advice_has_text,
        ),
        _t(
            Action.DECIDE,
            {S.ADVISED},
            S.DECIDED,
            set(CASE_HANDLERS),
            EventKind.CASE_DECIDED,
            decision_has_reasons,
            decision_offer_fits_outcome,
        ),
        _t(Action.CLOSE, {S.DECIDED}, S.CLOSED, set(CASE_HANDLERS), EventKind.CASE_CLOSED),
        _t(
            Action.WITHDRAW,
            # The citizen may withdraw the request at any time before the decision (after
            # dispatch the region may bill it: ``billing``), so no case is left without a way
            # to an end.
            {S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED, S.SENT, S.HELD, S.ADVISED},
            S.WITHDRAWN,
            {*CASE_HANDLERS, Role.CITIZEN},
            EventKind.CASE_WITHDRAWN,
        ),
        _t(
            Action.REASSIGN,
            {S.DRAFT, S.REQUESTED, S.READY, S.SCHEDULED, S.SENT, S.HELD, S.ADVISED, S.DECIDED},
            None,
            set(CASE_HANDLERS),
            EventKind.CASE_REASSIGNED,
            by_scope=frozenset({Role.MANAGER}),
        ),
        _t(
            Action.TAKE_OVER,
            {S.SENT, S.HELD, S.ADVISED, S.DECIDED},
            None,
            set(),
            EventKind.ITEM_TAKEN_OVER,
            by_scope=frozenset({Role.COORDINATOR}),
        ),
        _t(
            Action.SET_COMPANION,
            {S.SCHEDULED, S.SENT},
            None,
            {*CASE_HANDLERS, Role.CITIZEN},
            EventKind.COMPANION_SET,
            companion_before_the_conversation,
        ),
        _t(
            Action.REJECT,
            {S.REQUESTED, S.READY},
            S.REJECTED,
            set(CASE_HANDLERS),
            EventKind.CASE_REJECTED,
            rejection_has_reason,
        ),
    ]
}


def allowed_role(transition: Transition, roles: list[str], on_case: list[str]) -> str:
    """The role in which the actor takes the action, or a refusal (DESIGN section 2): a role
    the action allows and in which the actor is on the case (``on_case``), or a role the action
    allows by scope alone. Holding an allowed role somewhere in scope without being on the case
    is refused as such."""
    for role in on_case:
        if role in transition.roles:
            return role
    for role in roles:
        if role in transition.by_scope:
            return role
    if any(role in transition.roles for role in roles):
        raise DomainError(
            NOT_ON_CASE,
            _(
                "Du er ikke tilknyttet sagen. Kun sagens ansvarlige, dens sundhedskoordinator og "
                "teamets sekretariat kan handle på den; bed den ansvarlige eller lederen om at "
                "give sagen videre til dig."
            ),
            status=403,
        )
    raise DomainError(
        ROLE_NOT_ALLOWED,
        _("Din rolle giver ikke adgang til at %(action)s.")
        % {"action": transition.action.label.lower()},
        status=403,
    )


def check_state(transition: Transition, case: Case) -> None:
    if case.status not in transition.sources:
        raise DomainError(
            INVALID_TRANSITION,
            _("Handlingen »%(action)s« kan ikke udføres, når sagen har status »%(status)s«.")
            % {"action": transition.action.label, "status": Status(case.status).label},
        )


def run_guards(transition: Transition, case: Case, params: Params) -> None:
    """Run every guard and refuse with all missing parts at once."""
    refuse([m for guard in transition.guards for m in guard(case, params)])


def refuse(missing: list[Missing]) -> None:
    """Refuse with every missing part at once (one code if they share one); nothing if none."""
    if not missing:
        return
    codes = {m.code for m in missing}
    code = codes.pop() if len(codes) == 1 else PREREQUISITES_MISSING
    fields: dict[str, str] = {}
    for m in missing:
        fields[m.field] = f"{fields[m.field]} {m.message}" if m.field in fields else m.message
    raise DomainError(code, " ".join(m.message for m in missing), fields=fields)


def available_actions(case: Case, roles: list[str], on_case: list[str]) -> list[str]:
    """The actions the actor could take on the case in its current state (guards not run): by a
    role they are on the case in, or by scope where the action allows it."""
    return [
        a.value
        for a, t in TRANSITIONS.items()
        if case.status in t.sources
        and (any(r in t.roles for r in on_case) or any(r in t.by_scope for r in roles))
    ]
