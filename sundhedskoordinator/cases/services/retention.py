"""Anonymising a closed case after the retention period (DESIGN section 4)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from sundhedskoordinator.audit.services import record_event
from sundhedskoordinator.cases import workflow
from sundhedskoordinator.cases.choices import TERMINAL_STATES
from sundhedskoordinator.cases.models import (
    Advice,
    AdviceDraft,
    AgendaItem,
    Case,
    Decision,
    Dispatch,
    HealthConcern,
    Offer,
    OfferVersion,
)
from sundhedskoordinator.citizens.cpr import mask_cpr
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

from .common import (
    _lock,
)


def anonymise_case(*, case_id: int) -> Case:
    """Remove what identifies the citizen and every free text and file from a closed case, keep
    the fields statistics and settlement count on (states, dates, outcome, lateness, minutes to
    advice), and log it. The citizen record is anonymised too once none of their cases is left
    un-anonymised. Retention: DESIGN section 4 (default 10 years after closing)."""
    with transaction.atomic(durable=True):
        case = _lock(case_id, None, None)  # retention is the system's own step
        if case.status not in TERMINAL_STATES or case.anonymised_at is not None:
            raise DomainError(workflow.INVALID_TRANSITION, _("Kun afsluttede sager anonymiseres."))
        Offer.objects.filter(case=case).update(provider="", content="", demands="")
        OfferVersion.objects.filter(case=case).update(provider="", content="", demands="")
        HealthConcern.objects.filter(case=case).update(text="", areas=[])
        Advice.objects.filter(case=case).update(text="", accommodations="", correction_reason="")
        AdviceDraft.objects.filter(case=case).delete()
        Decision.objects.filter(case=case).update(text="")
        for conversation in case.conversations.all():
            conversation.attendees = [{"role": a.get("role", "")} for a in conversation.attendees]
            conversation.file_note = ""
            conversation.save(update_fields=["attendees", "file_note"])
        Dispatch.objects.filter(case=case).update(snapshot={})
        AgendaItem.objects.filter(case=case).update(
            companion_name="", companion_relation="", late_reason="", cancel_reason=""
        )
        files = [document.file for document in case.documents.all() if document.file.name]
        case.documents.all().delete()
        # The files go only once the rows are gone for good: a rollback keeps both. Deleting
        # through the storage API works on local disk and in object storage alike.
        transaction.on_commit(lambda: _delete_files(files))
        now = clock.now()
        case.no_health_information_note = case.end_reason = ""
        case.anonymised_at = now
        case.version += 1
        case.save()
        record_event(
            case=case,
            kind=workflow.EventKind.CASE_ANONYMISED,
            actor=None,
            role="system",
            from_state=case.status,
            to_state=case.status,
        )
        citizen = case.citizen
        if not citizen.cases.filter(anonymised_at__isnull=True).exists():
            citizen.name = _("Anonymiseret borger")
            citizen.cpr_encrypted = ""
            citizen.cpr_hash = f"anonymised-{citizen.pk}"
            citizen.cpr_masked = mask_cpr("")
            citizen.email = ""
            citizen.user = None
            citizen.save()
    return case


def _delete_files(files: list[FieldFile]) -> None:
    for file in files:
        file.storage.delete(str(file.name))
