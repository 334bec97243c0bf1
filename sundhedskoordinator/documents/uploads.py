"""The one door every uploaded file comes in by: its type judged from its whole content
(``inspection``), then scanned for malware (``scanning``). Any service that keeps a file from
outside calls ``accept_upload`` before it stores anything."""

from __future__ import annotations

from sundhedskoordinator.documents.inspection import FileType, inspect_upload
from sundhedskoordinator.documents.scanning import scan


def accept_upload(*, filename: str, content: bytes) -> FileType:
    """The file's type when it may be kept; a DomainError (a stable code and a Danish message
    at the file field) when it may not."""
    file_type = inspect_upload(content, filename=filename)
    scan(content)
    return file_type
