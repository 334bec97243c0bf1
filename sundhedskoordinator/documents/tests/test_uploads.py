"""Uploads are judged by content; every refused kind answers with its code and stores nothing;
downloads verify the checksum."""

import io
import zipfile

import pytest
from pypdf import PdfWriter

from sundhedskoordinator.cases.models import Document
from sundhedskoordinator.cases.walk import SAMPLE_PDF, new_case
from sundhedskoordinator.documents import inspection
from sundhedskoordinator.documents.tests import samples

pytestmark = pytest.mark.django_db


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def _encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("hemmelig")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DOCX = samples.docx()
ODT = samples.odt()
PNG = samples.image("PNG")
JPEG = samples.image("JPEG")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", SAMPLE_PDF, "application/pdf"),
        ("b.png", PNG, "image/png"),
        ("c.jpg", JPEG, "image/jpeg"),
        ("d.docx", DOCX, inspection.DOCX.content_type),
        ("e.odt", ODT, inspection.ODT.content_type),
        ("renamed", SAMPLE_PDF, "application/pdf"),
    ],  # a name without an extension is judged by the content alone
)
def test_accepted_types_are_decided_from_the_content(world, api, name, content, content_type):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    response = _upload(api, case, name, content)
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == content_type


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64, inspection.UNSUPPORTED),  # an .exe renamed
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", inspection.UNSUPPORTED),
        ("broken.pdf", b"%PDF-1.7\nnot really a pdf", inspection.BROKEN_FILE),
        ("secret.pdf", _encrypted_pdf(), inspection.ENCRYPTED_PDF),
        ("archive.docx", _zip([("a.txt", "x")]), inspection.UNSUPPORTED),
        (
            "many.docx",
            _zip([("[Content_Types].xml", "")] + [(f"word/{i}", "") for i in range(1001)]),
            inspection.ARCHIVE_TOO_LARGE,
        ),
        (
            "bomb.docx",
            _zip([("[Content_Types].xml", ""), ("word/big", "0" * (101 * 1024 * 1024))]),
            inspection.ARCHIVE_TOO_LARGE,
        ),
        ("broken.docx", b"PK\x03\x04broken", inspection.BROKEN_FILE),
        ("empty.pdf", b"", inspection.FILE_SIZE),
    ],
)
def test_refused_uploads_answer_their_code_and_store_nothing(world, api, name, content, code):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    response = _upload(api, case, name, content)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code
    assert "file" in response.json()["error"]["fields"]
    assert not Document.objects.exists()


def test_a_file_over_the_configured_size_is_refused(world, api, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    response = _upload(api, case, "big.png", PNG + b"\x00" * 2048)
    assert response.json()["error"]["code"] == inspection.FILE_SIZE


def test_a_file_changed_on_disk_is_not_handed_out(world, api):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    document_id = _upload(api, case, "plan.pdf", SAMPLE_PDF).json()["id"]
    client = api("sagsbehandler")
    ok = client.client.get(
        f"/api/v1/documents/{document_id}/content",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert ok.status_code == 200 and ok.content == SAMPLE_PDF
    assert ok["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert ok["X-Content-Type-Options"] == "nosniff"
    stored = Document.objects.get(pk=document_id)
    with open(stored.file.path, "ab") as handle:
        handle.write(b"tampered")
    refused = client.client.get(
        f"/api/v1/documents/{document_id}/content",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "checksum_mismatch"


def _upload(api, case, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api("sagsbehandler")
    return client.client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"kind": "action_plan", "file": SimpleUploadedFile(name, content)},
        headers={"Authorization": f"Bearer {client.token}"},
    )


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!H+H*"


def _pdf_with_marker():
    """A valid PDF that carries the project's test signature (scripts/clamd.sh) in its body."""
    from pypdf.generic import DecodedStreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    contents = DecodedStreamObject()
    contents.set_data(b"% SUNDHEDSKOORDINATOR-MALWARE-TESTSIGNATUR\n")
    page.replace_contents(contents)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("eicar.png", samples.image("PNG", comment=EICAR)),  # the EICAR string in a valid PNG
        ("eicar.jpg", samples.image("JPEG", comment=EICAR)),
        ("plan.pdf", _pdf_with_marker()),  # a valid PDF that the test signature matches
        ("plan.docx", samples.docx(("word/eicar.txt", EICAR))),
    ],
)
def test_malware_is_refused_and_nothing_is_stored(world, api, name, content):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    response = _upload(api, case, name, content)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "malware_found"
    assert not Document.objects.exists()


def test_uploads_are_refused_when_the_scanner_does_not_answer(world, api, settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "no-daemon.sock")
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    response = _upload(api, case, "plan.pdf", SAMPLE_PDF)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "scanner_unavailable"
    assert not Document.objects.exists()


def test_the_scanner_answers_clean_for_an_ordinary_file(settings):
    from sundhedskoordinator.documents.scanning import _ask, scan

    assert _ask(SAMPLE_PDF) == "stream: OK"  # the daemon itself answered, and called it clean
    assert scan(SAMPLE_PDF) is None  # so the upload goes on
