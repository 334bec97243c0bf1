from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.organisations.models import Municipality, Region, RehabTeam

DATE = {"class": "form-input", "type": "date"}
SELECT = {"class": "form-select"}


def this_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The default period: from New Year's Day to today."""
    return today.replace(month=1, day=1), today


class StatisticsForm(forms.Form):
    date_from = forms.DateField(label=_("Fra og med"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    date_to = forms.DateField(label=_("Til og med"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Alle"),
        widget=forms.Select(attrs=SELECT),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Alle"),
        widget=forms.Select(attrs=SELECT),
    )
    team = forms.ModelChoiceField(
        label=_("Rehabiliteringsteam"),
        queryset=RehabTeam.objects.none(),
        required=False,
        empty_label=_("Alle"),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            municipalities__in=municipalities
        ).distinct()
        self.fields["team"].queryset = RehabTeam.objects.filter(  # type: ignore[attr-defined]
            municipality__in=municipalities
        ).select_related("municipality")
