"""Writes to meetings and the collaboration agreement."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import plans_meetings_of
from sundhedskoordinator.access.services import logs_refusals
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.workingdays import dispatch_deadline, is_working_day
from sundhedskoordinator.organisations.models import RehabTeam, User

from .choices import MeetingKind
from .models import CollaborationAgreement, Meeting
from .selectors import agreement_for

MEETING_NOT_ALLOWED = "meeting_not_allowed"
INVALID_INPUT = "invalid_input"


#: The longest reason kept for an extraordinary meeting.
EXTRAORDINARY_REASON = 500


def extraordinary_reason_for(starts_at: dt.datetime, extraordinary_reason: str) -> str:
    """The reason kept with a meeting planned or moved to ``starts_at``: a meeting in the past
    or on a day that is not a working day is refused unless it is an extraordinary one, with
    its reason; for an ordinary day nothing is kept."""
    reason = extraordinary_reason.strip()
    if len(reason) > EXTRAORDINARY_REASON:
        message = _("Højst %(limit)d tegn.") % {"limit": EXTRAORDINARY_REASON}
        raise DomainError(INVALID_INPUT, message, fields={"extraordinary_reason": message})
    day = timezone.localdate(starts_at)
    unusual = ""
    if day < clock.today():
        unusual = _("Mødet ligger i fortiden.")
    elif not is_working_day(day):
        unusual = _(
            "Mødet ligger på en dag, der ikke er en hverdag (weekend, helligdag eller lukkedag)."
        )
    if unusual and not reason:
        message = f"{unusual} " + _(
            "Vælg en anden dag, eller angiv en begrundelse, hvis det er et ekstraordinært møde."
        )
        raise DomainError(
            MEETING_NOT_ALLOWED,
            message,
            fields={
                "starts_at": str(unusual),
                "extraordinary_reason": _("Angiv begrundelsen for det ekstraordinære møde."),
            },
        )
    return reason if unusual else ""


@logs_refusals("team", "team")
def create_meeting(
    *,
    actor: User,
    team: RehabTeam,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    kind: str = MeetingKind.REHAB_TEAM,
    extraordinary_reason: str = "",
) -> Meeting:
    """Plan a meeting of the secretariat's own team. Its dispatch deadline is computed now by the
    region's agreement (10 working days before, by default) and stored with it, so that a later
    change of the agreement never moves it. A meeting in the past or on a day that is not a
    working day is refused unless it is an extraordinary one, with its reason kept."""
    if not plans_meetings_of(actor, team.municipality_id):
        raise DomainError(
            "role_not_allowed", _("Kun teamets sekretariat kan planlægge møder."), status=403
        )
    reason = extraordinary_reason_for(starts_at, extraordinary_reason)
    return plan_meeting(
        team=team,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        kind=kind,
        extraordinary_reason=reason,
    )


def plan_meeting(
    *,
    team: RehabTeam,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    kind: str = MeetingKind.REHAB_TEAM,
    extraordinary_reason: str = "",
) -> Meeting:
    """The meeting itself, once the actor is known to be allowed (also used by the demo loader).
    Refuses a meeting form the region's agreement does not allow."""
    agreement = agreement_for(team.municipality.region)
    if kind not in agreement.meeting_kinds:
        raise DomainError(
            MEETING_NOT_ALLOWED,
            _("Samarbejdsaftalen tillader ikke denne mødeform."),
            fields={"kind": _("Samarbejdsaftalen tillader ikke denne mødeform.")},
        )
    if ends_at <= starts_at:
        raise DomainError(
            INVALID_INPUT,
            _("Mødet skal slutte efter, det begynder."),
            fields={"ends_at": _("Mødet skal slutte efter, det begynder.")},
        )
    day = timezone.localdate(starts_at)
    meeting = Meeting(
        team=team,
        kind=kind,
        date=day,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location or team.location,
        dispatch_deadline=dispatch_deadline(day, agreement.dispatch_working_days),
        deadline_working_days=agreement.dispatch_working_days,
        extraordinary_reason=extraordinary_reason,
    )
    try:
        meeting.full_clean()
    except ValidationError as exc:
        raise DomainError(
            INVALID_INPUT,
            _("Mødet er ikke udfyldt korrekt."),
            fields={k: " ".join(v) for k, v in exc.message_dict.items()},
        ) from exc
    with transaction.atomic():
        meeting.save()
    return meeting


def update_agreement(
    *, agreement: CollaborationAgreement, **changes: object
) -> CollaborationAgreement:
    """Change the region's agreement. Deadlines already computed stay as they are."""
    for field, value in changes.items():
        setattr(agreement, field, value)
    agreement.full_clean()
    with transaction.atomic():
        agreement.save()
    return agreement
