"""What an uploaded file really is, judged from the content of the whole file, never from its
name or its first bytes alone (issue 6; issue 19, "uploads judged all the way down").

Accepted: PDF, PNG, JPEG, DOCX and ODT, each only when its structure holds up:

- a PDF opens with pypdf, is not encrypted, has a page, and holds no JavaScript, launch or
  submit actions, embedded files or rich media; nothing but comments follows its last ``%%EOF``;
- a PNG or JPEG decodes with Pillow to at most 50 million pixels, and nothing follows the end of
  the image (its IEND chunk or EOI marker);
- a DOCX is an Office Open XML package with its content types, its relationships and the main
  document part they name, and without macros; an ODT is an OpenDocument package whose
  ``mimetype`` names an OpenDocument text, with its manifest and content, and without macros.

Anywhere in the file, and in every part of an archive unpacked (streamed, never held whole), a
Windows program's DOS stub or a web page's markup (``<script``, ``<iframe``, ``<html>``, a
doctype) refuses it; so does an archive part named or starting as a program or script. Archives
(the packages above, and the archives inside them) are walked recursively within shared limits
read from the archive directories before anything is unpacked: nesting depth 2, 1,000 entries and
100 MB unpacked in all, and no part over 1 MB that unpacks to more than 100 times its packed
size. A name whose extension does not fit the content is refused; a name without one is judged by
the content alone. Every refusal is a DomainError with a stable code and a Danish message, raised
before anything is stored.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
)

from sundhedskoordinator.core.errors import DomainError

MAX_ARCHIVE_ENTRIES = 1_000
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
#: Archives inside the uploaded one: a document may embed one (a workbook in a Word document)
#: that holds one more; a third level is refused.
MAX_ARCHIVE_DEPTH = 2
#: Unpacked bytes per packed byte of one archive part; parts up to RATIO_FREE_BYTES are free of
#: it (small XML parts compress well), and the total limit bounds them together.
MAX_RATIO = 100
RATIO_FREE_BYTES = 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
READ_CHUNK = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

UNSUPPORTED = "unsupported_file_type"
FILE_SIZE = "file_size"
ENCRYPTED_PDF = "encrypted_pdf"
ENCRYPTED = "encrypted_file"
BROKEN_FILE = "broken_file"
ARCHIVE_TOO_LARGE = "archive_too_large"
TOO_DEEP = "archive_too_deep"
TOO_PACKED = "archive_too_compressed"
EXECUTABLE = "executable_content"
APPENDED_DATA = "appended_data"
ACTIVE_PDF = "active_pdf"
EXTENSION_MISMATCH = "extension_mismatch"
IMAGE_TOO_LARGE = "image_too_large"


@dataclass(frozen=True)
class FileType:
    content_type: str
    suffix: str
    #: The extensions a name of this type may have (lower case, no dot).
    extensions: tuple[str, ...] = ()


PDF = FileType("application/pdf", ".pdf", ("pdf",))
PNG = FileType("image/png", ".png", ("png",))
JPEG = FileType("image/jpeg", ".jpg", ("jpg", "jpeg", "jpe", "jfif"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    ("docx",),
)
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt", ("odt",))

#: Code a browser or Windows runs, wherever it sits: the DOS stub every Windows program carries,
#: and the markup that makes a file a web page. Each is long enough that compressed data (an
#: image's, a PDF stream's) holds it by chance about never.
_CODE = re.compile(
    rb"this program (?:cannot|must) be run|<script|<iframe|<!doctype\s+html|<html[\s>]",
    re.IGNORECASE,
)
_OVERLAP = 64
#: How programs and scripts begin: Windows (MZ), Linux (ELF), macOS (Mach-O, both byte orders,
#: and universal binaries), and a script's ``#!``.
_PROGRAM_STARTS = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
#: Archives that cannot be walked here (gzip, bzip2, xz, 7-Zip, RAR, cabinet).
_OTHER_ARCHIVES = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"MSCF")
#: Names of archive parts that are programs, scripts or web pages, whatever they hold.
_PROGRAM_EXTENSIONS = frozenset(
    {
        *("exe", "dll", "com", "scr", "pif", "cpl", "msi", "msp", "sys", "drv", "ocx"),
        *("bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsh", "hta"),
        *("html", "htm", "xhtml", "shtml", "mht", "mhtml", "jar", "class", "apk", "app", "dmg"),
        *("elf", "so", "dylib", "sh", "bash", "py", "pl", "rb", "php", "lnk", "reg", "inf"),
        *("scf", "url", "desktop", "swf"),
    }
)
#: Macros: VBA in Office Open XML, Basic and scripts in OpenDocument.
_MACRO_PARTS = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml)$|^(basic|scripts)/", re.I)
_PDF_ACTIVE = frozenset(
    {
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
    }
)


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, fields={"file": message})


def _broken() -> DomainError:
    return _refuse(BROKEN_FILE, _("Filen er beskadiget og kan ikke åbnes."))


def _unsupported() -> DomainError:
    return _refuse(
        UNSUPPORTED, _("Filtypen kan ikke vedhæftes. Brug PDF, DOCX, ODT, PNG eller JPEG.")
    )


def _executable() -> DomainError:
    return _refuse(
        EXECUTABLE,
        _("Filen er afvist, fordi den indeholder et program, et script, makroer eller en webside."),
    )


def _appended() -> DomainError:
    return _refuse(
        APPENDED_DATA,
        _(
            "Filen er afvist, fordi der ligger andre data efter dokumentets eller billedets "
            "slutning."
        ),
    )


def _too_large() -> DomainError:
    return _refuse(
        ARCHIVE_TOO_LARGE,
        _("Dokumentet indeholder for mange eller for store dele til at blive åbnet sikkert."),
    )


def inspect_upload(content: bytes, *, filename: str = "") -> FileType:
    """The file's real type, or a refusal. ``filename`` is the name it came with: an extension
    in it must be one of the type's."""
    limit = settings.UPLOAD_MAX_BYTES
    if not content or len(content) > limit:
        raise _refuse(
            FILE_SIZE,
            _("Filen er tom eller større end %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
        )
    if _CODE.search(content):
        raise _executable()
    file_type = _judge(content)
    extension = name_extension(filename)
    if extension and extension not in file_type.extensions:
        raise _refuse(
            EXTENSION_MISMATCH,
            _(
                "Filens navn passer ikke til dens indhold: den er en %(kind)s-fil. Giv den det "
                "rigtige navn, eller vedhæft den rigtige fil."
            )
            % {"kind": file_type.suffix.removeprefix(".").upper()},
        )
    return file_type


def name_extension(filename: str) -> str:
    """The extension of a file's name in lower case, or "" when it has none: a name's last dot
    starts one only when letters (and digits) follow it, so "Erklæring 12.03.2026" has none."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    extension = extension.lower()
    if (
        dot
        and stem
        and re.fullmatch(r"[a-z0-9]{1,8}", extension)
        and re.search(r"[a-z]", extension)
    ):
        return extension
    return ""


def _judge(content: bytes) -> FileType:
    if content.startswith(b"%PDF-"):
        return _pdf(content)
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(content, PNG, "PNG", _png_end(content))
    if content.startswith(b"\xff\xd8\xff"):
        return _image(content, JPEG, "JPEG", _jpeg_end(content))
    if content.startswith(b"PK\x03\x04"):
        return _office_archive(content)
    raise _unsupported()


# --- PDF ----------------------------------------------------------------------------------------
def _pdf(content: bytes) -> FileType:
    end = content.rfind(b"%%EOF")
    if end < 0:
        raise _broken()
    # After the last end-of-file marker only line ends and comments may follow (a second file
    # glued on, a ZIP or a web page, would be read by whatever looks at the end).
    for line in re.split(rb"[\r\n]", content[end + 5 :]):
        if line.strip(b" \t\f\0") and not line.startswith(b"%"):
            raise _appended()
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        active = pages > 0 and _pdf_is_active(reader)
    except Exception as exc:
        # pypdf answers a malformed file with many kinds of error (its own, and ValueError,
        # KeyError, RecursionError and more from deep inside); each means it is no readable PDF.
        raise _broken() from exc
    if encrypted:
        raise _refuse(
            ENCRYPTED_PDF,
            _(
                "PDF-filen er krypteret eller beskyttet med "
                "adgangskode. Vedhæft en udgave uden beskyttelse."
            ),
        )
    if pages < 1:
        raise _refuse(BROKEN_FILE, _("PDF-filen har ingen sider."))
    if active:
        raise _refuse(
            ACTIVE_PDF,
            _(
                "PDF-filen er afvist, fordi den indeholder JavaScript, handlinger der starter "
                "andre programmer, eller vedhæftede filer. Gem den som almindelig PDF og prøv "
                "igen."
            ),
        )
    return PDF


def _pdf_is_active(reader: PdfReader) -> bool:
    """Whether any object the document reaches from its trailer names JavaScript, an action
    that starts or sends something, an embedded file or rich media (PDF 32000-1:2008, 12.6 and
    7.11.4). Names are compared decoded, so ``/Java#53cript`` is ``/JavaScript``."""
    seen: set[tuple[int, int]] = set()
    pending: list[PdfObject] = [reader.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object() or NullObject()
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in _PDF_ACTIVE or (isinstance(value, NameObject) and value in _PDF_ACTIVE):
                    return True
                pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return False


# --- Images -------------------------------------------------------------------------------------
def _png_end(content: bytes) -> int:
    """Where the PNG ends: after its IEND chunk (each chunk: length, type, data, CRC)."""
    at = 8
    while at + 12 <= len(content):
        length = int.from_bytes(content[at : at + 4], "big")
        kind = content[at + 4 : at + 8]
        at += 12 + length
        if kind == b"IEND":
            return at
    raise _broken()


def _jpeg_end(content: bytes) -> int:
    """Where the JPEG ends: after its EOI marker, found by walking the segments and skipping
    each scan's entropy-coded data (ITU T.81, B.1)."""
    at, size = 2, len(content)
    while at < size:
        if content[at] != 0xFF:
            raise _broken()
        while at < size and content[at] == 0xFF:
            at += 1  # fill bytes
        if at >= size:
            break
        marker = content[at]
        at += 1
        if marker == 0xD9:
            return at
        if 0xD0 <= marker <= 0xD7:
            continue  # restart markers have no length
        if at + 2 > size:
            break
        at += int.from_bytes(content[at : at + 2], "big")
        if marker == 0xDA:
            at = _after_scan(content, at)
    raise _broken()


def _after_scan(content: bytes, at: int) -> int:
    """The position of the first marker after a scan's data (stuffed 0xFF00 and restart
    markers belong to the data)."""
    while True:
        at = content.find(b"\xff", at)
        if at < 0 or at + 1 >= len(content):
            raise _broken()
        following = content[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            at += 2
        elif following == 0xFF:
            at += 1
        else:
            return at


def _image(content: bytes, file_type: FileType, pillow_format: str, end: int) -> FileType:
    if content[end:].strip(b"\0"):
        raise _appended()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as picture:
                width, height = picture.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels()
                picture.load()
    except DomainError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _too_many_pixels() from exc
    except Exception as exc:
        # Pillow answers a malformed image with OSError, ValueError, SyntaxError, struct.error
        # and others; each means it does not decode.
        raise _broken() from exc
    return file_type


def _too_many_pixels() -> DomainError:
    return _refuse(
        IMAGE_TOO_LARGE,
        _("Billedet har flere end %(mp)d millioner punkter. Vedhæft en mindre udgave.")
        % {"mp": MAX_IMAGE_PIXELS // 1_000_000},
    )


# --- Archives -----------------------------------------------------------------------------------
@dataclass
class _Budget:
    """What the archives of one upload have used of the limits, all levels together."""

    entries: int = 0
    unpacked: int = 0


def _office_archive(content: bytes) -> FileType:
    budget = _Budget()
    archive = _open_archive(content, 0, budget)
    file_type = _office_type(archive)
    _walk(archive, 0, budget)
    return file_type


def _open_archive(content: bytes, depth: int, budget: _Budget) -> zipfile.ZipFile:
    """The archive, after its directory is checked against the limits: nothing is unpacked
    before the depth, the entries, the declared sizes and each part's ratio are within them
    (zipfile stops reading a part at its declared size, so the sizes hold)."""
    if depth > MAX_ARCHIVE_DEPTH:
        raise _refuse(
            TOO_DEEP,
            _("Dokumentet indeholder arkiver i for mange lag til at blive åbnet sikkert."),
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except Exception as exc:
        # zipfile answers a malformed directory with BadZipFile, and with OSError, ValueError
        # or others for some; each means the archive cannot be read.
        raise _broken() from exc
    budget.entries += len(entries)
    budget.unpacked += sum(e.file_size for e in entries)
    if budget.entries > MAX_ARCHIVE_ENTRIES or budget.unpacked > MAX_ARCHIVE_BYTES:
        raise _too_large()
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _refuse(
                ENCRYPTED,
                _("Dokumentet indeholder krypterede dele. Vedhæft en udgave uden beskyttelse."),
            )
        if _MACRO_PARTS.search(entry.filename) or (
            name_extension(entry.filename) in _PROGRAM_EXTENSIONS
        ):
            raise _executable()
        if entry.file_size > RATIO_FREE_BYTES and entry.file_size > MAX_RATIO * entry.compress_size:
            raise _refuse(
                TOO_PACKED,
                _(
                    "Dokumentet indeholder dele, der fylder langt mere udpakket end pakket, og "
                    "kan ikke åbnes sikkert."
                ),
            )
    return archive


def _walk(archive: zipfile.ZipFile, depth: int, budget: _Budget) -> None:
    """Every part unpacked as a stream and searched for programs, scripts and web pages; an
    archive inside is walked the same way, one level deeper."""
    for entry in archive.infolist():
        if entry.is_dir():
            continue
        inner = _read_part(archive, entry)
        if inner is not None:
            _walk(_open_archive(inner, depth + 1, budget), depth + 1, budget)


def _read_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes | None:
    """Read one part in chunks and refuse it for what it holds; the part's bytes when it is an
    archive itself (to be walked), else None."""
    try:
        with archive.open(entry) as stream:
            chunk = stream.read(READ_CHUNK)
            if chunk.startswith(_PROGRAM_STARTS):
                raise _executable()
            if chunk.startswith(_OTHER_ARCHIVES):
                raise _unsupported()
            kept: list[bytes] | None = [] if chunk.startswith(b"PK\x03\x04") else None
            tail = b""
            while chunk:
                if _CODE.search(tail + chunk):
                    raise _executable()
                if kept is not None:
                    kept.append(chunk)
                tail = chunk[-_OVERLAP:]
                chunk = stream.read(READ_CHUNK)
    except DomainError:
        raise
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise _unsupported() from exc
    except Exception as exc:  # a bad check sum, a broken stream: the part cannot be read
        raise _broken() from exc
    return b"".join(kept) if kept is not None else None


def _office_type(archive: zipfile.ZipFile) -> FileType:
    """DOCX (ECMA-376 part 2: ``[Content_Types].xml`` naming the main document part, the
    package's relationships and that part, all well-formed) or ODT (OpenDocument 1.3 part 2:
    ``mimetype`` naming exactly an OpenDocument text, a manifest and the content)."""
    names = set(archive.namelist())
    if "[Content_Types].xml" in names:
        types = _xml(archive, "[Content_Types].xml")
        declared = [
            (element.get("PartName", "").lstrip("/"), element.get("ContentType", ""))
            for element in types.iter()
            if element.tag.rpartition("}")[2] in ("Override", "Default")
        ]
        if any("macroenabled" in kind.lower() or "vba" in kind.lower() for _p, kind in declared):
            raise _executable()
        main = [part for part, kind in declared if kind == WORD_MAIN and part in names]
        if main and "_rels/.rels" in names:
            _xml(archive, "_rels/.rels")
            _xml(archive, main[0])
            return DOCX
    if (
        "mimetype" in names
        and {"content.xml", "META-INF/manifest.xml"} <= names
        and _read(archive, "mimetype").strip() == ODT_MIMETYPE
    ):
        _xml(archive, "META-INF/manifest.xml")
        _xml(archive, "content.xml")
        return ODT
    raise _unsupported()


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)  # within the limits: the directory was checked
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise _unsupported() from exc
    except Exception as exc:  # a bad check sum, a broken stream: the part cannot be read
        raise _broken() from exc


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # Expat resolves no external entities here and, from 2.4, stops entity expansion that
    # amplifies (billion laughs); the part's size is within the archive limits.
    try:
        return ElementTree.fromstring(_read(archive, name))  # noqa: S314
    except ElementTree.ParseError as exc:
        raise _broken() from exc
