"""Upload refusals found missing by mutation testing (docs/dev/testing.md): the refusal tells
the user why, both as the answer's message and at the file field."""

from __future__ import annotations

import pytest

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
