"""Writes to meetings and the collaboration agreement."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import plans_meetings_of
from sundhedskoordinator.access.services import log_denied
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.workingdays import dispatch_deadline, is_working_day
from sundhedskoordinator.organisations.models import Municipality, RehabTeam, User

from .choices import MeetingKind
from .models import CollaborationAgreement, Meeting
from .selectors import agreement_on

MEETING_NOT_ALLOWED = "meeting_not_allowed"
INVALID_INPUT = "invalid_input"


#: How far back (an extraordinary meeting recorded afterwards) and ahead a meeting may lie.
PLANNING_REACH_BACK = dt.timedelta(days=366)
PLANNING_REACH_AHEAD = dt.timedelta(days=5 * 366)

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
    today = clock.today()
    day = (
        starts_at.date() if abs(starts_at.year - today.year) > 5 else timezone.localdate(starts_at)
    )
    if not today - PLANNING_REACH_BACK <= day <= today + PLANNING_REACH_AHEAD:
        message = _("Vælg en dato højst et år tilbage og fem år frem.")
        raise DomainError(INVALID_INPUT, message, fields={"starts_at": message})
    unusual = ""
    if day < today:
        unusual = _("Mødet ligger i fortiden.")
    elif not is_working_day(day):
        unusual = _("%(day)s er ikke en hverdag (weekend, helligdag eller lukkedag).") % {
            "day": capfirst(date_format(day, "l j. F"))
        }
    if unusual and not reason:
        message = f"{unusual} " + _(
            "Vælg en anden dag, eller skriv i feltet nedenfor, hvorfor mødet skal holdes alligevel."
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


def _refuse_in_field(code: str, field: str, message: str) -> None:
    raise DomainError(code, message, fields={field: message})


def meeting_fits_agreement(
    agreement: CollaborationAgreement, kind: str, has_team: bool, day: dt.date
) -> list[tuple[str, str]]:
    """What the version of the agreement in force on the meeting day refuses in a meeting, as
    (field, message): a meeting form it does not allow, or no rehab team where it requires one
    (a rehab-team meeting always has its team)."""
    day_text = date_format(day, "DATE_FORMAT")
    refusals = []
    if kind not in agreement.meeting_kinds:
        refusals.append(
            (
                "kind",
                _("Samarbejdsaftalen, der gælder den %(day)s, tillader ikke denne mødeform.")
                % {"day": day_text},
            )
        )
    if not has_team and kind == MeetingKind.REHAB_TEAM:
        refusals.append(("team", _("Et møde i rehabiliteringsteamet skal have sit team.")))
    elif not has_team and agreement.rehab_team_required:
        refusals.append(
            (
                "team",
                _(
                    "Samarbejdsaftalen, der gælder den %(day)s, kræver, at samtalen ligger på et "
                    "møde i rehabiliteringsteamet. Vælg teamet."
                )
                % {"day": day_text},
            )
        )
    return refusals


def create_meeting(
    *,
    actor: User,
    team: RehabTeam | None = None,
    municipality: Municipality | None = None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    kind: str = MeetingKind.REHAB_TEAM,
    extraordinary_reason: str = "",
) -> Meeting:
    """Plan a meeting of the secretariat's own municipality: of its rehab team, or (where the
    agreement in force on the day requires no team) a stand-alone conversation meeting. Its
    dispatch deadline is computed now by that version of the agreement (10 working days before,
    by default) and stored with it, so that a later change never moves it. A meeting in the past
    or on a day that is not a working day is refused unless it is an extraordinary one, with its
    reason kept."""
    municipality = team.municipality if team is not None else municipality
    if municipality is None:
        _refuse_in_field(INVALID_INPUT, "team", _("Vælg teamet eller kommunen."))
    assert municipality is not None  # noqa: S101 - refused above
    if not plans_meetings_of(actor, municipality.pk):
        # Logged like every refusal of who may act (DESIGN section 2).
        log_denied(user=actor, object_type="municipality", object_id=municipality.pk)
        raise DomainError(
            "role_not_allowed", _("Kun teamets sekretariat kan planlægge møder."), status=403
        )
    reason = extraordinary_reason_for(starts_at, extraordinary_reason)
    return plan_meeting(
        team=team,
        municipality=municipality,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        kind=kind,
        extraordinary_reason=reason,
    )


def plan_meeting(
    *,
    team: RehabTeam | None,
    municipality: Municipality | None = None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    kind: str = MeetingKind.REHAB_TEAM,
    extraordinary_reason: str = "",
) -> Meeting:
    """The meeting itself, once the actor is known to be allowed (also used by the demo loader).
    Refuses what the version of the agreement in force on the meeting day does not allow."""
    municipality = team.municipality if team is not None else municipality
    assert municipality is not None  # noqa: S101 - a meeting belongs to a municipality
    day = timezone.localdate(starts_at)
    agreement = agreement_on(municipality.region_id, day)
    refusals = meeting_fits_agreement(agreement, kind, team is not None, day)
    if ends_at <= starts_at:
        refusals.append(("ends_at", _("Mødet skal slutte efter, det begynder.")))
    if team is None and not location.strip():
        refusals.append(
            ("location", _("Skriv, hvor samtalen holdes: uden team er der intet fast sted.")),
        )
    if refusals:
        fields = dict(refusals)
        code = MEETING_NOT_ALLOWED if {"kind", "team"} & set(fields) else INVALID_INPUT
        raise DomainError(code, " ".join(fields.values()), fields=fields)
    meeting = Meeting(
        team=team,
        municipality=municipality,
        kind=kind,
        date=day,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location or (team.location if team else ""),
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
