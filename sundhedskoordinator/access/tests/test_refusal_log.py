"""Every refusal is logged with the kind of object it concerned (DESIGN section 2: "every read of
health data, and every refused attempt, is logged"): a 403 of an action by someone in scope but
not on the case, and the 404 of a case, meeting, citizen or settlement outside the user's scope.
Letters that belong to no case still reach the citizen's "Min log". Expected rows are counted by
hand from the requests each test makes."""

from __future__ import annotations

import pytest
from django.test import Client

from sundhedskoordinator.access.models import AccessAction, AccessLog
from sundhedskoordinator.cases.choices import Action, Status
from sundhedskoordinator.cases.models import Document
from sundhedskoordinator.cases.services import run_action
from sundhedskoordinator.cases.walk import SAMPLE_PDF, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.documents.models import IssuedDocument, IssuedKind
from sundhedskoordinator.organisations.models import Municipality

pytestmark = pytest.mark.django_db


def _case(world, target):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        target,
        cast=world.cast,
        meeting=world.meeting,
    )


def _denied(user, object_type):
    return AccessLog.objects.filter(user=user, action=AccessAction.DENIED, object_type=object_type)


def _browser(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


def test_an_action_refused_to_someone_not_on_the_case_is_logged_on_the_case(world, api):
    case = _case(world, Status.REQUESTED)
    jonas = world.users["jobformidler"]  # Odense, in scope, not responsible
    response = api("jobformidler").post(f"/cases/{case.pk}/withdraw", {"reason": "prøver"})
    assert response.status_code == 403
    rows = list(_denied(jonas, "case"))
    assert len(rows) == 1
    assert rows[0].case_id == case.pk and rows[0].object_id == str(case.pk)
    # The citizen sees the attempt in "Min log".
    entries = api("borger").get("/me/access-log").json()["items"]
    assert any(e["action"] == "denied" and e["user"] == jonas.get_full_name() for e in entries)


def test_a_refused_action_is_logged_once_and_a_permitted_one_not_as_refused(world, api):
    case = _case(world, Status.REQUESTED)
    response = api("sagsbehandler").post(f"/cases/{case.pk}/withdraw", {"reason": "ok"})
    assert response.status_code == 200, response.content
    assert not AccessLog.objects.filter(action=AccessAction.DENIED).exists()


def test_a_page_action_refused_to_a_colleague_is_logged_too(world):
    case = _case(world, Status.REQUESTED)
    response = _browser(world, "jobformidler").post(
        f"/sager/{case.pk}/traek-tilbage/",
        {"withdraw-reason": "prøver", "withdraw-confirm": "on", "version": case.version},
        follow=True,
    )
    assert response.status_code == 200  # the case page again, with the refusal said
    assert _denied(world.users["jobformidler"], "case").filter(case=case).count() == 1


def test_an_action_on_a_case_outside_scope_answers_404_logs_once_and_changes_nothing(world, api):
    """The service finds the case only in the actor's scope, for the API and the pages alike: a
    caseworker of another municipality is told the case does not exist, nothing is written, and
    the attempt is logged once, on the case, where the citizen sees it."""
    case = _case(world, Status.DRAFT)
    other = world.users["sagsbehandler2"]  # Copenhagen: Odense's case is outside his scope
    response = api("sagsbehandler2").post(f"/cases/{case.pk}/submit", {"channel": "meeting"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    with pytest.raises(NotFoundError):
        run_action(Action.SUBMIT, actor=other, case_id=case.pk, channel="meeting")
    case.refresh_from_db()
    assert case.status == Status.DRAFT and case.submitted_at is None
    rows = list(_denied(other, "case"))
    assert [(r.case_id, r.object_id) for r in rows] == [(case.pk, str(case.pk))] * 2
    entries = api("borger").get("/me/access-log").json()["items"]
    assert any(e["action"] == "denied" and e["user"] == other.get_full_name() for e in entries)


def test_a_document_for_a_case_outside_scope_or_missing_answers_404_before_the_file_is_judged(
    world,
):
    """The upload judges its file before it locks the case; it finds the case in the actor's
    scope first, so a case outside it, or none, is a 404 and a logged attempt, not a 403 or an
    error."""
    case = _case(world, Status.REQUESTED)
    other = world.users["sagsbehandler2"]
    documents = Document.objects.count()
    for case_id in (case.pk, 2**40):
        with pytest.raises(NotFoundError):
            run_action(
                Action.ADD_DOCUMENT,
                actor=other,
                case_id=case_id,
                kind="other",
                filename="bilag.pdf",
                content=SAMPLE_PDF,
            )
    assert Document.objects.count() == documents
    assert [r.object_id for r in _denied(other, "case").order_by("id")] == [
        str(case.pk),
        str(2**40),
    ]


def test_a_meeting_outside_scope_answers_404_and_is_logged(world, api):
    response = api("sagsbehandler2").get(f"/meetings/{world.meeting.pk}")  # Copenhagen
    assert response.status_code == 404
    assert _denied(world.users["sagsbehandler2"], "meeting").get().object_id == str(
        world.meeting.pk
    )
    page = _browser(world, "sagsbehandler2").get(f"/moeder/{world.meeting.pk}/")
    assert page.status_code == 404
    assert _denied(world.users["sagsbehandler2"], "meeting").count() == 2


def test_sending_a_meeting_by_someone_not_its_secretariat_is_refused_and_logged(world):
    # A caseworker of the team's own municipality sees the meeting but may not send it.
    _case(world, Status.SCHEDULED)
    client = _browser(world, "sagsbehandler")
    response = client.post(f"/moeder/{world.meeting.pk}/send-alle/", follow=True)
    assert response.status_code == 200
    assert "Kun teamets sekretariat" in response.content.decode()
    assert _denied(world.users["sagsbehandler"], "meeting").count() == 1


def test_a_citizen_of_another_municipality_answers_404_and_the_citizen_sees_the_attempt(world, api):
    response = api("sagsbehandler2").get(f"/citizens/{world.citizen.pk}")
    assert response.status_code == 404
    row = _denied(world.users["sagsbehandler2"], "citizen").get()
    assert row.citizen_id == world.citizen.pk and row.case_id is None
    entries = api("borger").get("/me/access-log").json()["items"]
    assert [e["object"] for e in entries if e["action"] == "denied"] == [
        f"citizen:{world.citizen.pk}"
    ]
    # An id that exists nowhere is logged the same way, linked to no one.
    assert api("sagsbehandler2").get("/citizens/999999").status_code == 404
    assert _denied(world.users["sagsbehandler2"], "citizen").count() == 2


def test_a_new_case_for_a_citizen_outside_scope_is_refused_and_logged(world, api):
    response = api("sagsbehandler2").post(
        "/cases", {"citizen": world.citizen.pk, "offer": {"kind": "company_internship"}}
    )
    assert response.status_code == 404
    assert _denied(world.users["sagsbehandler2"], "citizen").count() == 1


def test_a_settlement_outside_scope_answers_404_and_is_logged(world, api):
    copenhagen = Municipality.objects.get(code="101")
    response = api("leder").get(
        "/settlements",
        municipality=copenhagen.pk,
        **{"from": "2026-10-01", "to": "2026-10-31"},
    )
    assert response.status_code == 404
    row = _denied(world.users["leder"], "settlement").get()
    assert row.object_id == str(copenhagen.pk)


def test_a_guidance_letter_read_shows_in_the_citizens_own_log(world, api):
    letter = IssuedDocument.objects.get(
        kind=IssuedKind.GUIDANCE_LETTER, guidance__citizen=world.citizen
    )
    assert api("sagsbehandler").get(f"/documents/issued/{letter.pk}/content").status_code == 200
    row = AccessLog.objects.get(object_type="issued_document", action=AccessAction.DOWNLOAD)
    assert row.citizen_id == world.citizen.pk
    entries = api("borger").get("/me/access-log").json()["items"]
    assert [e["object"] for e in entries] == [f"issued_document:{letter.pk}"]
    # Another citizen's log stays empty.
    assert api("borger2").get("/me/access-log").json()["count"] == 0


def test_min_log_names_a_letter_that_belongs_to_no_case(world, api):
    letter = IssuedDocument.objects.get(
        kind=IssuedKind.GUIDANCE_LETTER, guidance__citizen=world.citizen
    )
    api("sagsbehandler").get(f"/documents/issued/{letter.pk}/content")
    page = _browser(world, "borger").get("/min-log/").content.decode()
    assert "Brev" in page and world.users["sagsbehandler"].get_full_name() in page


def test_a_citizen_known_elsewhere_is_logged_against_that_record(world):
    copenhagen = Municipality.objects.get(code="101")
    citizen_services.create_citizen(
        actor=world.users["sagsbehandler2"],
        cpr="1203851234",
        name="Mette Sørensen",
        municipality=copenhagen,
    )
    row = _denied(world.users["sagsbehandler2"], "citizen").get()
    assert row.object_id == str(world.citizen.pk)
    assert row.citizen_id == world.citizen.pk  # so Mette sees the look-up in "Min log"


def test_refusals_of_meetings_rates_settlements_and_citizens_are_logged(world, api):
    """Each write refused to someone in scope (403) or aimed outside it (404) leaves one denied
    row of its kind: seven requests, seven rows, counted by hand. A region's rates are outside
    a municipality's manager's figures (404); another region's municipality is outside Klinisk
    Funktion's (404), as the reads answer."""
    copenhagen = Municipality.objects.get(code="101")
    kbh_team = copenhagen.rehab_teams.get()
    meeting = {"starts_at": "2027-01-12T08:00:00Z", "ends_at": "2027-01-12T11:00:00Z"}
    caseworker, secretary, manager = api("sagsbehandler"), api("sekretariat"), api("leder")
    assert caseworker.post("/meetings", {"team": world.team.pk, **meeting}).status_code == 403
    assert secretary.post("/meetings", {"team": kbh_team.pk, **meeting}).status_code == 404
    rate = {"region": world.team.municipality.region_id, "amount": "2000.00"}
    assert manager.post("/rates", {**rate, "valid_from": "2027-01-01"}).status_code == 404
    approve = {"municipality": world.team.municipality.pk, "from": "2026-10-01", "to": "2026-10-31"}
    assert manager.post("/settlements", approve).status_code == 403
    approve_kbh = {**approve, "municipality": copenhagen.pk}
    assert api("klinisk").post("/settlements", approve_kbh).status_code == 404
    citizen = {"cpr": "0101901239", "name": "Ole", "municipality": copenhagen.pk}
    assert caseworker.post("/citizens", citizen).status_code == 403
    guidance = {"given_on": "2026-11-20", "channel": "digital_post"}
    assert api("leder").post(f"/citizens/{world.citizen.pk}/guidance", guidance).status_code in (
        403,
        404,
    )
    rows = AccessLog.objects.filter(action=AccessAction.DENIED)
    kinds = sorted(rows.values_list("object_type", flat=True))
    # The caseworker's meeting is refused for the municipality whose meetings it would be (a
    # stand-alone conversation has no team); the other municipality's team is not found.
    assert kinds == [
        "citizen",
        "municipality",
        "municipality",
        "rate",
        "settlement",
        "settlement",
        "team",
    ]
