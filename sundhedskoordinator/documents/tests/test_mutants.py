"""Upload refusals found missing by mutation testing (docs/dev/testing.md): the refusal tells
the user why, both as the answer's message and at the file field."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import inspection


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", inspection.FILE_SIZE),
        (b"GIF89a" + b"\x00" * 32, inspection.UNSUPPORTED),
        (b"PK\x03\x04 not an archive", inspection.BROKEN_FILE),
    ],
)
def test_a_refused_upload_says_why_in_the_message_and_at_the_file_field(
    content: bytes, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        inspection.inspect_upload(content)
    assert refused.value.code == code
    assert refused.value.fields == {"file": refused.value.message}
    assert refused.value.message not in ("", "None")


def test_a_pdf_with_a_wrong_cross_reference_offset_is_accepted() -> None:
    """Scanners often write a PDF whose last cross-reference offset is off; it opens in every
    reader, so it is accepted (read leniently, not strictly)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    valid = buffer.getvalue()
    off = valid[: valid.rindex(b"startxref")] + b"startxref\n9\n%%EOF\n"
    assert inspection.inspect_upload(off) == inspection.PDF
