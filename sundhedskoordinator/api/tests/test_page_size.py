"""List pages (DESIGN section 6: ``page`` and ``page_size``, default 25, at most 100), on the
limits and on both sides, over 101 citizens: the world's one and 100 more."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import World
from sundhedskoordinator.citizens import services as citizen_services

pytestmark = pytest.mark.django_db

TOTAL = 101


@pytest.fixture
def citizens(world: World) -> None:
    for i in range(TOTAL - 1):
        citizen_services.create_citizen(
            actor=world.users["sagsbehandler"],
            cpr=f"{i % 28 + 1:02d}{i // 28 + 1:02d}70{1000 + i:04d}",
            name=f"Borger {i:03d}",
            municipality=world.team.municipality,
            course_start=dt.date(2026, 1, 1),
        )


def _page(api: Any, **params: Any) -> Any:
    return api("sagsbehandler").get("/citizens", **params)


@pytest.mark.parametrize(("page_size", "items"), [(1, 1), (99, 99), (100, 100)])
def test_a_page_size_from_1_to_100_gives_that_many(citizens, api, page_size, items) -> None:
    answer = _page(api, page_size=page_size)
    assert answer.status_code == 200
    assert answer.json()["count"] == TOTAL
    assert len(answer.json()["items"]) == items


@pytest.mark.parametrize("page_size", [0, 101, 1000])
def test_a_page_size_below_1_or_over_100_is_refused(citizens, api, page_size) -> None:
    answer = _page(api, page_size=page_size)
    # Input that is not a valid request at all is a 400 (DESIGN section 6); 422 is for guards.
    assert answer.status_code == 400
    assert "page_size" in str(answer.json()["error"])


def test_without_a_page_size_a_page_holds_25(citizens, api) -> None:
    assert len(_page(api).json()["items"]) == 25
    assert len(_page(api, page=5).json()["items"]) == 1  # 4 × 25 = 100, then the 101st


def test_the_second_page_of_100_holds_the_last_one_and_the_third_none(citizens, api) -> None:
    first = {c["id"] for c in _page(api, page_size=100).json()["items"]}
    second = _page(api, page_size=100, page=2).json()["items"]
    assert len(second) == 1 and second[0]["id"] not in first
    assert _page(api, page_size=100, page=3).json()["items"] == []
