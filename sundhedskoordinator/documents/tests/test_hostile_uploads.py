"""Hostile uploads are refused on every way a file comes in, the page's form and the API alike,
and nothing is stored; the legitimate files go through both (issue 19, "uploads judged all the
way down": each sample is one the issue found accepted, or one of its kind)."""

from __future__ import annotations

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from sundhedskoordinator.cases.models import Document
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import inspection
from sundhedskoordinator.documents.tests import samples

pytestmark = pytest.mark.django_db


def _pdf_with(change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.pdf())))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(writer: PdfWriter, kind: str, key: str, value: str) -> None:
    action = DictionaryObject(
        {NameObject("/S"): NameObject(kind), NameObject(key): TextStringObject(value)}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _javascript(writer: PdfWriter) -> None:
    _open_action(writer, "/JavaScript", "/JS", "app.alert('hej');")


def _attachment(writer: PdfWriter) -> None:
    writer.add_attachment("notat.txt", b"Et notat")


def _launch(writer: PdfWriter) -> None:
    _open_action(writer, "/Launch", "/F", "cmd.exe")


def _polyglot() -> bytes:
    """A PDF that a browser also reads as a web page: HTML in a comment after the header."""
    content = samples.pdf()
    header, rest = content.split(b"\n", 1)
    return header + b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n" + rest


def _nested_bomb(inner_size: int, compressible: bool) -> bytes:
    """Ten archives in a Word document, each unpacking to ``inner_size`` bytes: zeros (a ratio
    of about a thousand) or data that deflates to about a fiftieth."""
    data = samples.compressible(inner_size) if compressible else b"\0" * inner_size
    inner = samples.zip_of([("data.bin", data)])
    return samples.docx(*[(f"word/embeddings/part{i}.zip", inner) for i in range(10)])


JPEG = samples.image("JPEG")
PNG = samples.image("PNG")
EXE = samples.windows_executable()

HOSTILE = {
    # Found accepted: JPEG magic bytes followed by a Windows program, named setup.exe.
    "jpeg-magic-then-exe": ("setup.exe", b"\xff\xd8\xff\xe0" + EXE, inspection.EXECUTABLE),
    "real-jpeg-then-exe": ("foto.jpg", JPEG + EXE, inspection.EXECUTABLE),
    "real-jpeg-then-data": ("foto.jpg", JPEG + b"PK\x03\x04 more", inspection.APPENDED_DATA),
    "real-png-then-data": ("foto.png", PNG + b"<svg/>", inspection.APPENDED_DATA),
    "elf-as-pdf": ("plan.pdf", samples.linux_executable(), inspection.UNSUPPORTED),
    "jpeg-named-exe": ("setup.exe", JPEG, inspection.EXTENSION_MISMATCH),
    "png-named-pdf": ("plan.pdf", PNG, inspection.EXTENSION_MISMATCH),
    "pdf-named-docx": ("plan.docx", samples.pdf(), inspection.EXTENSION_MISMATCH),
    "png-header-only": ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, inspection.BROKEN_FILE),
    "jpeg-header-only": ("foto.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, inspection.BROKEN_FILE),
    # Found accepted: a PDF/HTML polyglot.
    "pdf-html-polyglot": ("plan.pdf", _polyglot(), inspection.EXECUTABLE),
    "pdf-javascript": ("plan.pdf", _pdf_with(_javascript), inspection.ACTIVE_PDF),
    "pdf-launch": ("plan.pdf", _pdf_with(_launch), inspection.ACTIVE_PDF),
    "pdf-embedded-file": ("plan.pdf", _pdf_with(_attachment), inspection.ACTIVE_PDF),
    "pdf-then-zip": ("plan.pdf", samples.pdf() + samples.docx(), inspection.APPENDED_DATA),
    # Found accepted: a DOCX containing payload.html and evil.exe.
    "docx-html-exe": (
        "plan.docx",
        samples.docx(("word/payload.html", "<p>hej</p>"), ("word/evil.exe", EXE)),
        inspection.EXECUTABLE,
    ),
    "docx-program-under-another-name": (
        "plan.docx",
        samples.docx(("word/media/image1.png", EXE)),
        inspection.EXECUTABLE,
    ),
    "docx-script-part": (
        "plan.docx",
        samples.docx(("word/media/image1.svg", "<svg><script>alert(1)</script></svg>")),
        inspection.EXECUTABLE,
    ),
    "docx-macros": (
        "plan.docx",
        samples.docx(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros")),
        inspection.EXECUTABLE,
    ),
    "docx-without-main-part": (
        "plan.docx",
        samples.zip_of(samples.DOCX_PARTS[:2]),
        inspection.UNSUPPORTED,
    ),
    "odt-with-basic-macros": (
        "plan.odt",
        samples.odt(("Basic/Standard/Module1.xml", "<script:module/>")),
        inspection.EXECUTABLE,
    ),
    # Found accepted: ten inner archives of 90 MB each, ~900 MB unpacked.
    "nested-zip-bomb": ("bilag.docx", _nested_bomb(90 * samples.MB, False), inspection.TOO_PACKED),
    "nested-over-100-mb": (
        "bilag.docx",
        _nested_bomb(11 * samples.MB, True),
        inspection.ARCHIVE_TOO_LARGE,
    ),
    "nested-too-deep": ("bilag.docx", samples.nested(3), inspection.TOO_DEEP),
    "nested-exe": (
        "bilag.docx",
        samples.nested(2, [("setup.exe", EXE)]),
        inspection.EXECUTABLE,
    ),
}

LEGITIMATE = {
    "pdf": ("indsatsplan.pdf", samples.pdf(), "application/pdf"),
    "pdf-no-extension": ("indsatsplan", samples.pdf(), "application/pdf"),
    "pdf-upper-case-extension": ("SCAN.PDF", samples.pdf(), "application/pdf"),
    "jpeg": ("foto.jpeg", JPEG, "image/jpeg"),
    "jpg": ("foto.jpg", JPEG, "image/jpeg"),
    "png": ("foto.png", PNG, "image/png"),
    "docx": ("plan.docx", samples.docx(), inspection.DOCX.content_type),
    "docx-with-image": (
        "plan.docx",
        samples.docx(("word/media/image1.png", PNG)),
        inspection.DOCX.content_type,
    ),
    "docx-with-embedded-archive": ("plan.docx", samples.nested(2), inspection.DOCX.content_type),
    "odt": ("plan.odt", samples.odt(), inspection.ODT.content_type),
    "dotted-name": ("Lægeerklæring 12.03.2026", samples.pdf(), "application/pdf"),
}


def _api_upload(api, case, name: str, content: bytes):
    client = api("sagsbehandler")
    return client.client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"kind": "action_plan", "file": SimpleUploadedFile(name, content)},
        headers={"Authorization": f"Bearer {client.token}"},
    )


def _page_upload(client, world, case, name: str, content: bytes):
    client.force_login(world.users["sagsbehandler"])
    return client.post(
        reverse("cases:add-document", args=[case.pk]),
        {"kind": "action_plan", "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(("name", "content", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_upload_is_refused_by_the_api_with_its_code(world, api, name, content, code):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    answer = _api_upload(api, case, name, content)
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["fields"]["file"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(("name", "content", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_upload_is_refused_on_the_case_page_in_danish(world, client, name, content, code):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    with pytest.raises(DomainError) as refused:
        inspection.inspect_upload(content, filename=name)
    assert refused.value.code == code
    page = _page_upload(client, world, case, name, content)
    assert page.status_code == 200
    assert html.escape(refused.value.message) in page.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"), LEGITIMATE.values(), ids=LEGITIMATE.keys()
)
def test_a_legitimate_file_is_stored_through_the_api(world, api, name, content, content_type):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    answer = _api_upload(api, case, name, content)
    assert answer.status_code == 201, answer.content
    assert answer.json()["content_type"] == content_type
    assert Document.objects.get().sha256 == answer.json()["sha256"]


@pytest.mark.parametrize(
    ("name", "content", "content_type"), LEGITIMATE.values(), ids=LEGITIMATE.keys()
)
def test_a_legitimate_file_is_stored_through_the_case_page(
    world, client, name, content, content_type
):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    page = _page_upload(client, world, case, name, content)
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Document.objects.get().content_type == content_type
