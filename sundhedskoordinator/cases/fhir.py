"""The case as a FHIR R4 Bundle (type ``collection``) for other systems:

- ``Patient``: the citizen; the CPR number as identifier (system ``urn:oid:1.2.208.176.1.2``) only
  for a reader who may read the case's health data (a read ``read_case`` has logged) and whose
  role knows the citizen by CPR (``access.policy.may_see_cpr``); others get no identifier;
- ``Task``: the request, its status mapped to FHIR's task statuses and ours as business status;
- ``Appointment``: the agenda item (the conversation's slot);
- ``DocumentReference``: the case package as sent and the advice, each pointing at the stored PDF,
  only for those who may read the case's health data (that read is logged by ``read_case``).
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings

from sundhedskoordinator.access.policy import may_see_cpr
from sundhedskoordinator.citizens.cpr import reveal_cpr

from .choices import DocumentKind, Status
from .selectors import CaseRead

CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
CASE_SYSTEM = "urn:sundhedskoordinator:case-reference"

TASK_STATUS = {
    Status.DRAFT: "draft",
    Status.REQUESTED: "requested",
    Status.READY: "accepted",
    Status.SCHEDULED: "accepted",
    Status.SENT: "in-progress",
    Status.HELD: "in-progress",
    Status.ADVISED: "in-progress",
    Status.DECIDED: "completed",
    Status.CLOSED: "completed",
    Status.WITHDRAWN: "cancelled",
    Status.REJECTED: "rejected",
}


def _instant(value: Any) -> str | None:
    return value.isoformat() if value else None


def _patient(read: CaseRead) -> dict[str, Any]:
    citizen = read.case.citizen
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": f"citizen-{citizen.pk}",
        "name": [{"text": citizen.name}],
    }
    if read.health_role and may_see_cpr([read.health_role]):
        patient["identifier"] = [{"system": CPR_SYSTEM, "value": reveal_cpr(citizen.cpr_encrypted)}]
    return patient


def _task(read: CaseRead) -> dict[str, Any]:
    case = read.case
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"case-{case.pk}",
        "identifier": [{"system": CASE_SYSTEM, "value": case.reference}],
        "status": TASK_STATUS[Status(case.status)],
        "businessStatus": {"text": str(Status(case.status).label)},
        "intent": "order",
        "code": {"text": "Ret til sundhedskoordinator (LAB § 113, stk. 3)"},
        "for": {"reference": f"Patient/citizen-{case.citizen_id}"},
        "authoredOn": _instant(case.submitted_at or case.created_at),
        "lastModified": _instant(case.closed_at or case.first_sent_at or case.created_at),
        "owner": {"display": str(case.responsible)},
        "requester": {"display": case.municipality.name},
    }
    offer = getattr(case, "offer", None)
    if offer is not None:
        task["description"] = str(offer.get_kind_display())
    return task


def _appointment(read: CaseRead) -> dict[str, Any] | None:
    item = (
        read.case.agenda_items.select_related("meeting", "coordinator", "attendee", "conversation")
        .order_by("-scheduled_at")
        .first()
    )
    if item is None:
        return None
    if item.cancelled_at:
        status = "cancelled"
    elif hasattr(item, "conversation"):
        status = "fulfilled"
    else:
        status = "booked"
    return {
        "resourceType": "Appointment",
        "id": f"agenda-item-{item.pk}",
        "status": status,
        "description": f"Samtale med sundhedskoordinator, {item.meeting.location}",
        "start": _instant(item.starts_at),
        "end": _instant(item.ends_at),
        "basedOn": [{"reference": f"Task/case-{read.case.pk}"}],
        "participant": [
            {
                "actor": {"reference": f"Patient/citizen-{read.case.citizen_id}"},
                "status": "accepted",
            },
            {"actor": {"display": str(item.coordinator)}, "status": "accepted"},
            {"actor": {"display": str(item.attendee)}, "status": "accepted"},
        ],
    }


def _document_references(read: CaseRead) -> list[dict[str, Any]]:
    if read.health_role is None:
        return []
    base = settings.SITE_URL.rstrip("/")
    kinds = [DocumentKind.CASE_PACKAGE, DocumentKind.ADVICE]
    references = []
    for document in read.case.documents.filter(kind__in=kinds).order_by("kind", "version"):
        references.append(
            {
                "resourceType": "DocumentReference",
                "id": f"document-{document.pk}",
                "status": "current",
                "description": f"{document.get_kind_display()}, version {document.version}",
                "subject": {"reference": f"Patient/citizen-{read.case.citizen_id}"},
                "date": _instant(document.uploaded_at),
                "context": {"related": [{"reference": f"Task/case-{read.case.pk}"}]},
                "content": [
                    {
                        "attachment": {
                            "contentType": document.content_type,
                            "url": f"{base}/api/v1/documents/{document.pk}/content",
                            "size": document.size,
                            "title": document.filename,
                            "creation": _instant(document.uploaded_at),
                        }
                    }
                ],
                # FHIR R4 attachments carry a SHA-1; the SHA-256 goes as a named-information
                # identifier (RFC 6920).
                "identifier": [
                    {
                        "system": "urn:ietf:rfc:6920",
                        "value": "ni:///sha-256;"
                        + base64.urlsafe_b64encode(bytes.fromhex(document.sha256))
                        .decode()
                        .rstrip("="),
                    }
                ],
            }
        )
    return references


def case_bundle(read: CaseRead) -> dict[str, Any]:
    """The FHIR Bundle of the case as this reader may see it."""
    base = settings.SITE_URL.rstrip("/") + "/fhir/"
    resources = [_patient(read), _task(read)]
    appointment = _appointment(read)
    if appointment:
        resources.append(appointment)
    resources.extend(_document_references(read))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "identifier": {"system": CASE_SYSTEM, "value": read.case.reference},
        "entry": [
            {"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
