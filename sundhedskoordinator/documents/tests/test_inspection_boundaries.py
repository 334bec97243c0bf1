"""The upload rules' limits, each on the limit and on both sides (issue 6: a configured size,
default 20 MB; DOCX and ODT archives opened only within 1,000 entries and 100 MB uncompressed),
and what makes a ZIP archive an OpenDocument text: its ``mimetype`` entry must name exactly
that type (OpenDocument 1.3, part 2, section 3.3), not merely exist."""

from __future__ import annotations

import io
import zipfile

import pytest

from sundhedskoordinator.cases.models import Document
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import inspection
from sundhedskoordinator.documents.tests import samples

MB = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png(size: int) -> bytes:
    return samples.png_of_size(size)


def _zip(entries: list[tuple[str, bytes | str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def _code(content: bytes) -> str:
    with pytest.raises(DomainError) as refused:
        inspection.inspect_upload(content)
    return refused.value.code


# --- The size of the file ---------------------------------------------------------------------
def test_the_default_limit_is_20_mb(settings) -> None:
    assert settings.UPLOAD_MAX_BYTES == 20 * MB


@pytest.mark.parametrize("size", [20 * MB - 1, 20 * MB])
def test_a_file_up_to_20_mb_is_accepted(size: int) -> None:
    assert inspection.inspect_upload(_png(size)) == inspection.PNG


def test_a_file_one_byte_over_20_mb_is_refused() -> None:
    assert _code(_png(20 * MB + 1)) == inspection.FILE_SIZE


def test_an_empty_file_is_refused_and_one_byte_is_judged_by_its_content() -> None:
    assert _code(b"") == inspection.FILE_SIZE
    assert _code(b"x") == inspection.UNSUPPORTED


def _upload(api, case, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api("sagsbehandler")
    return client.client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"kind": "action_plan", "file": SimpleUploadedFile("scan.png", content)},
        headers={"Authorization": f"Bearer {client.token}"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "stored"), [(4095, True), (4096, True), (4097, False)])
def test_an_upload_on_the_configured_limit_is_stored_and_one_byte_more_is_not(
    world, api, settings, size: int, stored: bool
) -> None:
    settings.UPLOAD_MAX_BYTES = 4096
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    answer = _upload(api, case, _png(size))
    if stored:
        assert answer.status_code == 201, answer.json()
        assert Document.objects.get().size == size
    else:
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == inspection.FILE_SIZE
        assert not Document.objects.exists()


# --- Archive limits ---------------------------------------------------------------------------
def _docx(extra_entries: int) -> bytes:
    return samples.docx(*[(f"word/media/{i}.xml", "") for i in range(extra_entries)])


@pytest.mark.parametrize(("entries", "accepted"), [(999, True), (1000, True), (1001, False)])
def test_an_archive_of_up_to_1000_entries_is_opened(entries: int, accepted: bool) -> None:
    content = _docx(entries - len(samples.DOCX_PARTS))
    assert len(zipfile.ZipFile(io.BytesIO(content)).infolist()) == entries
    if accepted:
        assert inspection.inspect_upload(content) == inspection.DOCX
    else:
        assert _code(content) == inspection.ARCHIVE_TOO_LARGE


@pytest.mark.parametrize(("unpacked", "accepted"), [(100 * MB, True), (100 * MB + 1, False)])
def test_an_archive_of_up_to_100_mb_uncompressed_is_opened(unpacked: int, accepted: bool) -> None:
    required = sum(len(data) for _name, data in samples.DOCX_PARTS)
    # Data that deflates to about a fiftieth, within the ratio limit (tested on its own).
    content = samples.docx(("word/media/data.bin", samples.compressible(unpacked - required)))
    if accepted:
        assert inspection.inspect_upload(content) == inspection.DOCX
    else:
        assert _code(content) == inspection.ARCHIVE_TOO_LARGE


# --- What makes an archive an OpenDocument text or a Word document ---------------------------
@pytest.mark.parametrize(
    "mimetype",
    [
        "application/vnd.oasis.opendocument.spreadsheet",  # an .ods
        "application/vnd.oasis.opendocument.text-template",  # an .ott
        "application/epub+zip",  # an e-book
        "",
    ],
)
def test_an_archive_whose_mimetype_is_not_opendocument_text_is_refused(mimetype: str) -> None:
    content = _zip([("mimetype", mimetype), ("content.xml", "<x/>")])
    assert _code(content) == inspection.UNSUPPORTED


def test_an_archive_whose_mimetype_is_opendocument_text_is_an_odt() -> None:
    assert inspection.inspect_upload(samples.odt()) == inspection.ODT


def test_an_office_archive_without_a_word_part_is_refused() -> None:
    # An Excel workbook has the same [Content_Types].xml but its parts under xl/.
    content = _zip([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")])
    assert _code(content) == inspection.UNSUPPORTED
