"""CPR numbers: validation and masking (DESIGN section 4). Never log or put one in a URL.

Validated as 10 digits with a real date of birth; no modulus-11 check, since CPR numbers without
it have been issued since 2007.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_CPR = _("CPR-nummeret skal have 10 cifre (DDMMÅÅ-XXXX) og begynde med en gyldig dato.")


def normalise_cpr(value: str) -> str:
    """Digits only: '010190-1234' and '0101901234' are the same number."""
    return value.replace("-", "").replace(" ", "").strip()


def birth_date(cpr: str) -> dt.date:
    """The date of birth the number encodes; the 7th digit gives the century (CPR-kontoret)."""
    day, month, year2, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year2 <= 36 else 1900
    else:
        century = 2000 if year2 <= 57 else 1800
    return dt.date(century + year2, month, day)


def validate_cpr(value: str) -> None:
    """Raise a ValidationError (with no digits of the number in it) unless ``value`` is valid."""
    cpr = normalise_cpr(value)
    if len(cpr) != 10 or not cpr.isdigit():
        raise ValidationError(INVALID_CPR, code="invalid_cpr")
    try:
        birth_date(cpr)
    except ValueError as exc:
        raise ValidationError(INVALID_CPR, code="invalid_cpr") from exc


def mask_cpr(cpr: str) -> str:
    """The form every read shows: the date part and 'XXXX'."""
    return f"{cpr[:6]}-XXXX" if len(cpr) == 10 else "XXXXXX-XXXX"
