"""The settlement and rate pages: what Klinisk Funktion and a manager see and may do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World, local
from sundhedskoordinator.billing.models import Rate, Settlement
from sundhedskoordinator.billing.services import set_rate
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db

FEB_10 = dt.date(2026, 2, 10)


def browser(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


@pytest.fixture
def february(world: World, treat: Any) -> dict[str, Any]:
    with clock.frozen(local(dt.date(2025, 12, 1), 10)):
        set_rate(
            actor=world.users["klinisk"],
            region_id=world.team.municipality.region_id,
            amount=Decimal("2150.00"),
            valid_from=dt.date(2026, 1, 1),
            bills_cancelled_after_dispatch=False,
        )
    case = treat(FEB_10).case
    return {
        "case": case,
        "query": {
            "municipality": world.team.municipality_id,
            "date_from": "2026-02-01",
            "date_to": "2026-02-28",
        },
    }


def test_klinisk_funktion_reviews_and_locks_a_settlement(world: World, february: Any) -> None:
    client = browser(world, "klinisk")
    page = client.get("/afregning/", february["query"])
    html = page.content.decode()
    assert page.status_code == 200
    assert february["case"].reference in html
    assert "2.150,00" in html
    assert "Godkend og lås afregningen" in html
    response = client.post(
        "/afregning/godkend/", {**february["query"], "expected_total": "2150.00"}, follow=True
    )
    assert "Afregningen er godkendt og låst." in response.content.decode()
    assert Settlement.objects.get().total == Decimal("2150.00")
    again = client.get("/afregning/", february["query"]).content.decode()
    assert "Godkendt og låst" in again
    assert "Godkend og lås afregningen" not in again


def test_a_manager_reads_and_exports_but_cannot_approve(world: World, february: Any) -> None:
    client = browser(world, "leder")
    html = client.get("/afregning/", february["query"]).content.decode()
    assert february["case"].reference in html
    assert "Godkend og lås afregningen" not in html
    response = client.post(
        "/afregning/godkend/", {**february["query"], "expected_total": "2150.00"}, follow=True
    )
    assert "Kun regionens Kliniske Funktion" in response.content.decode()
    assert not Settlement.objects.exists()
    export = client.get("/afregning/eksport.csv", february["query"])
    assert export.status_code == 200
    assert february["case"].reference in export.content.decode("utf-8-sig")
    assert client.get("/afregning/takster/").status_code == 404
    # ... and no link leads there (issue 17, point 5: no link a role may not open).
    assert "/afregning/takster/" not in html


def test_an_open_period_shows_why_it_cannot_be_approved_yet(world: World, february: Any) -> None:
    html = (
        browser(world, "klinisk")
        .get(
            "/afregning/",
            {**february["query"], "date_from": "2026-11-01", "date_to": "2026-11-30"},
        )
        .content.decode()
    )
    assert "Ingen sager at afregne i perioden." in html
    assert "Afregningen kan godkendes, når perioden er slut." in html
    assert "Godkend og lås afregningen" not in html


def test_a_bad_period_is_explained_in_danish(world: World, february: Any) -> None:
    html = (
        browser(world, "klinisk")
        .get("/afregning/", {**february["query"], "date_from": "2026-03-01"})
        .content.decode()
    )
    assert "Slutdatoen ligger før startdatoen." in html


def test_klinisk_funktion_sets_a_rate_in_danish_notation(world: World, february: Any) -> None:
    client = browser(world, "klinisk")
    form = {
        "region": world.team.municipality.region_id,
        "amount": "2.300,50",
        "valid_from": "2027-01-01",
        "bills_cancelled_after_dispatch": "yes",
    }
    response = client.post("/afregning/takster/", form, follow=True)
    assert "Den nye takst er gemt." in response.content.decode()
    newest = Rate.objects.order_by("-valid_from").first()
    assert newest is not None
    assert (newest.amount, newest.bills_cancelled_after_dispatch) == (Decimal("2300.50"), True)
    refused = client.post("/afregning/takster/", {**form, "valid_from": "2026-06-01"})
    assert "En ny takst skal gælde fra en dag efter den nyeste takst" in refused.content.decode()
    assert Rate.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("da", "2.150,50", "2150.50"),
        ("da", "2150,5", "2150.50"),
        ("da", "2 150,50 kr.", "2150.50"),
        ("en", "2,150.50", "2150.50"),
        ("en", "2150.5", "2150.50"),
        ("en", "2.5", "2.50"),
    ],
)
def test_amounts_are_read_as_written_in_the_language(
    language: str, typed: str, amount: str
) -> None:
    from django.utils import translation

    from sundhedskoordinator.core.forms import MoneyField

    with translation.override(language):
        assert MoneyField(decimal_places=2).clean(typed) == Decimal(amount)


def test_klinisk_funktions_start_page_lists_the_settlements_to_approve(client, world):
    """Issue 16, point 6: the clock stands at 23 November 2026, so October is the period; each
    municipality of Region Syddanmark is listed until its October settlement is approved."""
    from sundhedskoordinator.billing.services import approve_settlement
    from sundhedskoordinator.organisations.models import Municipality

    region = world.team.municipality.region
    names = sorted(Municipality.objects.filter(region=region).values_list("name", flat=True))
    client.force_login(world.users["klinisk"])
    page = client.get(reverse("web:start")).content.decode()
    assert "Afregninger, der venter på godkendelse" in page
    for name in names:
        assert name in page
    assert "date_from=2026-10-01&amp;date_to=2026-10-31" in page
    approve_settlement(
        actor=world.users["klinisk"],
        municipality_id=world.team.municipality_id,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
    )
    page = client.get(reverse("web:start")).content.decode()
    assert f"municipality={world.team.municipality_id}&amp;" not in page
    # Others see no such list.
    client.force_login(world.users["sekretariat"])
    assert "Afregninger, der venter" not in client.get(reverse("web:start")).content.decode()
