"""The coordinator's advice form (issue 16, point 6): a draft kept for its author alone, the
form starting from it (and a correction from the submitted text), the draft gone once the
advice is submitted. The world's meeting is Tuesday 15 December 2026 09:00; the walk holds the
conversation at the item's time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import World, local
from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AdviceDraft, Case
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db
AFTER = local(dt.date(2026, 12, 15), 9, 40)  # the conversation is over, the advice not written
DRAFT = "Praktikken kan gennemføres med korte pauser hver time (kladde)."


def _held(world: World) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, Status.HELD, cast=world.cast, meeting=world.meeting)


def test_a_draft_is_kept_for_its_author_alone_and_becomes_the_advice(
    client: Any, world: World
) -> None:
    case = _held(world)
    events, version = CaseEvent.objects.filter(case=case).count(), case.version
    with clock.frozen(AFTER):
        client.force_login(world.users["koordinator"])
        saved = client.post(
            reverse("cases:advice", args=[case.pk]),
            {"version": case.version, "advice-text": DRAFT, "draft": "1"},
        )
        assert saved.status_code == 302
        case.refresh_from_db()
        # Not an action of the case: state, version and events are as they were.
        assert (case.status, case.version) == (Status.HELD, version)
        assert CaseEvent.objects.filter(case=case).count() == events
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert DRAFT in page and "Din kladde er gemt" in page
        assert "data-since=" in page  # the live counter of minutes since the conversation

        client.force_login(world.users["sagsbehandler"])
        assert DRAFT not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()

        client.force_login(world.users["koordinator"])
        client.post(
            reverse("cases:advice", args=[case.pk]),
            {
                "version": case.version,
                "advice-text": DRAFT + " Afgivet.",
                "advice-accommodations": "",
            },
        )
    case.refresh_from_db()
    assert case.status == Status.ADVISED
    assert not AdviceDraft.objects.filter(case=case).exists()
    with clock.frozen(AFTER + dt.timedelta(minutes=20)):
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    # The correction starts from the submitted text.
    assert "Ret rådgivningen (ny version)" in page
    assert f"{DRAFT} Afgivet.</textarea>" in page


def test_only_the_items_coordinator_keeps_a_draft(world: World) -> None:
    case = _held(world)
    for username in ("sagsbehandler", "koordinator2", "sekretariat"):
        with clock.frozen(AFTER), pytest.raises(DomainError):
            services.save_advice_draft(actor=world.users[username], case_id=case.pk, text=DRAFT)
    assert not AdviceDraft.objects.exists()


def test_anonymisation_removes_drafts(world: World) -> None:
    case = _held(world)
    with clock.frozen(AFTER):
        services.save_advice_draft(actor=world.users["koordinator"], case_id=case.pk, text=DRAFT)
    assert AdviceDraft.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    services.withdraw_case(actor=world.users["sagsbehandler"], case_id=case.pk, reason="x")
    with clock.frozen(local(dt.date(2040, 1, 1), 10)):
        services.anonymise_case(case_id=case.pk)
    assert not AdviceDraft.objects.filter(case=case).exists()
