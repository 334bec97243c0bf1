from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import GuidanceChannel


class GuidanceForm(forms.Form):
    given_on = forms.DateField(
        label=_("Dato"), widget=forms.DateInput(attrs={"class": "form-input", "type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=GuidanceChannel.choices,
        help_text=_(
            "Kun brev, Digital Post og e-mail er skriftlig vejledning (BEK 2409/2021 § 2)."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )
