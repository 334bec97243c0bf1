"""MeMo 1.1 messages (the Message Model of Digital Post from public senders): built from plain
data, and validated against the configured schema before anything leaves.

The recipient is named by CPR number, inside the message only; the header's title and
notification text are what the citizen's mailbox shows and carry no health data (the letter's
PDF does, as the letter)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
import uuid
import xml.etree.ElementTree as ET  # noqa: S405 (we build XML, we never parse outside input)
from dataclasses import dataclass

import xmlschema
from django.conf import settings
from django.utils.translation import gettext as _

NS = "https://DigitalPost.dk/MeMo-1"
MEMO_VERSION = "1.1"
MEMO_SCHEMA_VERSION = "1.1.0"
#: The case system named beside the case reference in the message.
CASE_SYSTEM = "Sundhedskoordinator"
#: The mailbox shows at most this many characters of the notification (MeMo: 150).
NOTIFICATION_LIMIT = 150

ET.register_namespace("memo", NS)


class InvalidMessageError(Exception):
    """The message does not satisfy the schema; the text names where, never a value."""


@dataclass(frozen=True)
class Party:
    """Sender (a municipality by CVR) or recipient (a citizen by CPR)."""

    identifier: str
    label: str


@dataclass(frozen=True)
class Reservation:
    """A calendar appointment the mailbox can put in the citizen's calendar (action AFTALE)."""

    uid: uuid.UUID
    description: str
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Message:
    message_uuid: uuid.UUID
    sender: Party
    recipient: Party
    title: str
    notification: str
    created_at: dt.datetime
    pdf: bytes
    filename: str
    case_reference: str = ""
    calendar: bytes = b""
    link: str = ""
    reservation: Reservation | None = None


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: Characters XML 1.0 cannot carry (control characters but tab and line breaks, lone surrogates,
#: U+FFFE and U+FFFF); text typed with one of them is sent without it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _add(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _file(parent: ET.Element, content_type: str, filename: str, content: bytes) -> None:
    file = _add(parent, "File")
    _add(file, "encodingFormat", content_type)
    _add(file, "filename", filename)
    _add(file, "language", "da")
    _add(file, "content", base64.b64encode(content).decode("ascii"))


def build(message: Message) -> bytes:
    """The message as MeMo 1.1 XML (UTF-8), in the schema's element order."""
    root = ET.Element(
        f"{{{NS}}}Message",
        {"memoVersion": MEMO_VERSION, "memoSchVersion": MEMO_SCHEMA_VERSION},
    )
    header = _add(root, "MessageHeader")
    _add(header, "messageType", "DIGITALPOST")
    _add(header, "messageUUID", str(message.message_uuid))
    _add(header, "label", message.title)
    _add(header, "notification", message.notification[:NOTIFICATION_LIMIT])
    _add(header, "mandatory", "false")
    _add(header, "legalNotification", "false")
    _add(header, "postType", "MYNDIGHEDSPOST")
    sender = _add(header, "Sender")
    _add(sender, "senderID", message.sender.identifier)
    _add(sender, "idType", "CVR")
    _add(sender, "label", message.sender.label)
    recipient = _add(header, "Recipient")
    _add(recipient, "recipientID", message.recipient.identifier)
    _add(recipient, "idType", "CPR")
    _add(recipient, "label", message.recipient.label)
    if message.case_reference:
        case = _add(_add(header, "ContentData"), "CaseID")
        _add(case, "caseID", message.case_reference)
        _add(case, "caseSystem", CASE_SYSTEM)
    body = _add(root, "MessageBody")
    _add(body, "createdDateTime", _utc(message.created_at))
    main = _add(body, "MainDocument")
    _add(main, "label", message.title)
    _file(main, "application/pdf", message.filename, message.pdf)
    if message.link:
        action = _add(main, "Action")
        _add(action, "label", _("Se sagen i Sundhedskoordinator"))
        _add(action, "actionCode", "INFORMATION")
        _add(_add(action, "EntryPoint"), "url", message.link)
    if message.reservation is not None:
        booking = message.reservation
        action = _add(main, "Action")
        _add(action, "label", _("Sæt samtalen i din kalender"))
        _add(action, "actionCode", "AFTALE")
        reservation = _add(action, "Reservation")
        _add(reservation, "description", booking.description)
        _add(reservation, "reservationUUID", str(booking.uid))
        _add(reservation, "abstract", booking.description)
        _add(reservation, "location", booking.location or "-")
        _add(reservation, "startDateTime", _utc(booking.starts_at))
        _add(reservation, "endDateTime", _utc(booking.ends_at))
    if message.calendar:
        extra = _add(body, "AdditionalDocument")
        _add(extra, "label", _("Kalenderinvitation"))
        _file(extra, "text/calendar", "invitation.ics", message.calendar)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@functools.cache
def _schema(path: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(path)


def validate(content: bytes) -> None:
    """Raise ``InvalidMessageError`` unless the message satisfies the configured MeMo schema. The
    reason names the element, never its value (which may be a CPR number)."""
    try:
        errors = list(_schema(str(settings.MEMO_XSD)).iter_errors(content.decode("utf-8")))
    except (xmlschema.XMLResourceError, ValueError) as exc:
        raise InvalidMessageError(_("MeMo-meddelelsen er ikke gyldig XML.")) from exc
    if errors:
        where = ", ".join(sorted({str(error.path or "/") for error in errors[:5]}))
        raise InvalidMessageError(
            _("MeMo-meddelelsen er ikke gyldig (%(where)s).") % {"where": where}
        )
