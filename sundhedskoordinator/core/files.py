"""Files saved inside a database transaction, and taken away again when it does not commit.

A stored file and the row that names it are written in the same step, but only the row is
undone by a rollback. ``save`` keeps the bytes through the field's storage (local disk or object
storage alike) and, inside ``removed_if_failed``, remembers them, so that a step that fails or is
tried again leaves no file behind that nothing names (an orphaned advice PDF is health data
kept for no purpose)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

if TYPE_CHECKING:
    from django.core.files.storage import Storage
    from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

_saved: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("files_saved", default=None)


def save(field: FieldFile, name: str, content: bytes) -> None:
    """Keep ``content`` in the file field under a name its ``upload_to`` makes from ``name``
    (the row itself is saved by the caller)."""
    field.save(name, ContentFile(content), save=False)
    saved = _saved.get()
    if saved is not None and field.name:
        saved.append((field.storage, field.name))


@contextmanager
def removed_if_failed() -> Iterator[None]:
    """Files saved in the block are deleted again if the block raises (the transaction that
    would have named them was rolled back with it)."""
    saved: list[tuple[Storage, str]] = []
    token = _saved.set(saved)
    try:
        yield
    except BaseException:
        for storage, name in saved:
            try:
                storage.delete(name)
            except OSError:  # kept going: the failure being raised is the one to report
                logger.warning("a file of a rolled-back step could not be deleted")
        raise
    finally:
        _saved.reset(token)
