"""What every case service shares: the result and warning types, locking the case at the version
the caller saw, finding the actor's role and checking the state, moving the case and writing its
one audit event, and the refusal log."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import (
    action_roles,
    in_case_scope,
    item_is_sent,
)
from sundhedskoordinator.access.services import logs_refusals
from sundhedskoordinator.audit.services import record_event
from sundhedskoordinator.cases import letter_data, workflow
from sundhedskoordinator.cases.choices import Action, OfferChange
from sundhedskoordinator.cases.models import (
    OFFER_FIELDS,
    AgendaItem,
    Case,
    CaseSequence,
    Document,
    Offer,
    OfferVersion,
)
from sundhedskoordinator.cases.selectors import CASE_NOT_FOUND, agenda_items
from sundhedskoordinator.citizens.selectors import citizen_facts
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    OutOfScopeError,
)
from sundhedskoordinator.documents import letters
from sundhedskoordinator.documents.models import IssuedKind
from sundhedskoordinator.documents.storage import store_version
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.models import User

GUIDANCE_MISSING = "guidance_missing"


@dataclass
class Warning:
    """Something the user should act on that does not stop the action (e.g. missing guidance)."""

    code: str
    message: str


@dataclass
class Result:
    case: Case
    warnings: list[Warning] = field(default_factory=list)


# --- The shared shape -------------------------------------------------------------------------
_case_refusals_logged = logs_refusals(
    "case", "case_id", case_of=lambda pk: Case.objects.filter(pk=pk).first()
)


def _in_scope(actor: User | None, case_id: int) -> QuerySet[Case]:
    """The case as the actor may find it: only in their scope (the policy's ``in_case_scope``);
    ``None`` for the system's own steps (a meeting's cancellation moving its cases, retention),
    which act on any case."""
    cases = Case.objects.filter(pk=case_id)
    return cases if actor is None else in_case_scope(cases, actor)


def _found(case: Case | None, actor: User | None) -> Case:
    """The case ``_in_scope`` found; a case the actor cannot see answers 404 like a missing one,
    and is logged as a refused attempt (``_case_refusals_logged``)."""
    if case is not None:
        return case
    if actor is None:
        raise NotFoundError("not_found", CASE_NOT_FOUND)
    raise OutOfScopeError("not_found", CASE_NOT_FOUND)


def _lock(case_id: int, expected_version: int | None, actor: User | None) -> Case:
    """The case, locked for this transaction, at the version the caller last saw; with its
    offer and the citizen's description, which most actions read, and what the rules ask of the
    citizen today (``citizen_facts``). Only a case in the ``actor``'s scope is found
    (``_in_scope``): any other answers 404 before anything is locked, read or written. Only the
    case's row and its citizen's are locked: the municipality, the region and the responsible
    caseworker are shared by many cases, and locking them would make every action in a
    municipality wait for the one before it."""
    case = _found(
        _in_scope(actor, case_id)
        .select_for_update(of=("self", "citizen"))
        .select_related("citizen", "municipality__region", "responsible", "offer", "health_concern")
        .annotate(**citizen_facts(clock.today(), "citizen_id"))
        .first(),
        actor,
    )
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            workflow.STALE_VERSION,
            _("Sagen er ændret af en anden, siden du hentede den. Hent den igen og prøv igen."),
        )
    return case


def _authorise(case: Case, action: Action, actor: User) -> tuple[workflow.Transition, str]:
    """The actor's role for this action on this case: they must be on the case (or the action
    must allow their role by scope), and the case in a state the action starts from."""
    transition = workflow.TRANSITIONS[action]
    roles = action_roles(actor, case)
    role = workflow.allowed_role(transition, roles.scoped, roles.on_case)
    workflow.check_state(transition, case)
    return transition, role


#: A write that must land in the transaction of the action on a case running now (``together``).
_landing: ContextVar[list[Callable[[Case], None]] | None] = ContextVar("landing", default=None)


@contextlib.contextmanager
def together(write: Callable[[Case], None]) -> Iterator[None]:
    """Within this block, the first action on a case (or its creation) also runs
    ``write(case)`` inside its own transaction, just before it commits: for a write that must
    land with the action or not at all. The API keeps its record of an Idempotency-Key so, and a
    repeated request can then never run the action twice, even when the server dies between the
    commit and the answer."""
    token = _landing.set([write])
    try:
        yield
    finally:
        _landing.reset(token)


def _land(case: Case) -> None:
    """Run the write ``together`` asked for, once; called inside an action's transaction."""
    pending = _landing.get()
    if pending:
        pending.pop()(case)


def _finish(
    case: Case,
    transition: workflow.Transition,
    actor: User,
    role: str,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Case:
    """Move the case to the transition's target, bump the version and log the event."""
    from_state = case.status
    if transition.target is not None:
        case.status = transition.target
    for name, value in changes.items():
        setattr(case, name, value)
    case.version += 1
    case.save(with_list_order=True)
    record_event(
        case=case,
        kind=transition.event,
        actor=actor,
        role=role,
        from_state=from_state,
        to_state=case.status,
        data=data,
    )
    _land(case)
    return case


def _next_reference(year: int) -> tuple[int, str]:
    """Draw the next number of the year: RSK-2026-000123. One UPDATE raises the year's last
    number and answers it; it holds the row's lock until the commit, so two cases never get the
    same number. The year's first case makes the row, under a lock (and a database without
    RETURNING takes that way each time)."""
    number = None
    if connection.features.can_return_rows_from_update:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(CaseSequence._meta.db_table)} "  # noqa: S608 (names of ours)
                f"SET {quote('last_number')} = {quote('last_number')} + 1 "
                f"WHERE {quote('year')} = %s RETURNING {quote('last_number')}",
                [year],
            )
            row = cursor.fetchone()
        number = row[0] if row else None
    if number is None:
        sequence, _created = CaseSequence.objects.select_for_update().get_or_create(year=year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        number = sequence.last_number
    return number, f"RSK-{year}-{number:06d}"


def _store_document(
    case: Case,
    kind: str,
    content: bytes,
    *,
    filename: str,
    content_type: str,
    suffix: str,
    actor: User,
) -> Document:
    """Keep the bytes as the next version of the case's document of this kind
    (``documents.storage``)."""
    document = Document(
        case=case,
        kind=kind,
        filename=filename[:200],
        content_type=content_type,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    return store_version(
        document, content, name=f"{kind}{suffix}", versions=case.documents.filter(kind=kind)
    )


def _issue(case: Case, kind: str, content: bytes, actor: User) -> Document:
    """Store a PDF the system issued in this step with the case."""
    return _store_document(
        case,
        kind,
        content,
        filename=f"{case.reference}-{kind}.pdf",
        content_type="application/pdf",
        suffix=".pdf",
        actor=actor,
    )


def _active_item(case: Case) -> AgendaItem:
    return case.agenda_items.select_for_update().get(cancelled_at__isnull=True)


def _cancel_item(item: AgendaItem, code: str, reason: str = "") -> None:
    """Cancel the agenda item with its reason code (and text): its slot is freed, and its
    calendar entry is replaced by a cancellation (a higher SEQUENCE)."""
    item.cancelled_at, item.cancel_code, item.cancel_reason = clock.now(), code, reason
    item.sequence += 1
    item.save(update_fields=["cancelled_at", "cancel_code", "cancel_reason", "sequence"])


def _issue_agenda(meeting: Meeting, actor: User, notice: str = "") -> None:
    """Issue the meeting's agenda as it now stands as its next version. The meeting row is the
    lock that gives concurrent issues distinct versions."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    letters.store_issued(
        kind=IssuedKind.AGENDA,
        content=letters.agenda(
            letter_data.agenda_letter(meeting, agenda_items(meeting), notice=notice)
        ),
        actor=actor,
        meeting_id=meeting.pk,
    )


def _coordinator_if_sent(case: Case, item: AgendaItem) -> list[User]:
    """The coordinator hears of an agenda item only once its package has been sent to them
    (DESIGN section 2): before that, no inbox entry, e-mail or invitation names the case to
    them, even when the case was sent once before to another coordinator."""
    return [item.coordinator] if item_is_sent(item) else []


# --- The offer and its versions ----------------------------------------------------------------
def offer_values(offer: dict[str, Any]) -> dict[str, Any]:
    """The offer's fields given in the input, as the model keeps them (texts never None, hours
    as a decimal)."""
    values = {k: offer.get(k) for k in OFFER_FIELDS if k in offer}
    for text_field in ("provider", "content", "demands"):
        if text_field in values and values[text_field] is None:
            values[text_field] = ""
    if values.get("hours_per_week") is not None:
        values["hours_per_week"] = Decimal(str(values["hours_per_week"]))
    return values


def current_offer_values(case: Case) -> dict[str, Any] | None:
    """The case's offer as it stands, in the shape ``offer_values`` gives; None if it has none."""
    offer = getattr(case, "offer", None)
    return {k: getattr(offer, k) for k in OFFER_FIELDS} if offer else None


def _save_offer(
    case: Case, values: dict[str, Any], change: OfferChange, actor: User
) -> OfferVersion | None:
    """Write the values to the case's offer (made if it has none) and keep them as the offer's
    next version, so every earlier version stays readable; None when nothing changed. A start
    date is refused when it is set before today (``workflow.offer_starts_in_time``)."""
    instance = getattr(case, "offer", None) or Offer(case=case)
    # A case's offer is never deleted, so an offer made now has no versions before it.
    first = instance.pk is None
    current = current_offer_values(case)
    if current is not None and all(current[k] == v for k, v in values.items()):
        return None
    recorded_start = instance.start_date if instance.pk else None
    for k, v in values.items():
        setattr(instance, k, v)
    workflow.refuse(
        workflow.offer_starts_in_time(instance.start_date, recorded_start, clock.today())
    )
    now = clock.now()
    instance.registered_by, instance.registered_at = actor, now
    _validate(instance, "offer")
    instance.save()
    case.offer = instance
    latest = (
        None
        if first
        else case.offer_versions.order_by("-version").values_list("version", flat=True).first()
    )
    return OfferVersion.objects.create(
        case=case,
        version=(latest or 0) + 1,
        change=change,
        recorded_by=actor,
        recorded_at=now,
        **{k: getattr(instance, k) for k in OFFER_FIELDS},
    )


#: The fields of an offer or a description that name the acting user.
_SET_BY_THE_SERVICE = ("registered_by", "recorded_by")


def _validate(instance: Any, prefix: str) -> None:
    """The model's own checks (choices, lengths), as a refusal with the field names the API
    and the forms use."""
    try:
        # Not the case nor who recorded it: the service sets both from rows it has read, and
        # checking that they exist would cost a query each.
        instance.full_clean(exclude=["case", *_SET_BY_THE_SERVICE])
    except ValidationError as exc:
        fields = {f"{prefix}.{k}": " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
        raise DomainError(workflow.INVALID_INPUT, " ".join(fields.values()), fields=fields) from exc
