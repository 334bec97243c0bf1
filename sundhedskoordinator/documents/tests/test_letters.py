"""The documents the procedure issues: each is stored when issued, opens as a PDF, and carries the
case's reference, the sender's name and the expected text."""

import datetime as dt
import hashlib
import io

import pytest
from pypdf import PdfReader

from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import Document
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.documents.models import IssuedDocument, IssuedKind

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # lines joined, so phrases can be searched across breaks


def stored_text(document) -> str:
    with document.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    return text_of(content)


def test_the_case_package_advice_and_decision_letter_are_stored_when_issued(world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    walk_case_to(case, Status.DECIDED, cast=world.cast, meeting=world.meeting)

    package = Document.objects.get(case=case, kind="case_package")
    text = stored_text(package)
    assert case.reference in text
    assert "Sagspakke til sundhedskoordinator" in text
    assert "Mette Sørensen" in text and "120385-XXXX" in text
    assert "1203851234" not in text and "120385-1234" not in text  # only the masked CPR
    assert "Odense Kommune" in text
    # The kinds are named as the case app names them (it hands the names to the letter).
    assert "Virksomhedspraktik" in text
    assert "Indstilling/indsatsplan" in text and "Helbredsoplysninger" in text

    advice = Document.objects.get(case=case, kind="advice")
    text = stored_text(advice)
    assert case.reference in text
    assert "Skriftlig sundhedsfaglig rådgivning" in text
    assert "Ingen løft over 5 kg" in text
    assert "Klinisk Funktion" in text

    letter = Document.objects.get(case=case, kind="decision_letter")
    text = stored_text(letter)
    assert case.reference in text
    assert "Dit tilbud bliver tilpasset" in text
    assert "start kl. 10 og ingen løft over 5 kg" in text
    assert "Tilbuddet tilpasses" in text and "virksomhedspraktik" in text
    assert "Odense Kommune" in text
    # No text configured anywhere: the system's default appeal guidance (four weeks).
    assert "Klagevejledning" in text and "senest 4 uger" in text


def test_the_decision_letter_carries_the_configured_appeal_guidance(world, settings):
    settings.DECISION_APPEAL_GUIDANCE = "Du kan klage til Ankestyrelsen inden 4 uger."
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    walk_case_to(case, Status.DECIDED, cast=world.cast, meeting=world.meeting, outcome="unchanged")
    text = stored_text(Document.objects.get(case=case, kind="decision_letter"))
    assert "Dit tilbud fastholdes" in text
    assert "Klagevejledning" in text and "Ankestyrelsen inden 4 uger" in text


def test_a_corrected_advice_is_a_new_stored_version_and_the_first_stays(world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    walk_case_to(case, Status.ADVISED, cast=world.cast, meeting=world.meeting)
    services.write_advice(
        actor=world.users["koordinator"],
        case_id=case.pk,
        text="Rettet: praktikken kan gennemføres med højst 15 timer om ugen.",
        correction_reason="Timetallet manglede.",
    )
    first, second = Document.objects.filter(case=case, kind="advice").order_by("version")
    assert "Ingen løft over 5 kg" in stored_text(first)
    text = stored_text(second)
    assert "Rettet version" in text and "Timetallet manglede" in text


def test_written_guidance_issues_the_guidance_letter(world):
    guidance = citizen_services.record_guidance(
        actor=world.users["sagsbehandler"],
        citizen=world.citizen,
        given_on=dt.date(2026, 11, 23),
        channel="letter",
    )
    letter = IssuedDocument.objects.get(guidance=guidance, kind=IssuedKind.GUIDANCE_LETTER)
    text = stored_text(letter)
    assert "Mette Sørensen" in text and "Odense Kommune" in text
    assert "sundhedskoordinator" in text.lower() and "§ 113, stk. 3" in text
    assert f"V-{guidance.pk}" in text


def test_oral_guidance_issues_no_letter(world):
    guidance = citizen_services.record_guidance(
        actor=world.users["sagsbehandler"],
        citizen=world.citizen,
        given_on=dt.date(2026, 11, 23),
        channel="phone",
    )
    assert not IssuedDocument.objects.filter(guidance=guidance).exists()


def test_sending_the_meeting_issues_the_agenda_as_sent(world, api):
    first = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    walk_case_to(first, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    sent, refused = services.dispatch_meeting(
        actor=world.users["sekretariat"], meeting_id=world.meeting.pk
    )
    assert (sent, refused) == (1, [])
    agenda = IssuedDocument.objects.get(meeting=world.meeting, kind=IssuedKind.AGENDA)
    text = stored_text(agenda)
    assert first.reference in text and "Dagsorden" in text and "Mette Sørensen" in text

    # Nothing left to send: no new version.
    assert services.dispatch_meeting(
        actor=world.users["sekretariat"], meeting_id=world.meeting.pk
    ) == (0, [])
    assert IssuedDocument.objects.filter(meeting=world.meeting).count() == 1

    # The issued agenda is downloaded through the API, checksum verified, and the read logged.
    client = api("sekretariat")
    response = client.get(f"/documents/issued/{agenda.pk}/content")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert first.reference in text_of(response.content)
    assert AccessLog.objects.filter(object_type="issued_document", action="download").exists()


def test_the_live_agenda_pdf_shows_only_what_the_reader_may_see(world, api):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    walk_case_to(case, Status.SCHEDULED, cast=world.cast, meeting=world.meeting)
    response = api("sekretariat").get(f"/meetings/{world.meeting.pk}/agenda.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert case.reference in text and "15. december 2026" in text
    # Another municipality's caseworker sees no such meeting.
    assert api("sagsbehandler2").get(f"/meetings/{world.meeting.pk}/agenda.pdf").status_code == 404


def test_an_issued_document_outside_the_readers_scope_is_refused_and_logged(world, api):
    guidance = citizen_services.record_guidance(
        actor=world.users["sagsbehandler"],
        citizen=world.citizen,
        given_on=dt.date(2026, 11, 23),
        channel="letter",
    )
    letter = guidance.letter
    assert api("borger").get(f"/documents/issued/{letter.pk}/content").status_code == 200
    refused = api("sagsbehandler2").get(f"/documents/issued/{letter.pk}/content")
    assert refused.status_code == 404
    assert AccessLog.objects.filter(object_type="issued_document", action="denied").exists()


def test_generated_kinds_cannot_be_uploaded(world, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sundhedskoordinator.cases.walk import SAMPLE_PDF

    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client = api("sagsbehandler")
    response = client.client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"kind": "advice", "file": SimpleUploadedFile("a.pdf", SAMPLE_PDF)},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_a_municipalitys_own_appeal_guidance_comes_before_the_deployments(world, settings):
    settings.DECISION_APPEAL_GUIDANCE = "Fælles tekst for hele installationen."
    municipality = world.citizen.municipality
    municipality.appeal_guidance = "Odense Kommunes egen klagevejledning."
    municipality.save()
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    walk_case_to(case, Status.DECIDED, cast=world.cast, meeting=world.meeting)
    text = stored_text(Document.objects.get(case=case, kind="decision_letter"))
    assert "Odense Kommunes egen klagevejledning." in text
    assert "Fælles tekst" not in text and "senest 4 uger" not in text
