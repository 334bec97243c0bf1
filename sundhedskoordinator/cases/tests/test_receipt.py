"""The citizen's receipt after her request: when it was received, the case number, what happens
next and the next meeting the case can reach (one whose dispatch deadline has not passed). The
world's meeting is Tuesday 15 December 2026 with its deadline on Tuesday 1 December."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"], concern=None)


def _request(client, world, case):
    client.force_login(world.users["borger"])
    return client.post(
        reverse("cases:submit-citizen", args=[case.pk]),
        {"health_concern": "Jeg kan ikke løfte.", "version": case.version},
    )


def test_the_request_ends_on_a_receipt_that_says_what_happens_next(client, world, draft):
    response = _request(client, world, draft)
    assert response.status_code == 302
    assert response.url == reverse("cases:receipt", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "Vi har modtaget din anmodning" in page
    assert draft.reference in page and "23. november 2026" in page
    assert "Det næste mulige møde er 15. december 2026." in page
    assert reverse("cases:detail", args=[draft.pk]) in page


def test_a_meeting_past_its_deadline_is_not_promised(client, world, draft):
    with clock.frozen(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)):
        _request(client, world, draft)
        page = client.get(reverse("cases:receipt", args=[draft.pk])).content.decode()
    assert "Det næste mulige møde" not in page
    assert "Sagen sættes på et møde i rehabiliteringsteamet." in page


def test_the_deadline_day_itself_still_promises_the_meeting(client, world, draft):
    with clock.frozen(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        _request(client, world, draft)
        page = client.get(reverse("cases:receipt", args=[draft.pk])).content.decode()
    assert "Det næste mulige møde er 15. december 2026." in page


def test_only_the_citizen_gets_a_receipt_and_only_for_a_request(client, world, draft):
    client.force_login(world.users["borger"])
    receipt = reverse("cases:receipt", args=[draft.pk])
    assert client.get(receipt).url == reverse("cases:detail", args=[draft.pk])  # not requested
    _request(client, world, draft)
    client.force_login(world.users["sagsbehandler"])
    assert client.get(receipt).url == reverse("cases:detail", args=[draft.pk])
    client.force_login(world.users["sagsbehandler2"])
    assert client.get(receipt).status_code == 404
