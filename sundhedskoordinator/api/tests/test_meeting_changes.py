"""Meetings that change, through the API alone (issue 16, points 1 and 2): an integrator lists
the coordinators a case may be given, schedules with one, moves and cancels the meeting, and
moves a case; each refusal has its stable code. The world's meeting is Tuesday 15 December 2026
09:00-12:00; the clock stands at Monday 23 November 2026."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import World
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem, Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to

pytestmark = pytest.mark.django_db


def _ready(world: World) -> Case:
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )


def test_an_integrator_schedules_with_a_listed_coordinator(world: World, api: Any) -> None:
    client = api("sekretariat")
    listed = client.get(f"/meetings/{world.meeting.pk}/coordinators").json()
    assert [c["name"] for c in listed] == ["Karen Lund"]  # Region Syddanmark's coordinator
    case = _ready(world)
    without = client.post(f"/cases/{case.pk}/schedule", {"meeting": world.meeting.pk})
    assert without.status_code in (400, 422)  # the schema requires the coordinator
    scheduled = client.post(
        f"/cases/{case.pk}/schedule",
        {"meeting": world.meeting.pk, "coordinator": listed[0]["id"]},
    )
    assert scheduled.status_code == 200, scheduled.json()
    assert scheduled.json()["status"] == "scheduled"
    # Another region's staff do not learn the meeting exists.
    assert api("koordinator2").get(f"/meetings/{world.meeting.pk}/coordinators").status_code == 404
    document = client.get("/openapi.json").json()
    schedule_in = document["components"]["schemas"]["ScheduleIn"]
    assert set(schedule_in["required"]) == {"meeting", "coordinator"}


def test_the_meeting_moves_and_is_cancelled_through_the_api(world: World, api: Any) -> None:
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client = api("sekretariat")
    moved = client.post(
        f"/meetings/{world.meeting.pk}/change",
        {
            "starts_at": "2026-12-17T10:00:00+01:00",
            "ends_at": "2026-12-17T13:00:00+01:00",
            "reason": "Lederen er på kursus.",
        },
    )
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["date"], moved.json()["sequence"]) == ("2026-12-17", 1)
    assert moved.json()["dispatch_deadline"] == "2026-12-03"
    saturday = client.post(
        f"/meetings/{world.meeting.pk}/change",
        {
            "starts_at": "2026-12-19T10:00:00+01:00",
            "ends_at": "2026-12-19T13:00:00+01:00",
            "reason": "x",
        },
    )
    assert saturday.status_code == 422
    assert saturday.json()["error"]["code"] == "meeting_not_allowed"
    refused = api("koordinator").post(
        f"/meetings/{world.meeting.pk}/cancel", {"reason_code": "coordinator_ill"}
    )
    assert refused.status_code == 403
    cancelled = client.post(
        f"/meetings/{world.meeting.pk}/cancel", {"reason_code": "coordinator_ill"}
    )
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["cancel_code"] == "coordinator_ill"
    case.refresh_from_db()
    assert case.status == Status.READY
    again = client.post(f"/meetings/{world.meeting.pk}/cancel", {"reason_code": "other"})
    assert again.status_code == 422


def test_a_conversation_is_cancelled_with_a_reason_code(world: World, api: Any) -> None:
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    client = api("koordinator")
    unknown = client.post(f"/cases/{case.pk}/cancel", {"reason_code": "ferie"})
    assert unknown.status_code in (400, 422)
    other_without_text = client.post(f"/cases/{case.pk}/cancel", {"reason_code": "other"})
    assert other_without_text.status_code == 422
    assert other_without_text.json()["error"]["code"] == "prerequisites_missing"
    done = client.post(f"/cases/{case.pk}/cancel", {"reason_code": "citizen_absent"})
    assert done.status_code == 200, done.json()
    assert AgendaItem.objects.get(case=case).cancel_code == "citizen_absent"
