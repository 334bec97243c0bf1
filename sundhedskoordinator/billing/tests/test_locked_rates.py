"""A rate that reaches back into an approved, locked settlement: it asks for confirmation and
shows the correction lines it will cause; the lines land once, in the first open period; who
confirmed it is kept; amounts read as Danish kroner."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import World, local
from sundhedskoordinator.billing.choices import LineKind
from sundhedskoordinator.billing.models import Rate
from sundhedskoordinator.billing.selectors import settlement_of
from sundhedskoordinator.billing.services import (
    CONFIRMATION_REQUIRED,
    approve_settlement,
    draft_settlement,
    rate_corrections,
    set_rate,
)
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.core.money import kroner

pytestmark = pytest.mark.django_db

FEB_10, FEB_17 = dt.date(2026, 2, 10), dt.date(2026, 2, 17)
FEBRUARY = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
NOTE = "Rettelse: tidligere afregnet 2.150,00 kr., skal nu være 2.250,00 kr."


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("2150", "2.150,00 kr."),
        ("2250.00", "2.250,00 kr."),
        ("1234567.5", "1.234.567,50 kr."),
        ("0.5", "0,50 kr."),
        ("-100", "-100,00 kr."),
        ("999.99", "999,99 kr."),
        ("1000", "1.000,00 kr."),
    ],
)
def test_amounts_read_as_danish_kroner(amount: str, text: str) -> None:
    assert kroner(Decimal(amount)) == text


def _rate(world: World, amount: str, valid_from: dt.date, **kwargs: Any) -> Rate:
    return set_rate(
        actor=world.users["klinisk"],
        region_id=world.team.municipality.region_id,
        amount=Decimal(amount),
        valid_from=valid_from,
        bills_cancelled_after_dispatch=False,
        **kwargs,
    )


@pytest.fixture
def locked_february(world: World, treat: Any) -> dict[str, Any]:
    with clock.frozen(local(dt.date(2025, 12, 1), 10)):
        _rate(world, "2150.00", dt.date(2026, 1, 1))
    cases = [treat(FEB_10).case, treat(FEB_17).case]
    with clock.frozen(local(dt.date(2026, 3, 2), 10)):
        february = approve_settlement(
            actor=world.users["klinisk"],
            municipality_id=world.team.municipality_id,
            period_start=FEBRUARY[0],
            period_end=FEBRUARY[1],
        )
    assert february.total == Decimal("4300.00")
    return {"cases": cases, "february": february}


@pytest.mark.parametrize(
    ("valid_from", "asks"), [(dt.date(2026, 2, 28), True), (dt.date(2026, 3, 1), False)]
)
def test_only_a_rate_reaching_the_locked_period_asks_for_confirmation(
    world: World, locked_february: Any, valid_from: dt.date, asks: bool
) -> None:
    with clock.frozen(local(dt.date(2026, 3, 3), 10)):
        if asks:
            with pytest.raises(DomainError) as asked:
                _rate(world, "2250.00", valid_from)
            assert asked.value.code == CONFIRMATION_REQUIRED
            assert "confirm_locked_period" in asked.value.fields
            assert Rate.objects.count() == 1
        else:
            saved = _rate(world, "2250.00", valid_from)
            assert (saved.reaches_locked_until, saved.confirmed_by) == (None, None)


def test_the_preview_shows_the_lines_and_the_confirmed_rate_makes_them_once(
    world: World, locked_february: Any
) -> None:
    first, second = locked_february["cases"]
    moment = local(dt.date(2026, 3, 3), 10)
    with clock.frozen(moment):
        preview = rate_corrections(
            actor=world.users["klinisk"],
            region_id=world.team.municipality.region_id,
            amount=Decimal("2250.00"),
            valid_from=dt.date(2026, 2, 1),
            bills_cancelled_after_dispatch=False,
        )
        # Two cases billed 2.150,00 in February now cost 2.250,00: +100,00 each, in March.
        assert [(p.reference, p.amount, p.note, p.period_start) for p in preview] == [
            (first.reference, Decimal("100.00"), NOTE, MARCH[0]),
            (second.reference, Decimal("100.00"), NOTE, MARCH[0]),
        ]
        assert {p.municipality for p in preview} == {"Odense Kommune"}
        assert Rate.objects.count() == 1  # the preview keeps nothing
        rate = _rate(world, "2250.00", dt.date(2026, 2, 1), confirm_locked_period=True)
    assert rate.reaches_locked_until == FEBRUARY[1]
    assert rate.confirmed_by == world.users["klinisk"]
    assert rate.confirmed_at == moment
    municipality = world.team.municipality
    march = draft_settlement(municipality, *MARCH)
    corrections = [line for line in march.lines if line.kind == LineKind.CORRECTION]
    assert sorted((line.case_id, line.amount) for line in corrections) == sorted(
        [(first.pk, Decimal("100.00")), (second.pk, Decimal("100.00"))]
    )
    assert {line.note for line in corrections} == {NOTE}
    assert march.corrections_from is None
    # Not again in a later draft while March is open: it says where they are settled.
    april = draft_settlement(municipality, *APRIL)
    assert [line for line in april.lines if line.kind == LineKind.CORRECTION] == []
    assert april.corrections_from == MARCH[0]
    # Once March is approved with them, nothing is left to correct.
    with clock.frozen(local(dt.date(2026, 4, 1), 10)):
        approved = approve_settlement(
            actor=world.users["klinisk"],
            municipality_id=municipality.pk,
            period_start=MARCH[0],
            period_end=MARCH[1],
        )
    assert approved.total == Decimal("200.00")
    # Read back as stored, line for line as drafted: case, kind, basis, day, rate, amount, note.
    stored = settlement_of(
        user=world.users["klinisk"],
        municipality=municipality,
        period_start=MARCH[0],
        period_end=MARCH[1],
    )
    assert stored.is_locked
    assert sorted(stored.lines, key=lambda line: line.case_id) == sorted(
        march.lines, key=lambda line: line.case_id
    )
    april = draft_settlement(municipality, *APRIL)
    assert april.lines == []
    assert april.corrections_from is None


def test_the_api_asks_shows_and_keeps_who_confirmed(
    world: World, locked_february: Any, api: Any
) -> None:
    body = {
        "region": world.team.municipality.region_id,
        "amount": "2250.00",
        "valid_from": "2026-02-01",
    }
    klinisk = api("klinisk")
    with clock.frozen(local(dt.date(2026, 3, 3), 10)):
        asked = klinisk.post("/rates", body)
        assert asked.status_code == 422
        assert asked.json()["error"]["code"] == "confirmation_required"
        assert "confirm_locked_period" in asked.json()["error"]["fields"]
        preview = klinisk.post("/rates/preview", body)
        assert preview.status_code == 200
        assert [line["amount"] for line in preview.json()] == ["100.00", "100.00"]
        assert preview.json()[0]["note"] == NOTE
        assert api("leder").post("/rates/preview", body).status_code in (403, 404)
        saved = klinisk.post("/rates", {**body, "confirm_locked_period": True})
    assert saved.status_code == 201, saved.content
    assert saved.json()["confirmed_by"] == world.users["klinisk"].pk
    assert saved.json()["reaches_locked_until"] == "2026-02-28"


def test_the_rates_page_shows_the_corrections_before_it_saves(
    world: World, locked_february: Any
) -> None:
    client = Client()
    client.force_login(world.users["klinisk"])
    form = {
        "region": world.team.municipality.region_id,
        "amount": "2.250,00",
        "valid_from": "2026-02-01",
        "bills_cancelled_after_dispatch": "no",
        "note": "",
    }
    with clock.frozen(local(dt.date(2026, 3, 3), 10)):
        page = client.post("/afregning/takster/", form).content.decode()
        assert "Taksten rækker ind i en godkendt afregning" in page
        assert NOTE in page
        assert "Bekræft og gem takst" in page
        assert "2 rettelser, i alt 200,00 kr." in page
        assert Rate.objects.count() == 1
        preview = re.search(r'name="preview" value="([^"]+)"', page).group(1)
        # Without the tick: asked again, with the reason at the tick.
        unticked = client.post("/afregning/takster/", {**form, "preview": preview})
        assert "Sæt kryds for at bekræfte rettelserne" in unticked.content.decode()
        # Ticked, but the amount changed after the corrections were shown: shown again.
        changed = client.post(
            "/afregning/takster/",
            {**form, "amount": "9.999,00", "preview": preview, "confirm_locked_period": "on"},
        ).content.decode()
        assert "Du har ændret taksten" in changed
        assert "7.849,00" in changed  # 9.999,00 − 2.150,00 for each case
        assert Rate.objects.count() == 1
        done = client.post(
            "/afregning/takster/",
            {**form, "preview": preview, "confirm_locked_period": "on"},
            follow=True,
        )
    assert "Den nye takst er gemt." in done.content.decode()
    saved = Rate.objects.get(confirmed_by=world.users["klinisk"])
    assert saved.amount == Decimal("2250.00")


def test_a_later_draft_says_where_the_corrections_are_settled(
    world: World, locked_february: Any, api: Any
) -> None:
    with clock.frozen(local(dt.date(2026, 5, 4), 10)):
        _rate(world, "2250.00", dt.date(2026, 2, 1), confirm_locked_period=True)
        client = Client()
        client.force_login(world.users["klinisk"])
        query = {
            "municipality": world.team.municipality_id,
            "date_from": "2026-04-01",
            "date_to": "2026-04-30",
        }
        page = client.get("/afregning/", query).content.decode()
        assert "kommer med i afregningen, der begynder 1. marts 2026" in page
        answer = api("klinisk").get(
            "/settlements",
            municipality=world.team.municipality_id,
            **{"from": "2026-04-01", "to": "2026-04-30"},
        )
        assert answer.json()["corrections_from"] == "2026-03-01"
        assert answer.json()["lines"] == []
