"""Reads of the access log."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sundhedskoordinator.organisations.models import User

from .models import AccessLog


def my_access_log(*, user: User, with_own: bool = True) -> QuerySet[AccessLog]:
    """Who has read, or tried to read, the citizen's own cases, records and letters ("Hvem har
    set mine oplysninger?", GDPR art. 15); without ``with_own``, her own reads are left out."""
    entries = AccessLog.objects.filter(Q(case__citizen__user=user) | Q(citizen__user=user))
    if not with_own:
        entries = entries.exclude(user=user)
    return entries.select_related("case").order_by("-at", "-id")


def entry(e: AccessLog) -> dict[str, Any]:
    """An entry as the API and the pages show it: never any health content."""
    return {
        "at": e.at,
        "user": e.user_name,
        "role": e.role,
        "role_label": e.role_label,
        "organisation": e.organisation,
        "action": e.action,
        "action_label": e.get_action_display(),
        "object": f"{e.object_type}:{e.object_id}",
        "case": e.case.reference if e.case else None,
        "purpose": e.purpose,
    }


def fhir_audit_event(e: AccessLog) -> dict[str, Any]:
    """The entry as a FHIR R4 AuditEvent (DICOM/HL7 codes for a REST read and its outcome)."""
    denied = e.action == "denied"
    return {
        "resourceType": "AuditEvent",
        "id": str(e.pk),
        "type": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "code": "rest",
            "display": "RESTful Operation",
        },
        "subtype": [
            {"system": "http://hl7.org/fhir/restful-interaction", "code": "read", "display": "read"}
        ],
        "action": "E" if e.action == "export" else "R",
        "recorded": e.at.isoformat(),
        "outcome": "4" if denied else "0",
        "outcomeDesc": e.get_action_display(),
        "purposeOfEvent": [{"text": e.purpose}] if e.purpose else [],
        "agent": [
            {
                "type": {"text": e.role},
                "who": {"display": e.user_name},
                "requestor": True,
                **({"location": {"display": e.organisation}} if e.organisation else {}),
            }
        ],
        "source": {"observer": {"display": "Sundhedskoordinator"}},
        "entity": [
            {
                "what": {
                    "identifier": {
                        "system": "urn:sundhedskoordinator:" + e.object_type,
                        "value": e.object_id,
                    }
                },
                **({"description": e.case.reference} if e.case else {}),
            }
        ],
    }
