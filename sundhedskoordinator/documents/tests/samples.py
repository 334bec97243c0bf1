"""Files for the upload tests, made here so that every sample's content is visible: legitimate
documents as the programs that write them do (a Word document's three required parts, an
OpenDocument text with its manifest, images that decode), and hostile ones built small (a zip
bomb of zeros, archives nested in archives, an executable behind an image's first bytes)."""

from __future__ import annotations

import io
import random
import zipfile

from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

MB = 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Indsatsplan</w:t></w:r></w:p></w:body></w:document>"
)
#: The parts every Word document has (ECMA-376 part 2: content types, the package's
#: relationships, and the main document they point at).
DOCX_PARTS: list[tuple[str, bytes | str]] = [
    ("[Content_Types].xml", CONTENT_TYPES),
    ("_rels/.rels", RELS),
    ("word/document.xml", DOCUMENT),
]
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'office:version="1.3"><office:body><office:text/></office:body></office:document-content>'
)


def zip_of(entries: list[tuple[str, bytes | str]], *, stored: bool = False) -> bytes:
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def docx(*extra: tuple[str, bytes | str]) -> bytes:
    """A Word document with its required parts and ``extra`` parts after them."""
    return zip_of([*DOCX_PARTS, *extra])


def odt(*extra: tuple[str, bytes | str]) -> bytes:
    """An OpenDocument text: ``mimetype`` first and stored, then the manifest and the content."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text"
        )  # a ZipInfo is stored uncompressed, as OpenDocument requires of the mimetype
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", CONTENT)
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind: str, *, comment: bytes = b"") -> bytes:
    """A small photo-like image as Pillow writes it (``PNG`` or ``JPEG``), with ``comment`` in
    its text chunk or comment segment."""
    out = io.BytesIO()
    picture = Image.new("RGB", (16, 12), (200, 30, 40))
    picture.putpixel((3, 3), (0, 0, 255))
    if kind == "PNG" and comment:
        info = PngInfo()
        info.add_text("Comment", comment.decode("latin-1"))
        picture.save(out, kind, pnginfo=info)
    elif comment:
        picture.save(out, kind, comment=comment)
    else:
        picture.save(out, kind)
    return out.getvalue()


def png_of_size(size: int) -> bytes:
    """A decodable PNG of exactly ``size`` bytes: an ancillary text chunk pads it (a chunk is 12
    bytes around its data)."""
    import struct
    import zlib

    plain = image("PNG")
    head, tail = plain[:33], plain[33:]  # the signature and the IHDR chunk, then the rest
    data_size = size - len(plain) - 12
    assert data_size >= 0
    data = b"Comment\0" + b"x" * (data_size - 8)
    chunk = (
        struct.pack(">I", len(data))
        + b"tEXt"
        + data
        + struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF)
    )
    content = head + chunk + tail
    assert len(content) == size
    return content


def windows_executable() -> bytes:
    """The start of a Windows program: the MZ header, the DOS stub's message, the PE header."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44
    stub += (0x80).to_bytes(4, "little")  # e_lfanew: the PE header at 0x80
    stub += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
    stub += b"This program cannot be run in DOS mode.\r\r\n$"
    stub = stub.ljust(0x80, b"\x00")
    return stub + b"PE\x00\x00\x4c\x01" + b"\x00" * 256


def linux_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


def compressible(size: int, *, seed: int = 1, random_per_2kb: int = 40) -> bytes:
    """``size`` bytes that deflate to about a fiftieth: in every 2 kB, ``random_per_2kb`` random
    bytes and zeros after them (a run of zeros alone deflates to a thousandth)."""
    rng = random.Random(seed)  # noqa: S311 (test data, the same every run)
    block = 2048
    parts = [
        rng.randbytes(random_per_2kb) + b"\0" * (block - random_per_2kb)
        for _ in range(size // block + 1)
    ]
    return b"".join(parts)[:size]


def nested(depth: int, innermost: list[tuple[str, bytes | str]] | None = None) -> bytes:
    """A Word document holding an archive ``depth`` levels deep (``depth`` 0: none): each level
    a zip in the one above, the innermost holding ``innermost`` (a text file by default)."""
    inner = zip_of(innermost or [("notat.txt", "Notat")])
    for _level in range(depth - 1):
        inner = zip_of([("indlejret.zip", inner)])
    return docx(("word/embeddings/bilag.zip", inner)) if depth else docx()
