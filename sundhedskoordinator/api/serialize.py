"""Models to the API's JSON (``schemas.py``), from objects the selectors have already loaded:
nothing here queries the database."""

from __future__ import annotations

from typing import Any

from sundhedskoordinator.access.policy import Grant, action_roles, live_items
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Advice, Case, Document
from sundhedskoordinator.cases.selectors import actions_for, held_conversations, was_held
from sundhedskoordinator.cases.services import Warning, offer_is_on_hold
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import deadline_passed
from sundhedskoordinator.meetings.models import Meeting
from sundhedskoordinator.organisations.models import User


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "municipality": _ref(m.municipality),
        "team": _ref(m.team),
        "kind": m.kind,
        "date": m.date,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "location": m.location,
        "dispatch_deadline": m.dispatch_deadline,
        "deadline_working_days": m.deadline_working_days,
        "sequence": m.sequence,
        "cancelled_at": m.cancelled_at,
        "cancel_code": m.cancel_code,
    }


def advice(a: Advice) -> dict[str, Any]:
    return {
        "text": a.text,
        "accommodations": a.accommodations,
        "submitted_at": a.submitted_at,
        "minutes_after_conversation": a.minutes_after_conversation,
        "version": a.version,
        "correction_reason": a.correction_reason,
    }


def case(
    c: Case,
    user: User,
    grants: list[Grant],
    warnings: list[Warning] | None = None,
    *,
    health: bool = False,
) -> dict[str, Any]:
    """The case as DESIGN section 6 names it. Expects ``cases.selectors.with_details``. Without
    ``health`` (a read the access policy allowed and logged), everything that tells of the
    citizen's health or private life is left out (DESIGN section 2): the citizen's description,
    the advice and its accommodations, the file note, the decision's reasons and the companion's
    name. The rest is case metadata."""
    offer = getattr(c, "offer", None)
    offer_versions = getattr(c, "offer_version_list", [])
    concern = getattr(c, "health_concern", None) if health else None
    decision = getattr(c, "decision", None)
    items = live_items(c)
    item = items[0] if items else None
    dispatch = getattr(item, "dispatch", None) if item else None
    conversations = held_conversations(c)
    conversation = (
        conversations[0]
        if conversations
        and c.status in (Status.HELD, Status.ADVISED, Status.DECIDED, Status.CLOSED)
        else None
    )
    every_advice = getattr(c, "advice_list", [])
    first_advice = min(every_advice, key=lambda a: a.version) if every_advice else None
    advice_list = every_advice if health else []
    return {
        "health_data_included": health,
        "id": c.pk,
        "reference": c.reference,
        "case_type": c.case_type,
        "subtype": c.subtype,
        "status": c.status,
        "status_label": str(Status(c.status).label),
        "citizen": {"id": c.citizen_id, "name": c.citizen.name, "cpr": c.citizen.cpr_masked},
        "municipality": _ref(c.municipality),
        "responsible": {
            "id": c.responsible_id,
            "name": str(c.responsible),
            "role": c.responsible_role,
        },
        "version": c.version,
        "created_at": c.created_at,
        "submitted_at": c.submitted_at,
        "request_channel": c.request_channel,
        "guidance_given": bool(getattr(c, "has_written_guidance", False)),
        "no_health_information_note": c.no_health_information_note,
        "offer": {
            "kind": offer.kind,
            "provider": offer.provider,
            "start_date": offer.start_date,
            "hours_per_week": offer.hours_per_week,
            "content": offer.content,
            "demands": offer.demands,
            "on_hold": offer_is_on_hold(c),
            "version": offer_versions[0].version if offer_versions else None,
        }
        if offer
        else None,
        "offer_history": [
            {
                "version": v.version,
                "change": v.change,
                "kind": v.kind,
                "provider": v.provider,
                "start_date": v.start_date,
                "hours_per_week": v.hours_per_week,
                "content": v.content,
                "demands": v.demands,
                "recorded_at": v.recorded_at,
                "recorded_by": _ref(v.recorded_by),
            }
            for v in offer_versions
        ],
        "health_concern": {
            "text": concern.text,
            "areas": concern.areas,
            "written_by": concern.written_by,
            "channel": concern.channel,
        }
        if concern
        else None,
        "meeting": meeting(item.meeting) if item else None,
        "agenda_item": {
            "id": item.pk,
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "coordinator": _ref(item.coordinator),
            "attendee": _ref(item.attendee),
            "companion": item.companion_name if health else "",
            "companion_relation": item.companion_relation if health else "",
            "dispatch_deadline": item.dispatch_deadline,
            "deadline_rule": item.deadline_rule,
            "scheduled_late": item.scheduled_late,
            "late_reason": item.late_reason,
        }
        if item
        else None,
        "dispatch": {
            "deadline": item.dispatch_deadline,
            "sent_at": dispatch.sent_at if dispatch else None,
            "late": dispatch.is_late
            if dispatch
            else deadline_passed(item.dispatch_deadline, clock.today()),
            "working_days_late": dispatch.working_days_late if dispatch else None,
        }
        if item
        else None,
        "conversation": {
            "started_at": conversation.started_at,
            "ended_at": conversation.ended_at,
            "attendees": conversation.attendees if health else _without_companion(conversation),
            "file_note": conversation.file_note if health else "",
            "file_note_history": conversation.file_note_history if health else [],
        }
        if conversation
        else None,
        "advice": advice(advice_list[0]) if advice_list else None,
        "advice_versions": [advice(a) for a in advice_list],
        "decision": {
            "outcome": decision.outcome,
            "text": decision.text if health else "",
            "decided_at": decision.decided_at,
            "offer_version": next(
                (v.version for v in offer_versions if v.pk == decision.offer_version_id), None
            ),
        }
        if decision
        else None,
        "closed_at": c.closed_at,
        "rejection_reason": c.rejection_reason,
        "agenda_history": [
            {
                "id": h.pk,
                "meeting": h.meeting_id,
                "meeting_date": h.meeting.date,
                "starts_at": h.starts_at,
                "cancelled_at": h.cancelled_at,
                "held": was_held(h),
                "dispatch": _dispatch(h),
            }
            for h in getattr(c, "item_history", [])
        ],
        "advice_timing": {
            "submitted_at": first_advice.submitted_at,
            "minutes_after_conversation": first_advice.minutes_after_conversation,
        }
        if first_advice
        else None,
        "actions": _actions(c, user, grants),
        "warnings": [{"code": w.code, "message": w.message} for w in warnings or []],
    }


def _actions(c: Case, user: User, grants: list[Grant]) -> list[str]:
    return actions_for(user, c, action_roles(user, c, grants))


def _without_companion(conversation: Any) -> list[dict[str, Any]]:
    """Who attended, with the companion's name left out (private, not case metadata)."""
    return [
        {**a, "name": ""} if a.get("role") == "companion" else a for a in conversation.attendees
    ]


def _dispatch(item: Any) -> dict[str, Any] | None:
    dispatch = getattr(item, "dispatch", None)
    if dispatch is None:
        return None
    return {
        "deadline": dispatch.deadline,
        "sent_at": dispatch.sent_at,
        "late": dispatch.is_late,
        "working_days_late": dispatch.working_days_late,
    }


def citizen(c: Citizen) -> dict[str, Any]:
    """Expects ``citizens.selectors.scope_citizens`` (courses and guidance prefetched)."""
    today = clock.today()
    courses = list(c.resource_courses.all())
    course = courses[0] if courses else None
    guidance = list(c.guidance.all())
    return {
        "id": c.pk,
        "cpr": c.cpr_masked,
        "name": c.name,
        "municipality": _ref(c.municipality),
        "resource_course": {
            "start_date": course.start_date,
            "end_date": course.end_date,
            "active": course.is_active_on(today),
        }
        if course
        else None,
        "guidance": [
            {
                "id": g.pk,
                "given_on": g.given_on,
                "channel": g.channel,
                "written": g.is_written,
                "given_by": str(g.given_by),
                "note": g.note,
            }
            for g in guidance
        ],
        "informed_of_right": any(g.is_written for g in guidance),
        "digital_post_exempt": c.digital_post_exempt,
    }


def document(d: Document, *, health: bool = True) -> dict[str, Any]:
    """A document's metadata; its file name tells of the content, so it is shown only with
    ``health`` (a read the access policy allowed and logged)."""
    return {
        "id": d.pk,
        "kind": d.kind,
        "version": d.version,
        "filename": d.filename if health else "",
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "uploaded_at": d.uploaded_at,
        "uploaded_by": str(d.uploaded_by),
    }
