"""Sending letters to citizens: the channels each citizen gets, the MeMo message built and
validated once when the letter is issued, the hand-over in the background with retries, the
paper batch for the print service, and a failed letter sent again.

Every letter goes by the citizen's legal channel: Digital Post, or paper for a citizen exempt
from it. A citizen who logs in also finds it in Sundhedskoordinator. Each channel is one
``Delivery`` recorded with the case."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from sundhedskoordinator.access.models import AccessAction
from sundhedskoordinator.access.policy import grants_for, handler_role
from sundhedskoordinator.access.services import log_access, log_denied
from sundhedskoordinator.core import clock, files
from sundhedskoordinator.core.errors import DomainError, NotFoundError

from . import memo, selectors
from .choices import Channel, DeliveryState, LetterKind
from .models import Delivery
from .transports import PermanentError, TransientError, configured

if TYPE_CHECKING:
    from sundhedskoordinator.organisations.models import Municipality, User

#: Hand-overs tried before a letter is given up as failed (and shown in the caseworker's queue).
MAX_ATTEMPTS = 6
#: The wait before each next attempt: a minute, five, half an hour, two hours, six hours.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)


def _claim() -> dt.timedelta:
    """How long a worker holds a message it is handing over before another may try it (the
    setting ``DIGITAL_POST_CLAIM_SECONDS``): long enough for one hand-over, short enough that a
    letter a killed worker held goes out soon after."""
    return dt.timedelta(seconds=settings.DIGITAL_POST_CLAIM_SECONDS)


@dataclass(frozen=True)
class Recipient:
    citizen_id: int
    cpr: str
    name: str
    has_login: bool
    exempt: bool


@dataclass(frozen=True)
class Sender:
    municipality_id: int
    name: str
    cvr: str

    @classmethod
    def of(cls, municipality: Municipality) -> Sender:
        return cls(municipality.pk, municipality.name, municipality.cvr)


@dataclass(frozen=True)
class Letter:
    kind: LetterKind
    pdf: bytes
    filename: str
    case_id: int | None = None
    case_reference: str = ""
    calendar: bytes = b""
    reservation: memo.Reservation | None = None
    #: Extra words for the title (the meeting day, say); never health data.
    subtitle: str = ""

    @property
    def title(self) -> str:
        title = str(LetterKind(self.kind).label)
        return f"{title}, {self.subtitle}"[:150] if self.subtitle else title


def channels_for(recipient: Recipient) -> list[Channel]:
    """Digital Post by default, paper for a citizen exempt from it; and the in-app inbox as well
    for a citizen who logs in."""
    legal = Channel.PAPER if recipient.exempt else Channel.DIGITAL_POST
    return [legal, Channel.INBOX] if recipient.has_login else [legal]


def _link(case_id: int | None) -> str:
    if case_id is None:
        return ""
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case_id])


def _memo(delivery: Delivery, letter: Letter, recipient: Recipient, sender: Sender) -> bytes:
    if not sender.cvr:
        raise memo.InvalidMessageError(
            _("%(municipality)s har intet CVR-nummer i systemet; Digital Post kræver det.")
            % {"municipality": sender.name}
        )
    content = memo.build(
        memo.Message(
            message_uuid=delivery.message_uuid,
            sender=memo.Party(sender.cvr, sender.name),
            recipient=memo.Party(recipient.cpr, recipient.name),
            title=delivery.title,
            notification=_("Du har fået post fra %(municipality)s om din sag.")
            % {"municipality": sender.name},
            created_at=delivery.created_at,
            pdf=letter.pdf,
            filename=letter.filename,
            case_reference=letter.case_reference,
            calendar=letter.calendar,
            link=_link(letter.case_id),
            reservation=letter.reservation,
        )
    )
    memo.validate(content)
    return content


def send_letter(
    *, letter: Letter, recipient: Recipient, sender: Sender, actor: User | None = None
) -> list[Delivery]:
    """Record the letter's delivery by each of the citizen's channels. Call it inside the
    transaction of the step that issues the letter: the deliveries land with the step, and the
    Digital Post hand-over is queued when it commits. A message that cannot be built (no CVR
    number, say) is recorded as failed at once, for the caseworker to see; the step goes on."""
    now = clock.now()
    digest = hashlib.sha256(letter.pdf).hexdigest()
    deliveries = []
    for channel in channels_for(recipient):
        delivery = Delivery(
            kind=letter.kind,
            channel=channel,
            citizen_id=recipient.citizen_id,
            case_id=letter.case_id,
            municipality_id=sender.municipality_id,
            title=letter.title,
            document_sha256=digest,
            calendar=letter.calendar.decode("utf-8"),
            created_at=now,
            created_by=actor,
        )
        files.save(delivery.document, letter.filename, letter.pdf)
        if channel == Channel.DIGITAL_POST:
            try:
                content = _memo(delivery, letter, recipient, sender)
            except memo.InvalidMessageError as exc:
                delivery.state, delivery.failed_at, delivery.failure = (
                    DeliveryState.FAILED,
                    now,
                    str(exc)[:300],
                )
            else:
                files.save(delivery.message, "memo.xml", content)
        elif channel == Channel.INBOX:
            # The letter is in the citizen's inbox the moment the step commits.
            delivery.state, delivery.sent_at, delivery.receipt = DeliveryState.SENT, now, "inbox"
        delivery.save()
        deliveries.append(delivery)
    _queue([d.pk for d in deliveries if _awaits_hand_over(d)])
    return deliveries


def _awaits_hand_over(delivery: Delivery) -> bool:
    return delivery.channel == Channel.DIGITAL_POST and delivery.state == DeliveryState.QUEUED


def _queue(ids: Iterable[int], run_after: dt.datetime | None = None) -> None:
    from .tasks import deliver_letter

    ids = list(ids)
    if not ids:
        return

    def enqueue() -> None:
        for pk in ids:
            task = deliver_letter.using(run_after=run_after) if run_after else deliver_letter
            task.enqueue(delivery_id=pk)

    transaction.on_commit(enqueue)


def _claimable(now: dt.datetime) -> Q:
    return Q(
        state=DeliveryState.QUEUED,
        channel=Channel.DIGITAL_POST,
    ) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def deliver(delivery_id: int) -> str:
    """Hand one Digital Post message over, once. A worker first claims the delivery (one short
    write), hands the message over outside any transaction, and records the outcome: sent with
    the receipt; or, if the receiver could not take it now, the next attempt after a growing
    wait; or failed, with the reason, after the last attempt or a refusal. A delivery already
    sent, failed or held by another worker is left alone, so running this twice sends once."""
    now = clock.now()
    claimed = (
        Delivery.objects.filter(_claimable(now), pk=delivery_id)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(claimed_until=now + _claim(), attempts=F("attempts") + 1)
    )
    delivery = Delivery.objects.get(pk=delivery_id)
    if not claimed:
        return str(delivery.state)
    try:
        with delivery.message.open("rb") as handle:
            content = handle.read()
    except OSError:
        return _fail(delivery, _("Meddelelsen kunne ikke læses fra lageret."))
    try:
        receipt = configured().send(str(delivery.message_uuid), content)
    except PermanentError as exc:
        return _fail(
            delivery,
            _(
                "Digital Post afviste brevet (%(why)s). Kontrollér kommunens CVR-nummer og "
                "borgerens oplysninger, og send igen; ellers kontakt systemadministratoren."
            )
            % {"why": exc},
        )
    except TransientError as exc:
        reason = _("Digital Post kunne ikke nås (%(why)s); systemet prøver igen.") % {"why": exc}
        if delivery.attempts >= MAX_ATTEMPTS:
            return _fail(
                delivery,
                _(
                    "Digital Post kunne ikke nås i %(n)d forsøg (%(why)s). Send igen, når "
                    "tjenesten svarer."
                )
                % {"n": delivery.attempts, "why": exc},
            )
        wait = BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
        Delivery.objects.filter(pk=delivery.pk).update(
            claimed_until=None, next_attempt_at=clock.now() + wait, failure=reason[:300]
        )
        _queue([delivery.pk], run_after=clock.now() + wait)
        return str(DeliveryState.QUEUED)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT,
        sent_at=clock.now(),
        receipt=receipt[:100],
        claimed_until=None,
        next_attempt_at=None,
        failure="",
    )
    return str(DeliveryState.SENT)


def _fail(delivery: Delivery, reason: str) -> str:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED,
        failed_at=clock.now(),
        failure=reason[:300],
        claimed_until=None,
        next_attempt_at=None,
    )
    return str(DeliveryState.FAILED)


def deliver_due() -> int:
    """Hand over every Digital Post message whose time has come and that no worker holds: a
    safety net under the queued tasks (a worker that died between commit and queue, say)."""
    now = clock.now()
    due = Delivery.objects.filter(_claimable(now)).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    sent = 0
    for pk in due.values_list("pk", flat=True)[:500]:
        sent += deliver(pk) == DeliveryState.SENT
    return sent


def _require_handler(actor: User, municipality_id: int) -> None:
    if handler_role(actor, municipality_id) is None:
        raise DomainError(
            "role_not_allowed",
            _("Kun kommunens sagsbehandlere og jobformidlere kan sende breve til borgerne."),
            status=403,
        )


def _worked_letter(actor: User, delivery_id: int) -> Delivery:
    """The letter, locked, if the actor works it (``selectors.worked_by``); for anyone else it
    does not exist, and the attempt is logged. Call inside a transaction."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .filter(selectors.worked_by(actor), pk=delivery_id)
        .first()
    )
    if delivery is None:
        log_denied(user=actor, object_type="letter", object_id=delivery_id)
        raise NotFoundError("not_found", _("Brevet findes ikke, eller du har ikke adgang."))
    return delivery


def send_again(*, actor: User, delivery_id: int) -> Delivery:
    """Queue a failed Digital Post letter again (after the municipality's CVR number was added,
    or the service is back): same message, same UUID, so the citizen gets it once. Only the
    caseworker who works the letter (``selectors.worked_by``); for anyone else it does not
    exist."""
    with transaction.atomic():
        delivery = _worked_letter(actor, delivery_id)
        if delivery.state != DeliveryState.FAILED or delivery.channel != Channel.DIGITAL_POST:
            raise DomainError(
                "invalid_transition", _("Kun et brev, der ikke kom frem, kan sendes igen.")
            )
        if not delivery.message:
            raise DomainError(
                "prerequisites_missing",
                _("Meddelelsen kunne ikke dannes: %(why)s") % {"why": delivery.failure},
            )
        delivery.state = DeliveryState.QUEUED
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.failed_at = None
        delivery.save(update_fields=["state", "attempts", "next_attempt_at", "failed_at"])
        _queue([delivery.pk])
    return delivery


def send_by_post(*, actor: User, delivery_id: int) -> Delivery:
    """Send a letter that Digital Post did not take on paper instead: the same letter, queued
    for the municipality's print service; the failed delivery stays on record, marked as sent
    another way, and leaves the queue."""
    with transaction.atomic():
        failed = _worked_letter(actor, delivery_id)
        if failed.state != DeliveryState.FAILED or failed.replaced_by_id is not None:
            raise DomainError(
                "invalid_transition",
                _("Kun et brev, der ikke kom frem, kan sendes med posten i stedet."),
            )
        paper = Delivery(
            kind=failed.kind,
            channel=Channel.PAPER,
            citizen_id=failed.citizen_id,
            case_id=failed.case_id,
            municipality_id=failed.municipality_id,
            title=failed.title,
            document_sha256=failed.document_sha256,
            calendar=failed.calendar,
            created_at=clock.now(),
            created_by=actor,
        )
        paper.document.save(
            (failed.document.name or "brev.pdf").rsplit("/", 1)[-1],
            ContentFile(letter_content(failed)),
            save=False,
        )
        paper.save()
        failed.replaced_by = paper
        failed.save(update_fields=["replaced_by"])
    return paper


def _merged(deliveries: Iterable[Delivery], actor: User) -> bytes:
    """The letters as one PDF in the given order; each is a read of the letter, logged."""
    writer = PdfWriter()
    grants = grants_for(actor)
    for delivery in deliveries:
        writer.append(io.BytesIO(letter_content(delivery)))
        log_access(
            grants=grants,
            user=actor,
            action=AccessAction.DOWNLOAD,
            object_type="letter",
            object_id=delivery.pk,
            case=delivery.case,
            citizen=delivery.citizen,
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def print_batch(*, actor: User, municipality_id: int) -> tuple[bytes, int]:
    """The user's paper letters in the municipality that wait for print (``worked_by``), as one
    PDF for the print service in the order they were issued; they are recorded as handed to
    print with the batch's number, and each letter's read is logged."""
    _require_handler(actor, municipality_id)
    with transaction.atomic():
        waiting = list(
            Delivery.objects.select_for_update(of=("self",))
            .filter(
                selectors.worked_by(actor),
                municipality_id=municipality_id,
                channel=Channel.PAPER,
                state=DeliveryState.QUEUED,
            )
            .select_related("case", "citizen")
            .order_by("created_at", "pk")
        )
        if not waiting:
            raise DomainError("nothing_to_print", _("Der er ingen breve, der venter på print."))
        content = _merged(waiting, actor)
        batch = f"print:{uuid.uuid4()}"
        Delivery.objects.filter(pk__in=[d.pk for d in waiting]).update(
            state=DeliveryState.SENT, sent_at=clock.now(), receipt=batch
        )
    return content, len(waiting)


def reprint_batch(*, actor: User, batch: str) -> tuple[bytes, int]:
    """A batch printed before, again (a download that failed, a printer that jammed): the same
    letters of the user's, in the same order."""
    letters = list(
        Delivery.objects.filter(selectors.worked_by(actor), channel=Channel.PAPER, receipt=batch)
        .select_related("case", "citizen")
        .order_by("created_at", "pk")
    )
    if not batch.startswith("print:") or not letters:
        raise NotFoundError("not_found", _("Udskriften findes ikke, eller du har ikke adgang."))
    return _merged(letters, actor), len(letters)


def letter_content(delivery: Any) -> bytes:
    """The letter's PDF as it went out, if its SHA-256 is the one recorded."""
    with delivery.document.open("rb") as handle:
        content: bytes = handle.read()
    if hashlib.sha256(content).hexdigest() != delivery.document_sha256:
        raise DomainError(
            "checksum_mismatch",
            _("Brevet er ændret, siden det blev sendt, og udleveres ikke."),
            status=409,
        )
    return content
