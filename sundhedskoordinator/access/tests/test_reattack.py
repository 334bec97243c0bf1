"""Regression tests for what an independent re-attack of the assignment policy still found: a
coordinator planned on a case that was sent once before to someone else, an attendee the
secretariat picks freely, the companion's name on the agenda, health data kept with an
Idempotency-Key, and hand-on offered to someone who may not hand on. Expectations from DESIGN
section 2 ("on the case"; companion names are health content)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.notifications.models import Notification
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, Region, User
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db

#: The backend of a log-in with user name and password.
PASSWORD_BACKEND = "sundhedskoordinator.web.auth.PasswordBackend"

COMPANION = "Hanne Bisidder-Testesen"


def _case(world, target):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        target,
        cast=world.cast,
        meeting=world.meeting,
    )


def _user(username, role, **where):
    user = User.objects.create_user(username=username, first_name=username.title())
    grant_role(user=user, role=role, **where)
    return user


def _token_client(user):
    from sundhedskoordinator.api.tokens import issue_token

    return Client(headers={"Authorization": f"Bearer {issue_token(user=user)}"})


# --- A coordinator planned on a case sent once before to another -----------------------------
def test_a_coordinator_planned_again_sees_no_health_data_and_hears_nothing_until_sent(world, api):
    vikar = _user("vikar", Role.COORDINATOR, region=Region.objects.get(code="1083"))
    case = _case(world, Status.SENT)  # sent to koordinator
    assert (
        api("koordinator").post(f"/cases/{case.pk}/cancel", {"reason": "Afbud"}).status_code == 200
    )
    response = api("sekretariat").post(
        f"/cases/{case.pk}/schedule", {"meeting": world.meeting.pk, "coordinator": vikar.pk}
    )
    assert response.status_code == 200, response.content
    vikar_api = _token_client(vikar)
    body = vikar_api.get(f"/api/v1/cases/{case.pk}").json()
    assert body["health_data_included"] is False
    assert body["health_concern"] is None or not body["health_concern"].get("text")
    assert not Notification.objects.filter(user=vikar).exists()
    # Once the package is sent to her, she is on the case.
    assert api("sekretariat").post(f"/cases/{case.pk}/dispatch").status_code == 200
    assert vikar_api.get(f"/api/v1/cases/{case.pk}").json()["health_data_included"] is True
    assert Notification.objects.filter(user=vikar).exists()


# --- Who attends for the jobcentre -----------------------------------------------------------
def test_the_secretariat_cannot_put_another_caseworker_on_the_case_as_attendee(world, api):
    other = _user("sagsbehandler3", Role.CASEWORKER, municipality=world.team.municipality)
    case = _case(world, Status.READY)
    response = api("sekretariat").post(
        f"/cases/{case.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "attendee": other.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_participant"
    assert "attendee" in response.json()["error"]["fields"]
    case.refresh_from_db()
    assert case.status == Status.READY


def test_a_personal_job_broker_of_the_municipality_may_attend(world, api):
    case = _case(world, Status.READY)
    response = api("sekretariat").post(
        f"/cases/{case.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "attendee": world.users["jobformidler"].pk,
        },
    )
    assert response.status_code == 200, response.content


def test_a_job_broker_of_another_municipality_may_not_attend(world, api):
    stranger = _user(
        "kbh-jobformidler", Role.JOB_BROKER, municipality=Municipality.objects.get(code="101")
    )
    case = _case(world, Status.READY)
    response = api("sekretariat").post(
        f"/cases/{case.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "attendee": stranger.pk,
        },
    )
    assert response.status_code == 422


def test_the_attending_job_broker_is_not_offered_hand_on(world, api):
    case = _case(world, Status.READY)
    api("sekretariat").post(
        f"/cases/{case.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "attendee": world.users["jobformidler"].pk,
        },
    )
    actions = api("jobformidler").get(f"/cases/{case.pk}").json()["actions"]
    assert "reassign" not in actions
    assert "reassign" in api("sagsbehandler").get(f"/cases/{case.pk}").json()["actions"]
    assert "reassign" in api("leder").get(f"/cases/{case.pk}").json()["actions"]


# --- The companion's name is health content, not agenda content ------------------------------
def _scheduled_with_companion(world, api):
    case = _case(world, Status.READY)
    response = api("sekretariat").post(
        f"/cases/{case.pk}/schedule",
        {
            "meeting": world.meeting.pk,
            "coordinator": world.users["koordinator"].pk,
            "companion": COMPANION,
        },
    )
    assert response.status_code == 200
    return case


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("username", ["jobformidler", "leder", "sekretariat", "sagsbehandler"])
def test_the_agenda_page_and_pdfs_never_name_the_companion(world, api, username):
    _scheduled_with_companion(world, api)
    browser = Client()
    browser.force_login(world.users[username])
    page = browser.get(f"/moeder/{world.meeting.pk}/")
    assert page.status_code == 200
    assert COMPANION not in page.content.decode()
    assert "bisidder" in page.content.decode()  # that one comes is planning information
    pdf = browser.get(f"/moeder/{world.meeting.pk}/dagsorden.pdf")
    assert COMPANION not in _pdf_text(pdf.content)
    api_pdf = api(username).get(f"/meetings/{world.meeting.pk}/agenda.pdf")
    assert api_pdf.status_code == 200
    assert COMPANION not in _pdf_text(api_pdf.content)


def test_the_case_still_names_the_companion_to_those_on_it(world, api):
    case = _scheduled_with_companion(world, api)
    assert api("sagsbehandler").get(f"/cases/{case.pk}").json()["agenda_item"]["companion"] == (
        COMPANION
    )
    assert api("jobformidler").get(f"/cases/{case.pk}").json()["agenda_item"]["companion"] == ""


# --- No health data kept with an Idempotency-Key ---------------------------------------------
def test_a_repeated_key_answers_with_what_the_user_may_read_now(world, api):
    from sundhedskoordinator.api.models import IdempotencyRecord

    case = _case(world, Status.HELD)
    key = {"Idempotency-Key": "shared-key-1"}
    caseworker = api("sagsbehandler")
    first = caseworker.post(f"/cases/{case.pk}/file-note", {"text": "Aftalt: start kl. 10."}, key)
    assert first.status_code == 200
    assert first.json()["health_data_included"] is True
    record = IdempotencyRecord.objects.get(key="shared-key-1")
    assert set(record.body) == {"id", "version"}  # no health content kept with the key
    reassign = caseworker.post(
        f"/cases/{case.pk}/reassign", {"responsible": world.users["jobformidler"].pk}
    )
    assert reassign.status_code == 200
    again = caseworker.post(f"/cases/{case.pk}/file-note", {"text": "Aftalt: start kl. 10."}, key)
    assert again.status_code == 200
    body = again.json()
    assert body["health_data_included"] is False
    assert "Aftalt" not in again.content.decode()
    assert body["version"] == reassign.json()["version"]  # nothing was written again


def test_the_admin_site_does_not_show_the_companion(world, api):
    from sundhedskoordinator.cases.models import AgendaItem

    case = _scheduled_with_companion(world, api)
    item = AgendaItem.objects.get(case=case)
    browser = Client()
    browser.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    page = browser.get(f"/admin/cases/agendaitem/{item.pk}/change/")
    assert page.status_code == 200
    assert COMPANION not in page.content.decode()


# --- The admin's list pages filter only by the filters they show -----------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/admin/cases/agendaitem/?companion_name__icontains=Hanne",
        "/admin/cases/agendaitem/?cancel_reason__icontains=syg",
        "/admin/cases/dispatch/?snapshot__health_concern__text__icontains=smerter",
        "/admin/cases/case/?health_concern__text__icontains=smerter",
        "/admin/audit/caseevent/?data__icontains=x",
        # A shown related filter is not a way on to another model's fields.
        "/admin/cases/case/?municipality__cases__health_concern__text__icontains=smerter",
        "/admin/meetings/meeting/?team__municipality__cases__dispatches__snapshot__icontains=x",
        "/admin/organisations/municipality/?region__municipalities__cases__health_concern__text=x",
        "/admin/cases/case/?municipality__name__icontains=Odense",
    ],
)
def test_the_admin_refuses_a_filter_on_a_field_it_does_not_show(world, api, path):
    case = _scheduled_with_companion(world, api)
    api("sekretariat").post(f"/cases/{case.pk}/dispatch")
    browser = Client()
    browser.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    response = browser.get(path)
    # Django answers a disallowed lookup by sending the list back with the error flag, never
    # with a count of matches.
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


def test_the_admin_still_filters_by_the_filters_it_shows(world, api):
    _scheduled_with_companion(world, api)
    browser = Client()
    browser.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    municipality = world.team.municipality
    for path in (
        "/admin/meetings/meeting/?kind__exact=team_meeting",
        "/admin/cases/case/?status__exact=scheduled",
        f"/admin/cases/case/?municipality__id__exact={municipality.pk}",
        f"/admin/meetings/meeting/?municipality__id__exact={municipality.pk}",
        "/admin/meetings/meeting/?date__year=2026&date__month=12",
    ):
        assert browser.get(path).status_code == 200, path


def test_a_repeated_upload_key_keeps_no_file_name_and_shows_it_only_to_readers(world, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sundhedskoordinator.api.models import IdempotencyRecord
    from sundhedskoordinator.cases.walk import SAMPLE_PDF

    case = _case(world, Status.REQUESTED)
    caseworker = api("sagsbehandler")
    name = "Psykiatrisk_journal_2026.pdf"

    def upload():
        return caseworker.client.post(
            f"/api/v1/cases/{case.pk}/documents",
            {"kind": "health_information", "file": SimpleUploadedFile(name, SAMPLE_PDF)},
            headers={"Authorization": f"Bearer {caseworker.token}", "Idempotency-Key": "k1"},
        )

    first = upload()
    assert first.status_code == 201
    assert first.json()["filename"] == name
    assert name not in str(IdempotencyRecord.objects.get(key="k1").body)
    reassign = caseworker.post(
        f"/cases/{case.pk}/reassign", {"responsible": world.users["jobformidler"].pk}
    )
    assert reassign.status_code == 200
    again = upload()
    assert again.status_code == 201
    assert again.json()["filename"] == ""
    assert again.json()["id"] == first.json()["id"]


# --- The case page as the people on it use it ------------------------------------------------
def test_the_coordinator_who_holds_the_item_is_not_offered_to_take_it_over(world, api):
    vikar = _user("vikar", Role.COORDINATOR, region=Region.objects.get(code="1083"))
    case = _case(world, Status.SENT)
    assert "take_over" not in api("koordinator").get(f"/cases/{case.pk}").json()["actions"]
    assert "take_over" in _token_client(vikar).get(f"/api/v1/cases/{case.pk}").json()["actions"]
    browser = Client()
    browser.force_login(world.users["koordinator"])
    assert f"/sager/{case.pk}/overtag/" not in browser.get(f"/sager/{case.pk}/").content.decode()


def test_health_opened_for_a_purpose_says_so_and_its_document_links_work(world):
    from sundhedskoordinator.access.models import AccessLog
    from sundhedskoordinator.cases.models import Document

    case = _case(world, Status.READY)
    browser = Client()
    browser.force_login(world.users["sekretariat"])
    closed = browser.get(f"/sager/{case.pk}/").content.decode()
    assert '<option value="">' in closed  # no purpose chosen for the user
    page = browser.get(f"/sager/{case.pk}/", {"formaal": "complaint", "formaal_tekst": "Klage"})
    html = page.content.decode()
    assert "Vist til formålet: Behandling af klage: Klage. Læsningen er logget." in html
    document = Document.objects.filter(case=case).first()
    link = f"/sager/dokumenter/{document.pk}/?formaal=complaint&amp;formaal_tekst=Klage"
    assert link in html
    download = browser.get(link.replace("&amp;", "&"))
    assert download.status_code == 200
    row = AccessLog.objects.filter(object_type="document", action="download").get()
    assert row.purpose.endswith("Klage")


def test_a_download_with_a_purpose_not_on_the_list_is_refused_without_an_error(world):
    from sundhedskoordinator.cases.models import Document

    case = _case(world, Status.READY)
    document = Document.objects.filter(case=case).first()
    browser = Client()
    browser.force_login(world.users["sekretariat"])
    response = browser.get(f"/sager/dokumenter/{document.pk}/", {"formaal": "nysgerrighed"})
    assert response.status_code == 302
    assert response["Location"] == "/sager/"


def test_an_idempotency_key_longer_than_kept_is_refused_and_nothing_runs(world, api):
    case = _case(world, Status.HELD)
    caseworker = api("sagsbehandler")
    key = {"Idempotency-Key": "k" * 201}
    response = caseworker.post(f"/cases/{case.pk}/file-note", {"text": "Aftalt."}, key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    case.refresh_from_db()
    assert case.conversations.get().file_note == ""
    ok = caseworker.post(
        f"/cases/{case.pk}/file-note", {"text": "Aftalt."}, {"Idempotency-Key": "k" * 200}
    )
    assert ok.status_code == 200


def test_the_admin_shows_no_guidance_note_and_no_second_factor_key(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sundhedskoordinator.citizens.models import Guidance

    note = "Vejledt telefonisk; borgeren fortalte om angst"
    Guidance.objects.filter(citizen=world.citizen).update(note=note)
    device = TOTPDevice.objects.create(user=world.users["koordinator"], name="app", confirmed=True)
    browser = Client()
    browser.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    page = browser.get(f"/admin/citizens/citizen/{world.citizen.pk}/change/")
    assert page.status_code == 200
    assert note not in page.content.decode()
    device_page = browser.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert device.key not in device_page.content.decode()


def test_a_filter_of_its_own_still_works_in_the_admin(world):
    browser = Client()
    browser.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    assert browser.get("/admin/axes/accessattempt/?locked_out=yes").status_code == 200
