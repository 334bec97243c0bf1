"""``ReadModelChoiceField``: a choice among objects the view has already read."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.core.forms import ReadModelChoiceField
from sundhedskoordinator.organisations.models import Municipality

pytestmark = pytest.mark.django_db


class ChooseForm(forms.Form):
    municipality = ReadModelChoiceField(queryset=Municipality.objects.none())

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].objects = municipalities  # type: ignore[attr-defined]


def test_a_read_choice_is_shown_and_checked_without_a_query(world: Any) -> None:
    odense = Municipality.objects.get(code="461")
    copenhagen = Municipality.objects.get(code="101")
    with CaptureQueriesContext(connection) as queries:
        chosen = ChooseForm({"municipality": str(odense.pk)}, municipalities=[odense])
        html = str(chosen["municipality"])
        assert chosen.is_valid()
        other = ChooseForm({"municipality": str(copenhagen.pk)}, municipalities=[odense])
        assert not other.is_valid()
    assert len(queries) == 0
    assert chosen.cleaned_data["municipality"] is odense
    assert f'<option value="{odense.pk}" selected>{odense.name}</option>' in html
    assert copenhagen.name not in html
    # Refused as a choice outside a ModelChoiceField's queryset is refused.
    assert other.errors["municipality"] == [
        str(forms.ModelChoiceField.default_error_messages["invalid_choice"])
    ]
