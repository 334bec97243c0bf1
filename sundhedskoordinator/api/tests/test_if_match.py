"""Property-based: the If-Match parser takes any header a client can send (HTTP header values are
Latin-1) and either reads the case's ETag, a version of ASCII digits, or refuses it with
``invalid_input``; nothing else, and never an exception that would be a server error."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from hypothesis import example, given
from hypothesis import strategies as st

from sundhedskoordinator.api.http import etag, if_match
from sundhedskoordinator.core.errors import DomainError

LATIN_1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")


def _parse(header: str) -> int | None:
    return if_match(RequestFactory().patch("/", headers={"If-Match": header}))


@given(st.integers(min_value=0, max_value=10**18 - 1), st.booleans())
def test_an_etag_the_api_gave_is_read_back(version: int, weak: bool) -> None:
    assert _parse(("W/" if weak else "") + etag(version)) == version


@given(st.text(LATIN_1, max_size=40))
@example('"²"')  # a superscript two: str.isdigit() says yes, int() says no
@example('"١٢"')  # Arabic-Indic digits are not a version either
@example('"' + "9" * 5000 + '"')  # beyond Python's limit on digits that int() converts
@example('"1 2"')
@example('""')
def test_any_other_header_is_a_version_of_ascii_digits_or_refused(header: str) -> None:
    try:
        version = _parse(header)
    except DomainError as refusal:
        assert refusal.code == "invalid_input"
        assert refusal.status == 400
        return
    value = header.strip().removeprefix("W/").strip('"')
    if version is None:
        assert value in ("", "*")
    else:
        assert value.isascii() and value.isdigit() and int(value) == version


@pytest.mark.parametrize(
    ("header", "version"),
    [
        ('"0"', 0),
        ('"999999999999999999"', 10**18 - 1),  # 18 digits: the largest version read
        ("*", None),
        ("", None),
    ],
)
def test_the_boundaries_that_are_read(header: str, version: int | None) -> None:
    assert _parse(header) == version


@pytest.mark.parametrize("header", ['"1000000000000000000"', '"-1"', '"1.0"', '"²"', '"١"'])
def test_the_boundaries_that_are_refused(header: str) -> None:
    with pytest.raises(DomainError) as refused:
        _parse(header)
    assert refused.value.code == "invalid_input"
