"""The one way a file is kept: uploads to a case and the PDFs the system issues alike.

A stored file is never changed. Keeping new bytes makes the next version of its kind, records the
bytes' size and SHA-256, and saves them through Django's storage API under a name the system
makes (the model's ``upload_to``); reading them back checks the SHA-256 first
(``delivery.verified_content``)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Max, Model, QuerySet

from sundhedskoordinator.core import files


def store_version[Stored: Model](
    document: Stored, content: bytes, *, name: str, versions: QuerySet[Any]
) -> Stored:
    """Save ``document`` (an unsaved row with a ``file``, ``version``, ``size`` and ``sha256``)
    holding ``content`` as the next version after the highest in ``versions`` (the earlier
    versions of the same kind and owner). Call it inside the transaction of the step that keeps
    the file, so that the row and the step land together."""
    highest = versions.aggregate(v=Max("version"))["v"] or 0
    row: Any = document  # the fields every stored-file model has
    row.version = highest + 1
    row.size = len(content)
    row.sha256 = hashlib.sha256(content).hexdigest()
    files.save(row.file, name, content)
    document.save()
    return document


def writable() -> bool:
    """Whether the file storage takes a file and gives it back (the readiness probe: a local
    folder or a bucket alike). The probe file is removed again."""
    storage = storages["default"]
    try:
        name = storage.save(f"health/probe-{uuid.uuid4().hex}", ContentFile(b"ok"))
        try:
            with storage.open(name, "rb") as handle:
                return bool(handle.read() == b"ok")
        finally:
            storage.delete(name)
    except Exception:  # noqa: BLE001 - any failure of the backend means "not ready"
        return False
