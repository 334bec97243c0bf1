from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import Places

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = {"class": "form-input", "type": "date"}
SELECT = {"class": "form-select"}


def this_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The default period: from New Year's Day to today."""
    return today.replace(month=1, day=1), today


#: A place that is not among the user's: the same words as for a choice from the database.
NOT_A_CHOICE = forms.ModelChoiceField.default_error_messages["invalid_choice"]


def _place_field(label: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )


class StatisticsForm(forms.Form):
    """The period and, optionally, one region, municipality or team of the user's places (read
    once by the view, ``figure_places``: the choices ask the database nothing more)."""

    date_from = forms.DateField(label=_("Fra og med"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    date_to = forms.DateField(label=_("Til og med"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    region = _place_field(_("Region"))
    municipality = _place_field(_("Kommune"))
    team = _place_field(_("Rehabiliteringsteam"))

    def __init__(self, *args: Any, places: Places, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("Alle"))]
        self.fields["region"].choices = every + places.regions  # type: ignore[attr-defined]
        self.fields["municipality"].choices = every + [  # type: ignore[attr-defined]
            (m.pk, m.name) for m in places.municipalities
        ]
        self.fields["team"].choices = every + [  # type: ignore[attr-defined]
            (t.pk, t.name) for t in places.teams
        ]
