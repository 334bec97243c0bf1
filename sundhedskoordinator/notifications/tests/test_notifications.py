"""People are told when there is news: an inbox entry and an e-mail after commit, with no health
data and no CPR number in it."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_each_step_tells_the_right_people_without_health_data(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.users["koordinator"].email = "karen@region.invalid"
    world.users["koordinator"].save()
    world.users["borger"].email = "bente@borger.invalid"
    world.users["borger"].save()
    with django_capture_on_commit_callbacks(execute=True):
        case = walk_case_to(
            new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
            Status.DECIDED,
            cast=world.cast,
            meeting=world.meeting,
        )
    kinds = {(n.user.username, n.kind) for n in Notification.objects.select_related("user")}
    # The coordinator hears of the case when it is sent, never before (DESIGN section 2).
    assert ("koordinator", "scheduled") not in kinds and ("koordinator", "case_sent") in kinds
    assert ("borger", "scheduled") in kinds and ("borger", "advice") in kinds
    assert ("borger", "decision") in kinds and ("sagsbehandler", "advice") in kinds
    to = [m.to[0] for m in mailoutbox]
    assert to.count("bente@borger.invalid") == 3  # scheduled, advice, decision
    assert to.count("karen@region.invalid") == 1  # sent, with the invitation
    to_coordinator = next(m for m in mailoutbox if m.to == ["karen@region.invalid"])
    assert to_coordinator.attachments[0][0] == "invitation.ics"
    invitation = next(m for m in mailoutbox if m.attachments)
    assert invitation.attachments[0][0] == "invitation.ics"
    for message in mailoutbox:
        text = message.subject + message.body
        assert case.reference in text
        assert "1203851234" not in text and "120385" not in text
        assert "ryg" not in text.lower() and "løft" not in text.lower()


def test_nothing_is_mailed_when_the_action_is_refused(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    world.users["koordinator"].email = "karen@region.invalid"
    world.users["koordinator"].save()
    from sundhedskoordinator.cases import services
    from sundhedskoordinator.core.errors import DomainError

    with (
        django_capture_on_commit_callbacks(execute=True),
        clock.frozen(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)),
        pytest.raises(DomainError),
    ):
        services.schedule_case(
            actor=world.users["sekretariat"],
            case_id=case.pk,
            meeting_id=world.meeting.pk,
            coordinator_id=world.users["koordinator"].pk,
        )  # no late reason
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_the_inbox_shows_news_and_marks_it_read(client, world):
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(world.users["borger"])
    assert "Beskeder (1)" in client.get(reverse("web:start")).content.decode()
    page = client.get(reverse("web:inbox")).content.decode()
    assert "Der er sat tid på en samtale" in page
    assert "Beskeder (1)" not in client.get(reverse("web:start")).content.decode()


def test_citizens_and_staff_get_their_own_text_linking_to_the_sites_address(
    world, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://sundhedskoordinator.example.dk/"
    world.users["koordinator"].email = "karen@region.invalid"
    world.users["koordinator"].save()
    world.users["borger"].email = "bente@borger.invalid"
    world.users["borger"].save()
    with django_capture_on_commit_callbacks(execute=True):
        case = walk_case_to(
            new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
            Status.SENT,
            cast=world.cast,
            meeting=world.meeting,
        )
    link = f"https://sundhedskoordinator.example.dk/sager/{case.pk}/"
    to_citizen = next(m for m in mailoutbox if m.to == ["bente@borger.invalid"])
    to_coordinator = next(m for m in mailoutbox if m.to == ["karen@region.invalid"])
    assert "din sag" in to_citizen.body and "dit helbred" in to_citizen.body
    assert "dit helbred" not in to_coordinator.body and "din sag" not in to_coordinator.body
    assert "Åbn sagen: " + link in to_coordinator.body
    assert link in to_citizen.body and "127.0.0.1" not in to_citizen.body + to_coordinator.body
