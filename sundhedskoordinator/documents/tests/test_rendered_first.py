"""``letters.rendered_first``: a step's letters are rendered with no transaction open, each once
when nothing changes, and a step whose letters never settle is refused instead of running on."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
import weasyprint
from django.db import connection, transaction

from sundhedskoordinator.core.errors import ConflictError
from sundhedskoordinator.documents import letters

pytestmark = pytest.mark.django_db(transaction=True)


def _letter(reference: str) -> letters.GuidanceLetter:
    return letters.GuidanceLetter(
        head=letters.Letterhead(
            sender="Odense Kommune", reference=reference, issued_on=dt.date(2026, 12, 2)
        ),
        citizen_name="Mette Sørensen",
        municipality="Odense Kommune",
        given_by="Sara Holm",
    )


@pytest.fixture
def renderings(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each real rendering: whether a transaction was open at it."""
    seen: list[bool] = []
    write_pdf = weasyprint.HTML.write_pdf

    def watched(html: weasyprint.HTML, *args: Any, **kwargs: Any) -> Any:
        seen.append(connection.in_atomic_block)
        return write_pdf(html, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", watched)
    return seen


def test_a_step_gets_each_letter_rendered_once_outside_its_transaction(
    renderings: list[bool],
) -> None:
    runs: list[int] = []

    @letters.rendered_first
    def step() -> list[bytes]:
        runs.append(1)
        with transaction.atomic(durable=True):
            return [
                letters.guidance_letter(_letter("V-1")),
                letters.guidance_letter(_letter("V-2")),
            ]

    first, second = step()
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF") and first != second
    assert renderings == [False, False]  # two letters, each once, neither in a transaction
    assert len(runs) == 3  # asked for the first, then the second, then found both


def test_a_step_whose_letter_changes_every_run_is_refused(
    renderings: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters, "RENDERINGS_OF_A_STEP", 4)
    numbers = itertools.count(1)

    @letters.rendered_first
    def step() -> bytes:
        with transaction.atomic(durable=True):
            # Like a reference made from an id a rolled-back run does not give back.
            return letters.guidance_letter(_letter(f"V-{next(numbers)}"))

    with pytest.raises(ConflictError) as refused:
        step()
    assert refused.value.code == "stale_version"
    assert renderings == [False] * 4


def test_a_letter_outside_any_step_is_rendered_where_it_is_asked_for(
    renderings: list[bool],
) -> None:
    with transaction.atomic(durable=True):
        assert letters.guidance_letter(_letter("V-9")).startswith(b"%PDF")
    assert renderings == [True]
