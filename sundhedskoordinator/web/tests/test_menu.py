"""The main menu offers each demo user the pages their role works in (DESIGN section 2), and
nothing else. Written by hand per user; the menu is asked through a real page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

START, CASES, MY_CASES, CITIZENS, MEETINGS = "/", "/sager/", "/sager/", "/borgere/", "/moeder/"
OVERVIEW, STATISTICS, SETTLEMENT, RATES = (
    "/sager/overblik/",
    "/statistik/",
    "/afregning/",
    "/afregning/takster/",
)
MY_LOG, INBOX, ADMIN, MY_LETTERS = "/min-log/", "/beskeder/", "/admin/", "/breve/"

EXPECTED = {
    "sagsbehandler": [START, CASES, CITIZENS, MEETINGS, INBOX],
    "jobformidler": [START, CASES, CITIZENS, MEETINGS, INBOX],
    "sekretariat": [START, CASES, MEETINGS, OVERVIEW, INBOX],
    "koordinator": [START, CASES, MEETINGS, INBOX],
    "klinisk": [START, CASES, MEETINGS, OVERVIEW, STATISTICS, SETTLEMENT, RATES, INBOX],
    "leder": [START, CASES, MEETINGS, OVERVIEW, STATISTICS, SETTLEMENT, INBOX],
    "borger": [START, MY_CASES, MY_LETTERS, MY_LOG, INBOX],
    "admin": [START, INBOX, ADMIN],
}


def _menu(client: Client) -> list[str]:
    page = client.get("/").content.decode()
    nav = re.search(r'<nav class="app-menu"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, "the page has a main menu"
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_the_menu_offers_the_pages_of_the_users_role(
    client: Client, demo_users: dict[str, Any], username: str
) -> None:
    client.force_login(demo_users[username])
    assert _menu(client) == EXPECTED[username]


def test_the_menu_marks_the_one_page_it_is_on(client: Client, demo_users: dict[str, Any]) -> None:
    """On the rates page only "Takster" is current, not also "Afregning" (its address's start)."""
    client.force_login(demo_users["klinisk"])
    page = client.get(RATES).content.decode()
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page)
    assert current == [RATES]
    page = client.get(SETTLEMENT).content.decode()
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == [SETTLEMENT]
