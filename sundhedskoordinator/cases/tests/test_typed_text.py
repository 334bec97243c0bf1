"""Property-based: text people type (Danish letters, emoji, right-to-left marks and text, HTML)
is stored exactly as typed and always escaped on the pages that show it: the case page and the
case list. The dispatched package's PDF holds the typed text too (read back with pypdf)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import World, local
from sundhedskoordinator.cases.choices import DocumentKind, Status
from sundhedskoordinator.cases.models import Case
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.meetings import services as meeting_services

PIECES = [
    *"abcæøåÆØÅ 019,.:'\"<>&/=+-@",
    "😀",
    "👩🏽‍⚕️",
    "\u200f",  # a right-to-left mark
    "\u202e",  # right-to-left override
    "שלום",
    "مرحبا",
    "<script>alert(1)</script>",
    "&amp;",
    "{{ x }}",
]

#: One line of typed text, as a form keeps it (no surrounding spaces, not empty).
TYPED = (
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=12)
    .map(lambda pieces: "".join(pieces).strip())
    .filter(bool)
)

#: The PDF's fonts hold Latin letters, æøå and the signs of HTML; emoji and right-to-left text
#: are drawn by fallback fonts whose extracted text pypdf does not give back in order.
TYPED_FOR_PDF = (
    st.lists(st.sampled_from([*"abcæøåÆØÅ 019,.:'\"<>&/=+-@", "<b>fed</b>", "&amp;"]), max_size=12)
    .map(lambda pieces: "".join(pieces).strip())
    .filter(bool)
)

SLOW = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: Tuesdays after the world's own meeting, one meeting each for the package tests.
TUESDAYS = (dt.date(2026, 12, 22) + dt.timedelta(weeks=n) for n in itertools.count())
CPRS = (f"0101{90 + n // 10000:02d}{n % 10000:04d}" for n in itertools.count(1))


def _shown(page: str, typed: str) -> None:
    """The typed text is on the page, escaped, and its markup never as markup."""
    assert escape(typed) in page
    if "<script>" in typed:
        assert "<script>alert(1)" not in page


@given(name=TYPED, provider=TYPED)
@example(name="<script>alert(1)</script> Ærø", provider='"><img src=x onerror=alert(1)>')
@SLOW
def test_typed_text_is_stored_as_typed_and_escaped_on_the_case_page_and_list(
    client: Any, world: World, name: str, provider: str
) -> None:
    caseworker = world.users["sagsbehandler"]
    citizen = citizen_services.create_citizen(
        actor=caseworker, cpr=next(CPRS), name=name, municipality=world.team.municipality
    )
    case = new_case(
        citizen=citizen, caseworker=caseworker, offer={**SAMPLE_OFFER, "provider": provider}
    )
    stored = Case.objects.select_related("citizen", "offer").get(pk=case.pk)
    assert (stored.citizen.name, stored.offer.provider) == (name, provider)

    client.force_login(caseworker)
    detail = client.get(reverse("cases:detail", args=[case.pk]))
    assert detail.status_code == 200
    _shown(detail.content.decode(), name)
    _shown(detail.content.decode(), provider)
    listed = client.get(reverse("cases:list"), {"q": case.reference})
    assert listed.status_code == 200
    _shown(listed.content.decode(), name)


def _package_text(case: Case) -> str:
    document = case.documents.filter(kind=DocumentKind.CASE_PACKAGE).latest("pk")
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@given(provider=TYPED_FOR_PDF)
@example(provider="<b>fed</b> & Søn ApS, Ærøskøbing")
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_typed_text_is_in_the_package_pdf_as_typed(world: World, provider: str) -> None:
    case = new_case(
        citizen=world.citizen,
        caseworker=world.users["sagsbehandler"],
        offer={**SAMPLE_OFFER, "provider": provider},
    )
    day = next(TUESDAYS)
    meeting = meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(day, 9),
        ends_at=local(day, 12),
    )
    case = walk_case_to(case, Status.SENT, cast=world.cast, meeting=meeting)
    assert " ".join(provider.split()) in _package_text(case)
