from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.forms import MoneyField, NumberField, ReadModelChoiceField
from sundhedskoordinator.organisations.models import Municipality, Region

DATE = {"class": "form-input", "type": "date"}


class PeriodForm(forms.Form):
    """Which municipality and period to show; also the hidden part of the approval form."""

    municipality = ReadModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(label=_("Fra og med"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    date_to = forms.DateField(label=_("Til og med"), widget=forms.DateInput(DATE, "%Y-%m-%d"))

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        """``municipalities``: the user's (``figure_municipalities``), read once by the view."""
        super().__init__(*args, **kwargs)
        self.fields["municipality"].objects = municipalities  # type: ignore[attr-defined]


class ApproveForm(PeriodForm):
    expected_total = NumberField(max_digits=14, decimal_places=2, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("municipality", "date_from", "date_to"):
            self.fields[name].widget = forms.HiddenInput()


class RateForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = MoneyField(
        label=_("Takst pr. sag (kr.)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"class": "form-input input-width-s", "inputmode": "decimal"}),
        help_text=_("Fx 2.150,00"),
    )
    valid_from = forms.DateField(
        label=_("Gælder fra"),
        widget=forms.DateInput(DATE, "%Y-%m-%d"),
        help_text=_("Den hidtidige takst gælder til og med dagen før."),
    )
    bills_cancelled_after_dispatch = forms.TypedChoiceField(
        label=_("Afregnes en sag, der aflyses efter afsendelse til sundhedskoordinatoren?"),
        choices=[("yes", _("Ja")), ("no", _("Nej"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    #: Shown only when the rate reaches back into an approved, locked settlement.
    confirm_locked_period = forms.BooleanField(
        label=_("Jeg har set rettelserne og bekræfter, at taksten skal gælde i den låste periode"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        field.queryset = regions  # type: ignore[attr-defined]
        only = list(regions[:2])
        if len(only) == 1:  # Klinisk Funktion of one region: nothing to choose
            field.initial = only[0].pk
            field.empty_label = None  # type: ignore[attr-defined]
