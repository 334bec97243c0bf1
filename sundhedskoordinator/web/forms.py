from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The log-in form with Danish labels and messages."""

    error_messages = {
        "invalid_login": _(
            "Brugernavn eller adgangskode er forkert. Bemærk, at der skelnes mellem store og "
            "små bogstaver."
        ),
        "inactive": _("Denne konto er ikke aktiv."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Brugernavn")
        self.fields["password"].label = _("Adgangskode")
        self.fields["username"].widget.attrs.update(
            {"class": "form-input", "autocomplete": "username"}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "form-input", "autocomplete": "current-password"}
        )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Engangskode"),
        help_text=_("De 6 cifre, din godkendelses-app viser lige nu."),
        max_length=10,
        widget=forms.TextInput(
            attrs={"class": "form-input", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        error_messages={"required": _("Skriv engangskoden.")},
    )
