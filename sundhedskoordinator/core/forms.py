"""Form helpers: showing a refused action on a page (the one place a DomainError becomes form
errors), reading amounts of money as people write them, and choosing one of the model objects a
view has already read."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
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


class _ReadChoices(forms.models.ModelChoiceIterator[Any]):
    """The choices of a ``ReadModelChoiceField``: its objects, without a query."""

    field: ReadModelChoiceField

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.field.objects) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.objects)


class ReadModelChoiceField(forms.ModelChoiceField[Any]):
    """One of ``objects``, model instances the view has already read (and may use again, as the
    settlement page uses the user's municipalities): showing and checking the choice ask the
    database nothing. A value that is not among them is refused as ``ModelChoiceField`` refuses
    one outside its queryset."""

    iterator = _ReadChoices

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objects: list[Any] = []

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        wanted = str(value.pk if isinstance(value, models.Model) else value)
        for obj in self.objects:
            if str(obj.pk) == wanted:
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


#: What may group thousands besides the language's own separator: a space, a no-break space and
#: a narrow no-break space, as "2 150,50" is written and as spreadsheets copy it.
_SPACES = " \xa0\u202f"


class MoneyField(forms.DecimalField):
    """An amount in kroner as people write it in the active language: "2.150,50", "2 150,50" and
    "2150,50" in Danish, "2,150.50" and "2150.50" in English, a "kr." after it or not; in
    Danish a point that does not group thousands is a decimal point ("2.5" is 2,50 kr.).
    Thousands separators are taken out only where they group thousands, so "2.5" is never read
    as 25 in English, nor "0.001" as 1 or "1 2" as 12. Only the digits 0-9 count, and nothing
    of Python's number syntax ("1e3", "1_000", "+5") is taken for an amount: what is not written
    as an amount is refused ("Indtast et tal."), never read as another one."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if not isinstance(value, str):
            return super().to_python(value)
        text = value.strip().removesuffix("kr.").strip()
        if text in self.empty_values:
            return None
        for whole, part in _amount_patterns():
            written = re.fullmatch(rf"(?P<whole>{whole})(?:{part}(?P<part>[0-9]*))?", text)
            if written and (written["whole"] or written["part"]):
                kroner = re.sub("[^0-9]", "", written["whole"]) or "0"
                return Decimal(f"{kroner}.{written['part']}" if written["part"] else kroner)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _amount_patterns() -> list[tuple[str, str]]:
    """The ways of writing an amount in the active language, tried in order: (the whole kroner,
    the decimal separator). In Danish a point after kroner not grouped by points is a decimal
    point, as many type it."""
    decimal = str(formats.get_format("DECIMAL_SEPARATOR"))
    thousands = str(formats.get_format("THOUSAND_SEPARATOR"))
    groups = "".join(re.escape(c) for c in dict.fromkeys([thousands, *_SPACES]) if c != decimal)
    # Grouped thousands start with a digit other than 0 and use one separator throughout.
    grouped = rf"[1-9][0-9]{{0,2}}(?P<sep>[{groups}])[0-9]{{3}}(?:(?P=sep)[0-9]{{3}})*"
    patterns = [(rf"{grouped}|[0-9]*", re.escape(decimal))]
    if decimal == "," and thousands == ".":
        patterns.append(("[0-9]*", r"\."))
    return patterns


class NumberField(forms.DecimalField):
    """A decimal number as a browser's number input (or the page's own hidden field) sends it:
    HTML's "valid floating-point number", in ASCII digits with a point ("7.5", "1e1"). What
    Python's Decimal would take besides (underscores between digits, other scripts' digits,
    "+5") is no number a page sends and is refused, not read as another number."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and value.strip() and not _HTML_NUMBER.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


#: HTML's valid floating-point number (the number input's value), and a point with no digits
#: before or after it (".5", "5."), which a page without a browser's checks may send.
_HTML_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


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
