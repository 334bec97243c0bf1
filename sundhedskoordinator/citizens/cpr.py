"""CPR numbers: validation and masking (DESIGN section 4). Never log or put one in a URL.

Validated as 10 digits with a real date of birth; no modulus-11 check, since CPR numbers without
it have been issued since 2007.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_CPR = _("CPR-nummeret skal have 10 cifre (DDMMÅÅ-XXXX) og begynde med en gyldig dato.")


#: Six and four ASCII digits, with at most one separator between them (a dash of any kind, a
#: dot, a slash or a space): how people write a CPR number. Only 0-9 count as digits, so a number
#: typed in other scripts' digits is not taken for a different person.
_CPR = re.compile(r"\s*([0-9]{6})\s*[-\u2010-\u2015./]?\s*([0-9]{4})\s*")


def normalise_cpr(value: str) -> str:
    """Digits only: '010190-1234', '010190 1234' and '0101901234' are the same number; anything
    that is not written as a CPR number is returned stripped but otherwise unchanged."""
    match = _CPR.fullmatch(value)
    return match.group(1) + match.group(2) if match else value.strip()


def looks_like_cpr(value: str) -> bool:
    """Written as a CPR number: what must not be searched for in a URL."""
    return _CPR.fullmatch(value) is not None


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
    if not re.fullmatch(r"[0-9]{10}", cpr):
        raise ValidationError(INVALID_CPR, code="invalid_cpr")
    try:
        birth_date(cpr)
    except ValueError as exc:
        raise ValidationError(INVALID_CPR, code="invalid_cpr") from exc


def mask_cpr(cpr: str) -> str:
    """The form every read shows: the date part and 'XXXX'."""
    return f"{cpr[:6]}-XXXX" if len(cpr) == 10 else "XXXXXX-XXXX"


def _cipher() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.CPR_ENCRYPTION_KEYS])


def lookup_hash(cpr: str) -> str:
    """A keyed hash (HMAC-SHA256) to find a citizen by CPR number without storing it in clear."""
    key = settings.CPR_HASH_KEY.encode()
    return hmac.new(key, normalise_cpr(cpr).encode(), hashlib.sha256).hexdigest()


def protect_cpr(cpr: str) -> dict[str, str]:
    """The stored form of a (valid) CPR number: encrypted, hashed for lookup, and masked."""
    cpr = normalise_cpr(cpr)
    return {
        "cpr_encrypted": _cipher().encrypt(cpr.encode()).decode(),
        "cpr_hash": lookup_hash(cpr),
        "cpr_masked": mask_cpr(cpr),
    }


def reveal_cpr(encrypted: str) -> str:
    """The CPR number in clear, for the few places a role needs it (e.g. a FHIR Patient)."""
    return _cipher().decrypt(encrypted.encode()).decode()
