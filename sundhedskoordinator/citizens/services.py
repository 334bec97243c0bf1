"""Writes to citizens, their ressourceforløb and the guidance they are given."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sundhedskoordinator.access.policy import handler_role
from sundhedskoordinator.access.services import log_denied, logs_refusals
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import letters
from sundhedskoordinator.documents.models import IssuedKind
from sundhedskoordinator.meetings.selectors import agreement_of_municipality
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, User
from sundhedskoordinator.organisations.services import grant_role
from sundhedskoordinator.post.choices import LetterKind
from sundhedskoordinator.post.services import Letter, Sender, send_letter

from .choices import POSTED_GUIDANCE_CHANNELS, WRITTEN_GUIDANCE_CHANNELS
from .cpr import protect_cpr, validate_cpr
from .models import Citizen, Guidance, ResourceCourse
from .selectors import post_recipient

INVALID_INPUT = "invalid_input"
CITIZEN_EXISTS = "citizen_exists"


def _require_municipal_handler(actor: User, municipality_id: int) -> None:
    if handler_role(actor, municipality_id) is None:
        raise DomainError(
            "role_not_allowed",
            _(
                "Kun kommunens sagsbehandlere og jobformidlere kan registrere borgere og "
                "vejledning."
            ),
            status=403,
        )


def _validation_error(exc: ValidationError) -> DomainError:
    fields = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
    return DomainError(INVALID_INPUT, " ".join(fields.values()), fields=fields)


@logs_refusals("municipality", "municipality")
def create_citizen(
    *,
    actor: User,
    cpr: str,
    name: str,
    municipality: Municipality,
    email: str = "",
    course_start: dt.date | None = None,
    course_end: dt.date | None = None,
    digital_post_exempt: bool = False,
) -> Citizen:
    """Register a citizen of the actor's municipality, with their ressourceforløb if given. The
    CPR number is validated and never repeated in an error message."""
    _require_municipal_handler(actor, municipality.pk)
    try:
        validate_cpr(cpr)
    except ValidationError as exc:
        raise _validation_error(ValidationError({"cpr": exc.messages})) from exc
    citizen = Citizen(
        name=name,
        municipality=municipality,
        email=email,
        digital_post_exempt=digital_post_exempt,
        **protect_cpr(cpr),
    )
    try:
        citizen.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    # Only the actor's own municipality's register is looked in: whether another municipality
    # knows the person is never answered (the same 201 as for someone new), only logged.
    elsewhere = (
        Citizen.objects.filter(cpr_hash=citizen.cpr_hash).exclude(municipality=municipality).first()
    )
    if elsewhere is not None:
        log_denied(user=actor, object_type="citizen", object_id=elsewhere.pk, citizen=elsewhere)
    if Citizen.objects.filter(cpr_hash=citizen.cpr_hash, municipality=municipality).exists():
        raise DomainError(
            CITIZEN_EXISTS,
            _("Borgeren er allerede registreret."),
            fields={"cpr": _("Borgeren er allerede registreret.")},
            status=409,
        )
    with transaction.atomic():
        # A person who already logs in with MitID sees the new record's cases at once.
        citizen.user_id = (
            Citizen.objects.filter(cpr_hash=citizen.cpr_hash, user__isnull=False)
            .values_list("user_id", flat=True)
            .first()
        )
        citizen.save()
        if course_start:
            start_resource_course(citizen=citizen, start_date=course_start, end_date=course_end)
    return citizen


def start_resource_course(
    *, citizen: Citizen, start_date: dt.date, end_date: dt.date | None = None
) -> ResourceCourse:
    """Record a ressourceforløb (decided elsewhere, in the jobcenter's case system)."""
    course = ResourceCourse(citizen=citizen, start_date=start_date, end_date=end_date)
    try:
        course.full_clean()
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    course.save()
    return course


@logs_refusals("citizen", "citizen")
def add_resource_course(
    *, actor: User, citizen: Citizen, start_date: dt.date, end_date: dt.date | None = None
) -> ResourceCourse:
    """A caseworker records a ressourceforløb the jobcenter has decided: the right follows it.
    It may not overlap another of the citizen's courses (one forløb at a time)."""
    _require_municipal_handler(actor, citizen.municipality_id)
    overlapping = citizen.resource_courses.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        message = _("Borgeren har allerede et ressourceforløb i den periode.")
        raise DomainError(INVALID_INPUT, message, fields={"start_date": message})
    with transaction.atomic():
        return start_resource_course(citizen=citizen, start_date=start_date, end_date=end_date)


COURSE_NOT_FOUND = "not_found"


@logs_refusals("citizen", "citizen")
def end_resource_course(
    *, actor: User, citizen: Citizen, course_id: int, end_date: dt.date
) -> ResourceCourse:
    """Record the day a ressourceforløb ended (or ends); from the day after, the citizen no
    longer has the right for new requests."""
    _require_municipal_handler(actor, citizen.municipality_id)
    course = citizen.resource_courses.filter(pk=course_id).first()
    if course is None:
        raise DomainError(COURSE_NOT_FOUND, _("Ressourceforløbet findes ikke."), status=404)
    course.end_date = end_date
    try:
        course.full_clean()
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    course.save(update_fields=["end_date"])
    return course


#: The longest note kept with a guidance (a sentence or two on how it was given).
GUIDANCE_NOTE = 1000


@logs_refusals("citizen", "citizen")
def record_guidance(
    *, actor: User, citizen: Citizen, given_on: dt.date, channel: str, note: str = ""
) -> Guidance:
    """Record that the citizen was told about the right (BEK 2409/2021 § 2: in writing, no later
    than when a concrete offer is presented). Date, channel and who gave it are kept; written
    guidance issues the guidance letter, kept with it."""
    _require_municipal_handler(actor, citizen.municipality_id)
    if len(note) > GUIDANCE_NOTE:
        raise DomainError(
            "invalid_input",
            _("Bemærkningen er for lang: højst %(limit)d tegn.") % {"limit": GUIDANCE_NOTE},
            fields={"note": _("Højst %(limit)d tegn.") % {"limit": GUIDANCE_NOTE}},
        )
    if given_on > clock.today():
        raise DomainError(
            "invalid_input",
            _("Vejledningen kan ikke registreres med en dato i fremtiden."),
            fields={"given_on": _("Vælg dagens dato eller en dato før.")},
        )
    guidance = Guidance(
        citizen=citizen, given_on=given_on, channel=channel, given_by=actor, note=note
    )
    try:
        guidance.full_clean()
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    with transaction.atomic():
        guidance.save()
        if channel in WRITTEN_GUIDANCE_CHANNELS:
            content = letters.guidance_letter(_guidance_letter(guidance))
            letters.store_issued(
                kind=IssuedKind.GUIDANCE_LETTER,
                content=content,
                actor=actor,
                guidance_id=guidance.pk,
            )
            if channel in POSTED_GUIDANCE_CHANNELS:
                # The guidance letter goes to the citizen by her channels (Digital Post or paper).
                send_letter(
                    letter=Letter(
                        kind=LetterKind.GUIDANCE,
                        pdf=content,
                        filename=f"vejledning-V-{guidance.pk}.pdf",
                    ),
                    recipient=post_recipient(citizen),
                    sender=Sender.of(citizen.municipality),
                    actor=actor,
                )
    return guidance


def _guidance_letter(guidance: Guidance) -> letters.GuidanceLetter:
    municipality = guidance.citizen.municipality.name
    return letters.GuidanceLetter(
        head=letters.Letterhead(
            sender=municipality,
            sender_unit="Jobcentret",
            reference=f"V-{guidance.pk}",
            issued_on=guidance.given_on,
        ),
        citizen_name=guidance.citizen.name,
        municipality=municipality,
        given_by=str(guidance.given_by),
        # Where the conversation is held, as the version of the agreement in force that day
        # says it (a rehab-team meeting, or after the 2026 reform a stand-alone conversation).
        meeting_phrase=agreement_of_municipality(
            guidance.citizen.municipality_id, guidance.given_on
        ).meeting_phrase,
    )


@logs_refusals("citizen", "citizen")
def set_digital_post_exempt(*, actor: User, citizen: Citizen, exempt: bool) -> Citizen:
    """Record that the citizen is (or no longer is) exempt from Digital Post: her next letters go
    on paper through the municipality's print service (or by Digital Post again)."""
    _require_municipal_handler(actor, citizen.municipality_id)
    citizen.digital_post_exempt = exempt
    citizen.save(update_fields=["digital_post_exempt"])
    return citizen


def citizen_account(*, citizen: Citizen) -> User:
    """The citizen's user account, opened at their first MitID log-in, with the citizen role."""
    with transaction.atomic():
        user = citizen.user
        if user is None:
            user = User.objects.create_user(
                username=f"borger-{citizen.pk}", first_name=citizen.name
            )
            user.set_unusable_password()
            user.save()
            citizen.user = user
            citizen.save(update_fields=["user"])
        # Every municipality's record of the same person belongs to the same log-in.
        Citizen.objects.filter(cpr_hash=citizen.cpr_hash, user__isnull=True).update(user=user)
        grant_role(user=user, role=Role.CITIZEN)
    return user
