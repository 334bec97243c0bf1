"""Each rule of the content inspection on its own, with its limit on both sides (issue 19,
"uploads judged all the way down"): the name's extension, data after the end, the image's size,
active PDF content, programs, scripts and web pages in archives, and the archive limits across
nested archives (depth, entries, unpacked size, ratio)."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import inspection
from sundhedskoordinator.documents.tests import samples

MB = 1024 * 1024
JPEG = samples.image("JPEG")
PNG = samples.image("PNG")


def _code(content: bytes, filename: str = "") -> str:
    with pytest.raises(DomainError) as refused:
        inspection.inspect_upload(content, filename=filename)
    assert refused.value.fields == {"file": refused.value.message}
    return refused.value.code


# --- The name's extension -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("plan.pdf", "pdf"),
        ("PLAN.PDF", "pdf"),
        ("../../etc/plan.pdf", "pdf"),
        ("C:\\Dokumenter\\plan.docx", "docx"),
        ("arkiv.tar.gz", "gz"),
        ("plan.abcdefgh", "abcdefgh"),  # eight characters: an extension
        ("plan.abcdefghi", ""),  # nine: not one
        ("plan.mp4", "mp4"),  # digits with a letter
        ("Lægeerklæring 12.03.2026", ""),  # digits only: a date, not an extension
        ("Dr. Hansens notat", ""),  # a space after the dot
        ("indsatsplan", ""),
        (".pdf", ""),  # nothing before the dot: a hidden name, not an extension
        ("plan.", ""),
        ("", ""),
    ],
)
def test_the_extension_of_a_name(name: str, extension: str) -> None:
    assert inspection.name_extension(name) == extension


@pytest.mark.parametrize(
    ("content", "names"),
    [
        (samples.pdf(), ["a.pdf"]),
        (PNG, ["a.png"]),
        (JPEG, ["a.jpg", "a.jpeg", "a.jpe", "a.jfif"]),
        (samples.docx(), ["a.docx"]),
        (samples.odt(), ["a.odt"]),
    ],
)
def test_a_name_whose_extension_fits_the_content_is_accepted(content, names) -> None:
    for name in names:
        inspection.inspect_upload(content, filename=name)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (samples.pdf(), "a.png"),
        (PNG, "a.jpg"),
        (JPEG, "a.png"),
        (samples.docx(), "a.odt"),
        (samples.odt(), "a.docx"),
        (samples.pdf(), "a.exe"),
        (samples.pdf(), "a.html"),
    ],
)
def test_a_name_whose_extension_does_not_fit_the_content_is_refused(content, name) -> None:
    assert _code(content, name) == inspection.EXTENSION_MISMATCH


# --- Nothing after the end ----------------------------------------------------------------------
@pytest.mark.parametrize("content", [JPEG, PNG])
def test_an_image_may_end_in_zero_padding_but_in_nothing_else(content: bytes) -> None:
    assert inspection.inspect_upload(content + b"\0\0\0") in (inspection.JPEG, inspection.PNG)
    assert _code(content + b"\0\0x") == inspection.APPENDED_DATA
    assert _code(content + b" ") == inspection.APPENDED_DATA


def test_a_pdf_may_end_in_comments_and_line_ends_but_in_nothing_else() -> None:
    pdf = samples.pdf()
    assert inspection.inspect_upload(pdf + b"\r\n%v2\n  \n") == inspection.PDF
    assert _code(pdf + b"\nx") == inspection.APPENDED_DATA
    assert _code(pdf + b"%ok\nPK\x03\x04") == inspection.APPENDED_DATA


def test_a_pdf_without_an_end_of_file_marker_is_broken() -> None:
    pdf = samples.pdf()
    assert _code(pdf.replace(b"%%EOF", b"%%EOX")) == inspection.BROKEN_FILE


@pytest.mark.parametrize("cut", [10, 40, -2])
def test_a_cut_off_image_is_broken(cut: int) -> None:
    for content in (JPEG, PNG):
        assert _code(content[:cut]) == inspection.BROKEN_FILE


def test_a_jpeg_cut_off_in_its_fill_bytes_or_its_first_segment_is_broken() -> None:
    assert _code(b"\xff\xd8\xff") == inspection.BROKEN_FILE
    assert _code(b"\xff\xd8\xff\xe0\x00") == inspection.BROKEN_FILE
    assert _code(b"\xff\xd8\x00") == inspection.UNSUPPORTED


def test_a_jpeg_with_fill_bytes_before_a_marker_is_accepted() -> None:
    filled = JPEG[:2] + b"\xff\xff" + JPEG[2:]
    assert inspection.inspect_upload(filled) == inspection.JPEG
    app0_end = 4 + int.from_bytes(JPEG[4:6], "big")
    assert _code(JPEG[:app0_end] + b"\x00" + JPEG[app0_end:]) == inspection.BROKEN_FILE


def test_a_jpeg_with_restart_markers_and_stuffed_bytes_ends_at_its_eoi() -> None:
    out = io.BytesIO()
    picture = samples.Image.effect_noise((64, 64), 120).convert("RGB")
    picture.save(out, "JPEG", restart_marker_blocks=1, progressive=True)
    content = out.getvalue()
    assert b"\xff\x00" in content and b"\xff\xd0" in content
    assert inspection.inspect_upload(content) == inspection.JPEG
    assert _code(content + b"x") == inspection.APPENDED_DATA


# --- The image's size ---------------------------------------------------------------------------
def _blank_png(width: int, height: int) -> bytes:
    """A white 1-bit PNG of the given size, written chunk by chunk (rows of zeros deflate to
    almost nothing, so even a huge image is a small file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then the pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_an_image_of_up_to_50_million_pixels_is_accepted_and_one_more_is_not() -> None:
    assert inspection.MAX_IMAGE_PIXELS == 50_000_000
    assert inspection.inspect_upload(_blank_png(10_000, 5_000)) == inspection.PNG
    assert _code(_blank_png(16_666_667, 3)) == inspection.IMAGE_TOO_LARGE  # 50,000,001


def test_an_image_over_pillows_own_bomb_limits_is_refused_for_its_size() -> None:
    # Over Pillow's warning (89,478,485 pixels) and over twice that, where it raises.
    assert _code(_blank_png(10_000, 9_000)) == inspection.IMAGE_TOO_LARGE
    assert _code(_blank_png(20_000, 10_000)) == inspection.IMAGE_TOO_LARGE


# --- Active PDF content -------------------------------------------------------------------------
def _pdf_with(entries: dict[str, object]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.pdf())))
    action = DictionaryObject({NameObject(k): v for k, v in entries.items()})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "name",
    [
        "/JavaScript",
        "/JS",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/FileAttachment",
        "/RichMedia",
        "/XFA",
    ],
)
def test_a_pdf_naming_active_content_is_refused_as_a_value_and_as_a_key(name: str) -> None:
    assert _code(_pdf_with({"/S": NameObject(name)})) == inspection.ACTIVE_PDF
    assert _code(_pdf_with({name: TextStringObject("x")})) == inspection.ACTIVE_PDF


def test_a_pdf_with_an_ordinary_link_action_is_accepted() -> None:
    link = _pdf_with({"/S": NameObject("/URI"), "/URI": TextStringObject("https://borger.dk")})
    assert inspection.inspect_upload(link) == inspection.PDF


def test_a_pdf_name_hidden_by_hex_escapes_is_read_as_the_name_it_is() -> None:
    content = _pdf_with({"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")})
    hidden = content.replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in hidden
    assert _code(hidden) == inspection.ACTIVE_PDF


# --- Programs, scripts and web pages ------------------------------------------------------------
@pytest.mark.parametrize(
    "marker",
    [
        b"This program cannot be run in DOS mode.",
        b"This program must be run under Win32",
        b"<script>",
        b"<SCRIPT src=x>",
        b"<iframe src=x>",
        b"<!DOCTYPE html>",
        b"<!doctype  HTML>",
        b"<html>",
        b"<HTML lang=da>",
        b"<html\n>",
    ],
)
def test_a_program_or_web_page_is_refused_in_the_file_and_in_an_archive_part(marker: bytes):
    assert _code(samples.pdf().replace(b"\n", b"\n%" + marker + b"\n", 1)) == inspection.EXECUTABLE
    assert _code(samples.docx(("word/media/image1.svg", b"<svg>" + marker))) == (
        inspection.EXECUTABLE
    )


@pytest.mark.parametrize("text", [b"<htmlx>", b"<svg><text>html</text></svg>", b"<scrip t>"])
def test_markup_that_is_no_web_page_is_accepted(text: bytes) -> None:
    assert inspection.inspect_upload(samples.docx(("word/media/a.svg", text))) == inspection.DOCX


def test_a_marker_split_between_two_chunks_of_a_part_is_found() -> None:
    before = samples.compressible(inspection.READ_CHUNK - 3)
    content = samples.docx(("word/media/image1.svg", before + b"<script>"))
    assert b"<script" not in content  # only the unpacked part holds it
    assert _code(content) == inspection.EXECUTABLE


@pytest.mark.parametrize(
    "start",
    [
        b"MZ",
        b"\x7fELF",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"#!/bin/sh",
    ],
)
def test_an_archive_part_that_starts_as_a_program_is_refused(start: bytes) -> None:
    content = samples.docx(("word/media/image1.png", start + b"\0" * 64))
    assert _code(content) == inspection.EXECUTABLE
    fine = samples.docx(("word/media/image1.png", b"\0" + start + b"\0" * 64))
    assert inspection.inspect_upload(fine) == inspection.DOCX


@pytest.mark.parametrize(
    "start",
    [b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"MSCF"],
)
def test_an_archive_part_that_is_an_archive_of_another_kind_is_refused(start: bytes) -> None:
    content = samples.docx(("word/embeddings/bilag.bin", start + b"\0" * 64))
    assert _code(content) == inspection.UNSUPPORTED


PROGRAM_EXTENSIONS = [
    "exe",
    "dll",
    "com",
    "scr",
    "pif",
    "cpl",
    "msi",
    "msp",
    "sys",
    "drv",
    "ocx",
    "bat",
    "cmd",
    "ps1",
    "psm1",
    "vbs",
    "vbe",
    "js",
    "jse",
    "mjs",
    "wsf",
    "wsh",
    "hta",
    "html",
    "htm",
    "xhtml",
    "shtml",
    "mht",
    "mhtml",
    "jar",
    "class",
    "apk",
    "app",
    "dmg",
    "elf",
    "so",
    "dylib",
    "sh",
    "bash",
    "py",
    "pl",
    "rb",
    "php",
    "lnk",
    "reg",
    "inf",
    "scf",
    "url",
    "desktop",
    "swf",
]


@pytest.mark.parametrize("extension", PROGRAM_EXTENSIONS)
def test_an_archive_part_named_as_a_program_script_or_page_is_refused(extension: str) -> None:
    assert _code(samples.docx((f"word/a.{extension}", b"harmless"))) == inspection.EXECUTABLE
    assert _code(samples.docx((f"word/a.{extension.upper()}", b"x"))) == inspection.EXECUTABLE


@pytest.mark.parametrize("name", ["word/a.txt", "word/media/a.emf", "word/embeddings/a.bin"])
def test_an_archive_part_named_as_data_is_accepted(name: str) -> None:
    assert inspection.inspect_upload(samples.docx((name, b"data"))) == inspection.DOCX


@pytest.mark.parametrize(
    "part",
    [
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
        ("word/vbaData.xml", b"<wne:vbaSuppData/>"),
        ("Basic/Standard/Module1.xml", b"<script:module/>"),
        ("Scripts/python/makro.txt", b"print(1)"),
    ],
)
def test_macros_are_refused(part: tuple[str, bytes]) -> None:
    assert _code(samples.docx(part)) == inspection.EXECUTABLE
    assert _code(samples.odt(part)) == inspection.EXECUTABLE


def test_a_macro_enabled_word_document_is_refused() -> None:
    macro = samples.CONTENT_TYPES.replace(
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "vnd.ms-word.document.macroEnabled.main+xml",
    )
    content = samples.zip_of([("[Content_Types].xml", macro), *samples.DOCX_PARTS[1:]])
    assert _code(content) == inspection.EXECUTABLE


def test_a_vba_content_type_declared_for_an_extension_is_refused() -> None:
    types = samples.CONTENT_TYPES.replace(
        '<Default Extension="xml"',
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Default Extension="xml"',
    )
    content = samples.zip_of([("[Content_Types].xml", types), *samples.DOCX_PARTS[1:]])
    assert _code(content) == inspection.EXECUTABLE


# --- What makes a Word document and an OpenDocument text ---------------------------------------
def test_a_word_document_needs_its_relationships_and_well_formed_parts() -> None:
    parts = dict(samples.DOCX_PARTS)
    without_rels = [(n, d) for n, d in parts.items() if n != "_rels/.rels"]
    assert _code(samples.zip_of(without_rels)) == inspection.UNSUPPORTED
    for name in parts:
        broken = [(n, "<not xml" if n == name else d) for n, d in parts.items()]
        assert _code(samples.zip_of(broken)) == inspection.BROKEN_FILE


def test_an_opendocument_text_needs_its_manifest_and_well_formed_content() -> None:
    complete = zipfile.ZipFile(io.BytesIO(samples.odt()))
    parts = {name: complete.read(name) for name in complete.namelist()}
    for missing in ("content.xml", "META-INF/manifest.xml"):
        rest = [(n, d) for n, d in parts.items() if n != missing]
        assert _code(samples.zip_of(rest)) == inspection.UNSUPPORTED
    for name in ("content.xml", "META-INF/manifest.xml"):
        broken = [(n, b"<not xml" if n == name else d) for n, d in parts.items()]
        assert _code(samples.zip_of(broken)) == inspection.BROKEN_FILE


def _patched(content: bytes, header: bytes, offset: int, value: bytes) -> bytes:
    """``content`` with ``value`` written at ``offset`` in every ZIP header of the given kind."""
    data = bytearray(content)
    at = data.find(header)
    while at >= 0:
        data[at + offset : at + offset + len(value)] = value
        at = data.find(header, at + 4)
    return bytes(data)


def test_an_encrypted_archive_part_is_refused() -> None:
    content = samples.docx(("word/media/a.bin", b"secret"))
    flagged = _patched(content, b"PK\x03\x04", 6, b"\x01\x00")
    flagged = _patched(flagged, b"PK\x01\x02", 8, b"\x01\x00")
    assert _code(flagged) == inspection.ENCRYPTED


def test_a_part_packed_by_an_unknown_method_is_refused() -> None:
    content = samples.docx(("word/media/a.bin", b"data" * 100))
    at = content.rfind(b"PK\x01\x02")  # the last part's directory entry, then its local header
    local = int.from_bytes(content[at + 42 : at + 46], "little")
    unknown = bytearray(content)
    unknown[at + 10 : at + 12] = unknown[local + 8 : local + 10] = b"\x61\x00"
    assert _code(bytes(unknown)) == inspection.UNSUPPORTED
    first = _patched(content, b"PK\x03\x04", 8, b"\x61\x00")
    first = _patched(first, b"PK\x01\x02", 10, b"\x61\x00")
    assert _code(first) == inspection.UNSUPPORTED  # the content types too: unreadable


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused_unread() -> None:
    """zipfile stops at the declared size; the check sum then fails, so the rest is never
    unpacked and the limits read from the directory hold."""
    data = b"<a>" + b"x" * 5000 + b"</a>"
    content = samples.docx(("word/media/a.xml", data))
    size = struct.pack("<I", len(data))
    lied = content.replace(size, struct.pack("<I", 10))
    assert lied != content
    assert _code(lied) == inspection.BROKEN_FILE


# --- Archive limits across nested archives -----------------------------------------------------
def test_archives_nested_up_to_two_deep_are_walked_and_three_deep_are_refused() -> None:
    assert inspection.MAX_ARCHIVE_DEPTH == 2
    for depth in (0, 1, 2):
        assert inspection.inspect_upload(samples.nested(depth)) == inspection.DOCX
    assert _code(samples.nested(3)) == inspection.TOO_DEEP


def test_a_program_deep_inside_nested_archives_is_found() -> None:
    content = samples.nested(2, [("a.txt", samples.windows_executable())])
    assert _code(content) == inspection.EXECUTABLE


@pytest.mark.parametrize(("inner_entries", "accepted"), [(995, True), (996, True), (997, False)])
def test_the_1000_entries_count_the_parts_of_nested_archives_too(inner_entries, accepted):
    inner = samples.zip_of([(f"{i}.txt", "") for i in range(inner_entries)])
    content = samples.docx(("word/embeddings/bilag.zip", inner))
    total = len(samples.DOCX_PARTS) + 1 + inner_entries  # the inner archive is a part too
    assert total == {995: 999, 996: 1000, 997: 1001}[inner_entries]
    if accepted:
        assert inspection.inspect_upload(content) == inspection.DOCX
    else:
        assert _code(content) == inspection.ARCHIVE_TOO_LARGE


def test_the_100_mb_count_the_unpacked_parts_of_nested_archives_too() -> None:
    inner = samples.zip_of([("data.bin", samples.compressible(30 * MB))])
    three = samples.docx(*[(f"word/embeddings/{i}.zip", inner) for i in range(3)])
    assert inspection.inspect_upload(three) == inspection.DOCX  # 90 MB and the parts
    four = samples.docx(*[(f"word/embeddings/{i}.zip", inner) for i in range(4)])
    assert _code(four) == inspection.ARCHIVE_TOO_LARGE  # 120 MB


def test_a_part_of_up_to_1_mb_is_free_of_the_ratio_and_a_larger_one_is_not() -> None:
    assert inspection.RATIO_FREE_BYTES == MB
    zeros = samples.docx(("word/media/a.bin", b"\0" * MB))
    assert inspection.inspect_upload(zeros) == inspection.DOCX  # about 1,000 to 1, but small
    assert _code(samples.docx(("word/media/a.bin", b"\0" * (MB + 1)))) == inspection.TOO_PACKED


def _ratio_part(zeros: int) -> tuple[bytes, int, int]:
    """A Word document with a part of random bytes and ``zeros`` zeros after them; the part's
    unpacked and packed sizes as its archive declares them."""
    data = random.Random(7).randbytes(15_000) + b"\0" * zeros  # noqa: S311 (test data, the same every run)
    content = samples.docx(("word/media/a.bin", data))
    entry = zipfile.ZipFile(io.BytesIO(content)).getinfo("word/media/a.bin")
    return content, entry.file_size, entry.compress_size


def test_a_part_unpacking_to_100_times_its_packed_size_is_accepted_and_more_is_not() -> None:
    assert inspection.MAX_RATIO == 100
    # The fewest zeros that push the part over 100 to 1 (its packed size grows by a byte for
    # about every thousand zeros, so the ratio rises with them).
    low, high = 0, 4 * MB
    while low < high:
        middle = (low + high) // 2
        _content, unpacked, packed = _ratio_part(middle)
        if unpacked > 100 * packed:
            high = middle
        else:
            low = middle + 1
    over, unpacked, packed = _ratio_part(low)
    assert unpacked > 100 * packed and unpacked > MB
    at, unpacked, packed = _ratio_part(low - 1)
    assert unpacked == 100 * packed  # exactly on the limit
    assert inspection.inspect_upload(at) == inspection.DOCX
    assert _code(over) == inspection.TOO_PACKED


# --- Any bytes at all: an answer, never a crash ------------------------------------------------
LEGITIMATE = [samples.pdf(), PNG, JPEG, samples.docx(), samples.odt(), samples.nested(2)]


@settings(max_examples=300, deadline=None)
@given(
    sample=st.sampled_from(LEGITIMATE),
    cut=st.integers(min_value=1, max_value=4000),
    changes=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
)
def test_a_damaged_legitimate_file_is_judged_without_a_crash(sample, cut, changes) -> None:
    """Cut short and with bytes changed anywhere, a file is accepted or refused with a code;
    nothing else escapes the inspection (that would be a 500 on every upload path)."""
    damaged = bytearray(sample[: max(cut, 8)] if cut < len(sample) else sample)
    for at, value in changes:
        damaged[at % len(damaged)] = value
    try:
        inspection.inspect_upload(bytes(damaged))
    except DomainError as refused:
        assert refused.code and refused.fields == {"file": refused.message}


@settings(max_examples=200, deadline=None)
@given(
    start=st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04"]),
    rest=st.binary(max_size=2000),
)
def test_any_bytes_behind_a_known_start_are_judged_without_a_crash(start, rest) -> None:
    try:
        inspection.inspect_upload(start + rest)
    except DomainError as refused:
        assert refused.code
