"""What an uploaded file really is, decided from its content, never from its name.

Accepted: PDF (not encrypted, readable by pypdf), PNG, JPEG, DOCX and ODT. DOCX and ODT are ZIP
archives and are opened with limits (1,000 entries, 100 MB uncompressed) against archive bombs;
any other archive is refused. Every refusal is a DomainError with a stable code and a Danish
message, raised before anything is stored.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from sundhedskoordinator.core.errors import DomainError

MAX_ARCHIVE_ENTRIES = 1_000
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

UNSUPPORTED = "unsupported_file_type"
FILE_SIZE = "file_size"
ENCRYPTED_PDF = "encrypted_pdf"
BROKEN_FILE = "broken_file"
ARCHIVE_TOO_LARGE = "archive_too_large"


@dataclass(frozen=True)
class FileType:
    content_type: str
    suffix: str


PDF = FileType("application/pdf", ".pdf")
PNG = FileType("image/png", ".png")
JPEG = FileType("image/jpeg", ".jpg")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt")


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, fields={"file": message})


def inspect_upload(content: bytes) -> FileType:
    """The file's real type, or a refusal."""
    limit = settings.UPLOAD_MAX_BYTES
    if not content or len(content) > limit:
        raise _refuse(
            FILE_SIZE,
            _("Filen er tom eller større end %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
        )
    if content.startswith(b"%PDF-"):
        return _pdf(content)
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office_archive(content)
    raise _refuse(
        UNSUPPORTED, _("Filtypen kan ikke vedhæftes. Brug PDF, DOCX, ODT, PNG eller JPEG.")
    )


def _pdf(content: bytes) -> FileType:

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _refuse(
                ENCRYPTED_PDF,
                _(
                    "PDF-filen er krypteret eller beskyttet med "
                    "adgangskode. Vedhæft en udgave uden beskyttelse."
                ),
            )
        if len(reader.pages) < 1:
            raise _refuse(BROKEN_FILE, _("PDF-filen har ingen sider."))
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise _refuse(BROKEN_FILE, _("Filen er beskadiget og kan ikke åbnes.")) from exc
    return PDF


def _office_archive(content: bytes) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise _refuse(BROKEN_FILE, _("Filen er beskadiget og kan ikke åbnes.")) from exc
    # The sizes in the directory are checked before anything is unpacked (archive bombs).
    if len(entries) > MAX_ARCHIVE_ENTRIES or sum(e.file_size for e in entries) > MAX_ARCHIVE_BYTES:
        raise _refuse(
            ARCHIVE_TOO_LARGE,
            _("Dokumentet indeholder for mange eller for store dele til at blive åbnet sikkert."),
        )
    names = {e.filename for e in entries}
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return DOCX
    if "mimetype" in names:
        try:
            if archive.read("mimetype").strip() == ODT_MIMETYPE:
                return ODT
        except (zipfile.BadZipFile, KeyError, RuntimeError) as exc:
            raise _refuse(BROKEN_FILE, _("Filen er beskadiget og kan ikke åbnes.")) from exc
    raise _refuse(
        UNSUPPORTED, _("Filtypen kan ikke vedhæftes. Brug PDF, DOCX, ODT, PNG eller JPEG.")
    )
