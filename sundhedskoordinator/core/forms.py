"""Showing a refused action on a page: the one place a DomainError becomes form errors."""

from __future__ import annotations

from django import forms

from .errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put each missing part next to its field when the form has that field, and the rest (with
    the overall message when nothing else fits) at the top of the form."""
    placed = False
    for name, message in error.fields.items():
        field = name.rsplit(".", 1)[-1]
        if field in form.fields:
            form.add_error(field, message)
            placed = True
        else:
            form.add_error(None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
