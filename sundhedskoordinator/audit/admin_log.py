"""Writing the admin log: what the administrator changed in the admin site, with the old and the
new value of each field, never a password, a key or a CPR number (DESIGN section 2: "his
changes are logged"). Called inside the admin's own transaction, so a change and its entry are
saved together or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models

from sundhedskoordinator.core import clock

from .models import AdminAction, AdminLogEntry

#: What is written instead of a secret's value: only that it changed.
REDACTED = "***"

#: A field whose name holds one of these is a secret: its value never reaches the log.
_SECRET_WORDS = ("password", "cpr", "key", "secret", "token")

#: Field names that only say how a secret was entered; they are logged as the secret itself.
_PASSWORD_FIELDS = ("password", "password1", "password2", "usable_password")

Change = list[Any]  # [old, new]; None where there was or is no value


def is_secret(name: str) -> bool:
    return any(word in name.lower() for word in _SECRET_WORDS)


def display(value: Any) -> Any:
    """A value as the log shows it: JSON-safe, a related object by its name."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.time):  # datetimes are dates too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Iterable):
        return [display(item) for item in value]
    return str(value)


def _initial(form: forms.BaseForm, name: str) -> Any:
    value = form.initial.get(name)
    field = form.fields.get(name)
    # A foreign key's initial value is its primary key; the log names the object.
    is_foreign_key = isinstance(field, forms.ModelChoiceField) and not isinstance(
        field, forms.ModelMultipleChoiceField
    )
    if is_foreign_key and value is not None and not isinstance(value, models.Model):
        queryset = field.queryset  # type: ignore[union-attr]
        value = queryset.filter(pk=value).first() if queryset is not None else value
    return value


def form_changes(form: forms.BaseForm, *, added: bool = False) -> dict[str, Change]:
    """``{field: [old, new]}`` for each field the form changed; a secret as ``[***, ***]``."""
    changes: dict[str, Change] = {}
    for name in form.changed_data:
        if name in _PASSWORD_FIELDS or is_secret(name):
            changes["password" if name in _PASSWORD_FIELDS else name] = [REDACTED, REDACTED]
            continue
        old = None if added else display(_initial(form, name))
        new = display(form.cleaned_data.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def snapshot(instance: models.Model, *, fields: Iterable[str] | None = None) -> dict[str, Change]:
    """``{field: [value, None]}`` for what a deleted object held; secrets are left out."""
    wanted = set(fields) if fields is not None else None
    changes: dict[str, Change] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or is_secret(field.name):
            continue
        if wanted is not None and field.name not in wanted:
            continue
        changes[field.name] = [display(getattr(instance, field.name)), None]
    return changes


def record_admin_change(
    *,
    actor: Any,
    action: AdminAction,
    instance: models.Model,
    changes: dict[str, Change],
    object_id: Any = None,
) -> AdminLogEntry:
    """Append one entry: when, which administrator, what he did to which object, and the
    changed fields. ``object_id`` is given where the object is already deleted."""
    object_id = instance.pk if object_id is None else object_id
    return AdminLogEntry.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.get_username())[:200],
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(object_id)[:40],
        object_repr=str(instance)[:200],
        changes=changes,
    )
