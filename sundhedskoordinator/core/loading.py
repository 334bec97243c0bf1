"""Model instances read from the database, built without ``Model.__init__``.

A page of 100 cases in the API's list reads about 1,800 model instances (the case, its citizen,
people and one-to-one parts, every agenda item with its meeting, dispatch and conversation).
Django builds each through ``Model.__init__``, which sends ``pre_init`` and ``post_init`` and
sets each field through its descriptor, about a fifth of the list's time in one process. A row
from the database needs none of that while no receiver listens to the two signals: its values
are already converted, and a new instance has no cached relation for a foreign key's descriptor
to clear. ``QuickLoad.from_db`` (the hook Django documents for this) puts the values straight
into the instance's ``__dict__`` with the same state Django gives it, and leaves every other
case (a deferred field, a receiver of either signal, a field whose descriptor does more than
store its value, a model with an ``__init__`` of its own) to Django's own ``from_db``.
"""

from __future__ import annotations

import inspect
from typing import Any

from django.db.models.base import Model, ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

#: The descriptors of a field's attribute whose setting, on a new instance, only stores the
#: value in its ``__dict__`` (a foreign key's also clears a cached relation, which a new
#: instance has none of). A field with any other (an image's dimensions, say) leaves its model
#: to Django's ``from_db``.
PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)

#: Each model's concrete fields' attribute names, in the order of a row's values; ``None``
#: where a field's descriptor does more than store its value.
_attnames: dict[type, tuple[str, ...] | None] = {}


def _plain_attnames(model: Any) -> tuple[str, ...] | None:
    if model.__init__ is not Model.__init__:
        return None  # an ``__init__`` of its own would be skipped
    names = tuple(field.attname for field in model._meta.concrete_fields)
    for name in names:
        descriptor = inspect.getattr_static(model, name, None)
        if descriptor is not None and type(descriptor) not in PLAIN_DESCRIPTORS:
            return None
    return names


class QuickLoad:
    """Put first in a model's bases: its instances read from the database skip
    ``Model.__init__`` (module docstring). ``core.tests.test_loading`` checks that every model
    of ours has it and that an instance comes out equal to Django's own."""

    @classmethod
    def from_db(
        cls,
        db: str | None,
        field_names: Any,
        values: Any,
        *,
        fetch_mode: Any = None,
    ) -> Any:
        if cls not in _attnames:
            _attnames[cls] = _plain_attnames(cls)
        names = _attnames[cls]
        if names is None or len(values) != len(names) or pre_init.receivers or post_init.receivers:
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)  # type: ignore[misc]
        new = cls.__new__(cls)
        state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        attributes = new.__dict__
        attributes["_state"] = state
        attributes.update(zip(names, values, strict=True))
        return new
