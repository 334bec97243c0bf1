"""Every refusal of the procedure, through the API: the stable code, one field per missing part,
and nothing written."""

import datetime as dt

import pytest

from conftest import local
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import workflow
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import SAMPLE_CONCERN, SAMPLE_OFFER, new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.selectors import agreement_for

pytestmark = pytest.mark.django_db


def _snapshot(case_id):
    case = Case.objects.get(pk=case_id)
    return case.status, case.version, CaseEvent.objects.filter(case=case).count()


def _draft(world, **kwargs):
    return new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"], **kwargs)


def _refused(response, status, code):
    assert response.status_code == status, response.json()
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


def test_submit_lists_every_missing_part_at_once(world, api):
    case = _draft(world, offer={"kind": "company_internship"}, concern={"text": " "})
    before = _snapshot(case.pk)
    error = _refused(
        api("sagsbehandler").post(f"/cases/{case.pk}/submit", {"channel": "meeting"}),
        422,
        workflow.PREREQUISITES_MISSING,
    )
    assert set(error["fields"]) == {"offer.content", "offer.demands", "health_concern"}
    assert "Tilbuddets indhold er ikke beskrevet." in error["fields"]["offer.content"]
    assert _snapshot(case.pk) == before


@pytest.mark.parametrize(
    ("offer", "field"),
    [
        ({**SAMPLE_OFFER, "content": ""}, "offer.content"),
        ({**SAMPLE_OFFER, "demands": ""}, "offer.demands"),
    ],
)
def test_submit_refuses_an_offer_without_content_or_demands(world, api, offer, field):
    case = _draft(world, offer=offer)
    error = _refused(
        api("borger").post(f"/cases/{case.pk}/submit"), 422, workflow.PREREQUISITES_MISSING
    )
    assert list(error["fields"]) == [field]
    assert Case.objects.get(pk=case.pk).status == Status.DRAFT


def test_submit_refuses_without_the_citizens_description(world, api):
    case = _draft(world, concern=None)
    error = _refused(
        api("borger").post(f"/cases/{case.pk}/submit"), 422, workflow.PREREQUISITES_MISSING
    )
    assert list(error["fields"]) == ["health_concern"]


def test_submit_refuses_a_citizen_not_in_an_active_resource_course(world, api):
    course = world.citizen.resource_courses.get()
    course.end_date = dt.date(2026, 10, 31)
    course.save()
    case = _draft(world)
    error = _refused(
        api("sagsbehandler").post(f"/cases/{case.pk}/submit", {"channel": "phone"}),
        422,
        workflow.NOT_IN_RESOURCE_COURSE,
    )
    assert list(error["fields"]) == ["citizen.resource_course"]


def test_complete_refuses_an_incomplete_case_file(world, api):
    case = walk_case_to(_draft(world), Status.REQUESTED, cast=world.cast)
    before = _snapshot(case.pk)
    error = _refused(
        api("sagsbehandler").post(f"/cases/{case.pk}/complete"), 422, workflow.CASE_FILE_INCOMPLETE
    )
    assert set(error["fields"]) == {"documents.action_plan", "documents.health_information"}
    assert _snapshot(case.pk) == before


def test_a_note_that_there_is_no_health_information_completes_the_file(world, api):
    from sundhedskoordinator.cases import services
    from sundhedskoordinator.cases.walk import SAMPLE_PDF

    case = walk_case_to(_draft(world), Status.REQUESTED, cast=world.cast)
    caseworker = api("sagsbehandler")
    services.add_document(
        actor=world.users["sagsbehandler"],
        case_id=case.pk,
        kind="action_plan",
        filename="plan.pdf",
        content=SAMPLE_PDF,
    )
    caseworker.patch(
        f"/cases/{case.pk}",
        {"no_health_information_note": "Der foreligger ingen relevante helbredsoplysninger."},
    )
    assert caseworker.post(f"/cases/{case.pk}/complete").json()["status"] == "ready"


def test_scheduling_past_the_deadline_needs_a_reason_and_is_flagged(world, api):
    case = walk_case_to(_draft(world), Status.READY, cast=world.cast)
    secretariat = api("sekretariat")
    body = {"meeting": world.meeting.pk, "coordinator": world.users["koordinator"].pk}
    with clock.frozen(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)):  # deadline was 1 December
        before = _snapshot(case.pk)
        error = _refused(
            secretariat.post(f"/cases/{case.pk}/schedule", body), 422, workflow.DEADLINE_PASSED
        )
        assert list(error["fields"]) == ["late_reason"]
        assert _snapshot(case.pk) == before
        response = secretariat.post(
            f"/cases/{case.pk}/schedule", {**body, "late_reason": "Borgeren er i akut risiko."}
        )
        assert response.status_code == 200, response.json()
        item = response.json()["agenda_item"]
        assert item["scheduled_late"] is True
        assert item["late_reason"] == "Borgeren er i akut risiko."
        dispatched = secretariat.post(f"/cases/{case.pk}/dispatch").json()["dispatch"]
        assert dispatched["late"] is True
        assert dispatched["working_days_late"] == 1


def test_items_on_a_meeting_never_overlap(world, api):
    first = walk_case_to(_draft(world), Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    second = walk_case_to(_draft(world), Status.READY, cast=world.cast)
    taken = first.agenda_items.get().starts_at
    secretariat = api("sekretariat")
    body = {"meeting": world.meeting.pk, "coordinator": world.users["koordinator"].pk}
    error = _refused(
        secretariat.post(
            f"/cases/{second.pk}/schedule",
            {**body, "starts_at": (taken + dt.timedelta(minutes=15)).isoformat()},
        ),
        422,
        workflow.SLOT_TAKEN,
    )
    assert "overlapper" in error["fields"]["starts_at"]
    # Without a time, the first free slot after the first item is chosen.
    placed = secretariat.post(f"/cases/{second.pk}/schedule", body).json()["agenda_item"]
    assert placed["starts_at"] == (taken + dt.timedelta(minutes=45)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_full_meeting_has_no_free_slot(world, api):
    secretariat = api("sekretariat")
    short = meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(dt.date(2026, 12, 16), 9),
        ends_at=local(dt.date(2026, 12, 16), 9, 45),
    )
    walk_case_to(_draft(world), Status.SCHEDULED, cast=world.cast, meeting=short)
    case = walk_case_to(_draft(world), Status.READY, cast=world.cast)
    error = _refused(
        secretariat.post(
            f"/cases/{case.pk}/schedule",
            {"meeting": short.pk, "coordinator": world.users["koordinator"].pk},
        ),
        422,
        workflow.SLOT_TAKEN,
    )
    assert error["fields"]["starts_at"] == "Der er ingen ledig tid på mødet."


def test_cancelling_returns_the_case_to_ready_and_frees_the_slot(world, api):
    case = walk_case_to(_draft(world), Status.SENT, cast=world.cast, meeting=world.meeting)
    slot = case.agenda_items.get().starts_at
    coordinator, secretariat = api("koordinator"), api("sekretariat")
    _refused(
        coordinator.post(f"/cases/{case.pk}/cancel", {"reason": ""}),
        422,
        workflow.PREREQUISITES_MISSING,
    )
    response = coordinator.post(f"/cases/{case.pk}/cancel", {"reason": "Borgeren udeblev."})
    assert response.json()["status"] == "ready"
    assert response.json()["agenda_item"] is None
    other = walk_case_to(_draft(world), Status.READY, cast=world.cast)
    placed = secretariat.post(
        f"/cases/{other.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "starts_at": slot.isoformat(),
        },
    )
    assert placed.status_code == 200, placed.json()


@pytest.mark.parametrize(
    ("username", "action", "body"),
    [
        ("borger", "complete", {}),
        ("sagsbehandler", "schedule", {"meeting": 1, "coordinator": 1}),
        ("sekretariat", "submit", {"channel": "meeting"}),
        ("leder", "submit", {"channel": "meeting"}),
    ],
)
def test_a_role_the_table_does_not_name_is_refused(world, api, username, action, body):
    case = walk_case_to(
        _draft(world), Status.REQUESTED if action == "complete" else Status.DRAFT, cast=world.cast
    )
    case = walk_case_to(case, Status.READY, cast=world.cast) if action == "schedule" else case
    before = _snapshot(case.pk)
    _refused(api(username).post(f"/cases/{case.pk}/{action}", body), 403, workflow.ROLE_NOT_ALLOWED)
    assert _snapshot(case.pk) == before


def test_an_action_in_the_wrong_state_is_an_invalid_transition(world, api):
    case = _draft(world)
    error = _refused(
        api("sekretariat").post(f"/cases/{case.pk}/dispatch"), 422, workflow.INVALID_TRANSITION
    )
    assert "Kladde" in error["message"]


def test_cases_of_another_municipality_answer_404(world, api):
    case = _draft(world)
    _refused(api("sagsbehandler2").get(f"/cases/{case.pk}"), 404, "not_found")
    _refused(api("sagsbehandler2").post(f"/cases/{case.pk}/submit"), 404, "not_found")
    _refused(api("borger2").get(f"/cases/{case.pk}"), 404, "not_found")
    assert api("sagsbehandler2").get("/cases").json()["count"] == 0


def test_a_stale_version_answers_409_and_changes_nothing(world, api):
    caseworker = api("sagsbehandler")
    case = _draft(world)
    etag = caseworker.get(f"/cases/{case.pk}")["ETag"]
    fresh = caseworker.patch(
        f"/cases/{case.pk}",
        {"offer": {**SAMPLE_OFFER, "provider": "A"}},
        headers={"If-Match": etag},
    )
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    before = _snapshot(case.pk)
    _refused(
        caseworker.patch(
            f"/cases/{case.pk}",
            {"offer": {**SAMPLE_OFFER, "provider": "B"}},
            headers={"If-Match": etag},
        ),
        409,
        workflow.STALE_VERSION,
    )
    _refused(
        caseworker.post(
            f"/cases/{case.pk}/submit", {"channel": "meeting"}, headers={"If-Match": etag}
        ),
        409,
        workflow.STALE_VERSION,
    )
    assert _snapshot(case.pk) == before
    assert Case.objects.get(pk=case.pk).offer.provider == "A"


def test_a_repeated_idempotency_key_returns_the_first_answer_and_changes_nothing(world, api):
    caseworker = api("sagsbehandler")
    headers = {"Idempotency-Key": "opret-2026-11-23-001"}
    body = {"citizen": world.citizen.pk, "offer": SAMPLE_OFFER, "health_concern": SAMPLE_CONCERN}
    first = caseworker.post("/cases", body, headers=headers)
    again = caseworker.post("/cases", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Case.objects.count() == 1

    case_id = first.json()["id"]
    submit_headers = {"Idempotency-Key": "anmod-001"}
    submitted = caseworker.post(
        f"/cases/{case_id}/submit", {"channel": "meeting"}, headers=submit_headers
    )
    before = _snapshot(case_id)
    repeated = caseworker.post(
        f"/cases/{case_id}/submit", {"channel": "meeting"}, headers=submit_headers
    )
    assert repeated.json() == submitted.json()
    assert _snapshot(case_id) == before
    _refused(
        caseworker.post(f"/cases/{case_id}/complete", headers=submit_headers),
        422,
        "idempotency_key_reused",
    )


def test_submitted_advice_cannot_be_edited_only_corrected_with_a_reason(world, api):
    case = walk_case_to(_draft(world), Status.ADVISED, cast=world.cast, meeting=world.meeting)
    coordinator = api("koordinator")
    first = case.advice_versions.get()
    before = _snapshot(case.pk)
    with clock.frozen(first.submitted_at + dt.timedelta(minutes=5)):
        _refused(
            coordinator.post(f"/cases/{case.pk}/advice", {"text": "Ny tekst"}),
            422,
            workflow.ADVICE_ALREADY_SUBMITTED,
        )
        assert _snapshot(case.pk) == before
        corrected = coordinator.post(
            f"/cases/{case.pk}/advice",
            {"text": "Rettet vurdering.", "correction_reason": "Skrivefejl i skånehensyn."},
        )
    body = corrected.json()
    assert body["status"] == "advised"
    assert body["advice"]["version"] == 2
    assert [a["version"] for a in body["advice_versions"]] == [2, 1]
    first.refresh_from_db()
    assert first.text.startswith("Praktikken kan gennemføres")  # version 1 is unchanged


def test_registering_an_offer_without_written_guidance_warns_and_offers_the_letter(world, api):
    world.citizen.guidance.all().delete()
    caseworker = api("sagsbehandler")
    response = caseworker.post("/cases", {"citizen": world.citizen.pk, "offer": SAMPLE_OFFER})
    assert response.status_code == 201
    warnings = response.json()["warnings"]
    assert [w["code"] for w in warnings] == ["guidance_missing"]
    assert "vejledningsbrevet" in warnings[0]["message"]
    assert response.json()["guidance_given"] is False
    # Oral guidance does not count (BEK 2409/2021 § 2: in writing).
    caseworker.post(
        f"/citizens/{world.citizen.pk}/guidance", {"given_on": "2026-11-23", "channel": "phone"}
    )
    again = caseworker.patch(f"/cases/{response.json()['id']}", {"offer": SAMPLE_OFFER})
    assert [w["code"] for w in again.json()["warnings"]] == ["guidance_missing"]
    caseworker.post(
        f"/citizens/{world.citizen.pk}/guidance", {"given_on": "2026-11-23", "channel": "letter"}
    )
    again = caseworker.patch(f"/cases/{response.json()['id']}", {"offer": SAMPLE_OFFER})
    assert again.json()["warnings"] == []
    assert again.json()["guidance_given"] is True


def test_a_changed_agreement_does_not_move_existing_deadlines(world, api):
    case = walk_case_to(_draft(world), Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    meeting_services.update_agreement(
        agreement=agreement_for(world.team.municipality.region),
        dispatch_working_days=5,
        case_slot_minutes=60,
    )
    body = api("sagsbehandler").get(f"/cases/{case.pk}").json()
    assert body["dispatch"]["deadline"] == "2026-12-01"
    assert body["agenda_item"]["deadline_rule"].startswith("10 hverdage")
    assert (
        api("sekretariat").get(f"/meetings/{world.meeting.pk}").json()["dispatch_deadline"]
        == "2026-12-01"
    )
    later = api("sekretariat").post(
        "/meetings",
        {
            "team": world.team.pk,
            "starts_at": "2026-12-15T13:00:00+01:00",
            "ends_at": "2026-12-15T15:00:00+01:00",
        },
    )
    assert later.status_code == 201, later.json()
    assert later.json()["dispatch_deadline"] == "2026-12-08"  # 5 working days before
    assert later.json()["deadline_working_days"] == 5


def test_an_agreement_without_team_meetings_refuses_a_rehab_team_meeting(world, api):
    meeting_services.update_agreement(
        agreement=agreement_for(world.team.municipality.region), meeting_kinds=["conversation"]
    )
    secretariat = api("sekretariat")
    body = {
        "team": world.team.pk,
        "starts_at": "2026-12-17T09:00:00+01:00",
        "ends_at": "2026-12-17T10:00:00+01:00",
    }
    _refused(secretariat.post("/meetings", body), 422, "meeting_not_allowed")
    conversation = secretariat.post("/meetings", {**body, "kind": "conversation"})
    assert conversation.status_code == 201
    case = walk_case_to(_draft(world), Status.READY, cast=world.cast)
    _refused(
        secretariat.post(
            f"/cases/{case.pk}/schedule",
            {"meeting": world.meeting.pk, "coordinator": world.users["koordinator"].pk},
        ),
        422,
        workflow.MEETING_NOT_ALLOWED,
    )
    ok = secretariat.post(
        f"/cases/{case.pk}/schedule",
        {"meeting": conversation.json()["id"], "coordinator": world.users["koordinator"].pk},
    )
    assert ok.status_code == 200, ok.json()


def test_a_personal_job_broker_may_attend_instead_of_the_caseworker(world, api):
    case = walk_case_to(_draft(world), Status.READY, cast=world.cast)
    secretariat = api("sekretariat")
    body = {"meeting": world.meeting.pk, "coordinator": world.users["koordinator"].pk}
    _refused(
        secretariat.post(
            f"/cases/{case.pk}/schedule", {**body, "attendee": world.users["sekretariat"].pk}
        ),
        422,
        workflow.INVALID_PARTICIPANT,
    )
    _refused(
        secretariat.post(
            f"/cases/{case.pk}/schedule", {**body, "coordinator": world.users["koordinator2"].pk}
        ),
        422,
        workflow.INVALID_PARTICIPANT,
    )
    scheduled = secretariat.post(
        f"/cases/{case.pk}/schedule", {**body, "attendee": world.users["jobformidler"].pk}
    )
    assert scheduled.json()["agenda_item"]["attendee"]["name"] == "Jonas Friis"
    case = walk_case_to(
        Case.objects.get(pk=case.pk), Status.HELD, cast=world.cast, meeting=world.meeting
    )
    roles = {a["role"] for a in case.conversations.get().attendees}
    assert roles == {"citizen", "coordinator", "job_broker"}


def test_bad_input_answers_400_with_the_field(world, api):
    error = _refused(api("sagsbehandler").post("/cases", {"citizen": "x"}), 400, "invalid_input")
    assert "citizen" in error["fields"]
    error = _refused(
        api("sagsbehandler").post("/citizens", {"cpr": "3213851234", "name": "Forkert Dato"}),
        422,
        "invalid_input",
    )
    assert "3213851234" not in str(error)  # CPR numbers never appear in error messages
    assert list(error["fields"]) == ["cpr"]
