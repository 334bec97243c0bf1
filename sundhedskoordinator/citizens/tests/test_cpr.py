import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sundhedskoordinator.citizens.cpr import birth_date, mask_cpr, normalise_cpr, validate_cpr


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("0101301234", dt.date(1930, 1, 1)),  # 7th digit 0-3: 1900s
        ("0101364234", dt.date(2036, 1, 1)),  # 4 or 9 and year <= 36: 2000s
        ("0101374234", dt.date(1937, 1, 1)),  # 4 or 9 and year > 36: 1900s
        ("0101575234", dt.date(2057, 1, 1)),  # 5-8 and year <= 57: 2000s
        ("0101585234", dt.date(1858, 1, 1)),  # 5-8 and year > 57: 1800s
        ("2902001234", None),
    ],  # 29 February 1900 never was
)
def test_the_seventh_digit_gives_the_century(cpr, born):
    if born is None:
        with pytest.raises(ValueError, match="day is out of range"):
            birth_date(cpr)  # 1900 was no leap year
    else:
        assert birth_date(cpr) == born


@pytest.mark.parametrize("value", ["010190-1234", "0101901234", " 010190 1234 "])
def test_valid_numbers_with_or_without_dash(value):
    assert validate_cpr(value) is None  # accepted: it raises for an invalid number
    assert normalise_cpr(value) == "0101901234"
    assert birth_date(normalise_cpr(value)) == dt.date(1990, 1, 1)


@pytest.mark.parametrize("value", ["3201901234", "0113901234", "01019012", "01019O1234", ""])
def test_invalid_numbers_are_refused_without_echoing_them(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_cpr(value)
    message = " ".join(excinfo.value.messages)
    assert "CPR-nummeret skal have 10 cifre" in message
    assert normalise_cpr(value) not in message or not value


def _modulus_11(cpr: str) -> int:
    return sum(int(d) * w for d, w in zip(cpr, (4, 3, 2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11


@pytest.mark.parametrize("cpr", ["0101901235", "0101901236", "0101901237"])
def test_no_modulus_11_check(cpr):
    """Numbers issued since 2007 need not pass modulus 11 (DESIGN section 4)."""
    assert _modulus_11(cpr) != 0  # none of these would pass the old check
    assert validate_cpr(cpr) is None
    assert birth_date(cpr) == dt.date(1990, 1, 1)


def test_a_citizen_with_a_number_failing_modulus_11_is_registered(world):
    from sundhedskoordinator.citizens import services

    citizen = services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0101901235",
        name="Ny Borger",
        municipality=world.team.municipality,
        course_start=dt.date(2026, 3, 1),
    )
    assert citizen.cpr_masked == "010190-XXXX"


def test_reads_show_the_masked_form():
    assert mask_cpr("1203851234") == "120385-XXXX"


def test_stored_form_is_encrypted_hashed_and_masked():
    from sundhedskoordinator.citizens.cpr import lookup_hash, protect_cpr, reveal_cpr

    stored = protect_cpr("010190-1234")
    assert "0101901234" not in str(stored) and "1234" not in stored["cpr_encrypted"]
    assert stored["cpr_masked"] == "010190-XXXX"
    assert stored["cpr_hash"] == lookup_hash("0101901234")
    assert reveal_cpr(stored["cpr_encrypted"]) == "0101901234"
    assert protect_cpr("0101901234")["cpr_encrypted"] != stored["cpr_encrypted"]  # random IV


def test_keys_can_be_rotated(settings):
    from cryptography.fernet import Fernet, InvalidToken

    from sundhedskoordinator.citizens.cpr import protect_cpr, reveal_cpr

    old = settings.CPR_ENCRYPTION_KEYS[0]
    stored = protect_cpr("0101901234")["cpr_encrypted"]
    settings.CPR_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert reveal_cpr(stored) == "0101901234"  # the old key still reads
    settings.CPR_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        reveal_cpr(stored)  # without the old key it cannot be read
