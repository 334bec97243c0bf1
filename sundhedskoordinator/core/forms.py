"""Form helpers: showing a refused action on a page (the one place a DomainError becomes form
errors) and reading amounts of money as people write them."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats

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


class MoneyField(forms.DecimalField):
    """An amount in kroner as people write it in the active language: "2.150,50" and "2150,50"
    in Danish, "2,150.50" and "2150.50" in English. Thousands separators are taken out only where
    they group thousands, so "2.5" is never read as 25 in English."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            thousands = re.escape(str(formats.get_format("THOUSAND_SEPARATOR")))
            decimal = re.escape(str(formats.get_format("DECIMAL_SEPARATOR")))
            text = value.replace("\xa0", "").replace(" ", "").removesuffix("kr.").strip()
            if re.fullmatch(rf"\d{{1,3}}(?:{thousands}\d{{3}})+(?:{decimal}\d*)?", text):
                text = re.sub(thousands, "", text)
            value = text
        return super().to_python(value)


View = Callable[..., HttpResponse]


def post_only(back_to: str, argument: str) -> Callable[[View], View]:
    """A form's POST address: opened with GET (a reload, a bookmark, a new tab after a refused
    form) it leads back to the page the form is on (the URL name ``back_to`` with the view's
    ``argument``) instead of answering 405 with an empty page."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                back: HttpResponse = redirect(back_to, **{argument: kwargs[argument]})
                return back
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def whole_number(value: str | None) -> int | None:
    """A whole number as the pages send it (ASCII digits, at most 18 of them), else None."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None
