"""The pages of letters: the citizen's own letters, the case's deliveries for its caseworker,
a failed letter sent again from the start page, and the paper batch for the print service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.post.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(world, settings, tmp_path):
    settings.DIGITAL_POST_OUTBOX = tmp_path
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )


def test_the_citizen_finds_her_letters_and_opens_them(client, world, scheduled):
    client.force_login(world.users["borger"])
    page = client.get(reverse("post:inbox")).content.decode()
    summons = scheduled.deliveries.get(kind="summons", channel="inbox")
    assert "Indkaldelse til samtale med sundhedskoordinator, 15.12.2026" in page
    assert reverse("post:letter", args=[summons.pk]) in page
    response = client.get(reverse("post:letter", args=[summons.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    start = client.get(reverse("web:start")).content.decode()
    assert "Dine nyeste breve" in start and reverse("post:inbox") in start


def test_another_citizen_sees_none_of_them(client, world, scheduled):
    client.force_login(world.users["borger2"])
    page = client.get(reverse("post:inbox")).content.decode()
    assert "Du har ingen breve endnu" in page
    summons = scheduled.deliveries.get(kind="summons", channel="inbox")
    assert client.get(reverse("post:letter", args=[summons.pk])).status_code == 404


def test_the_caseworker_sees_how_each_letter_went_out_on_the_case(client, world, scheduled):
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[scheduled.pk])).content.decode()
    assert "Breve til borgeren" in page
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    assert str(summons.message_uuid) in page
    assert "Digital Post" in page and "I kø" in page
    # The secretariat sees the case, but its letters are the caseworker's.
    client.force_login(world.users["sekretariat"])
    page = client.get(reverse("cases:detail", args=[scheduled.pk])).content.decode()
    assert "Breve til borgeren" not in page


def test_a_failed_letter_is_on_the_start_page_and_is_sent_again_from_it(client, world, scheduled):
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    Delivery.objects.filter(pk=summons.pk).update(state="failed", failure="Modtageren afviste")
    client.force_login(world.users["sagsbehandler"])
    start = client.get(reverse("web:start")).content.decode()
    assert "Breve, der ikke nåede frem til borgeren" in start
    action = reverse("post:send-again", args=[summons.pk])
    assert action in start
    response = client.post(action, follow=True)
    assert "Brevet er sendt igen" in response.content.decode()
    summons.refresh_from_db()
    assert summons.state in {"queued", "sent"}
    # Sent again once more, it is refused in Danish, and nothing changes.
    response = client.post(action, follow=True)
    assert "Kun et brev, der ikke kom frem, kan sendes igen." in response.content.decode()
    client.force_login(world.users["sagsbehandler2"])
    assert "Brevet er sendt igen" not in client.post(action, follow=True).content.decode()


def test_the_paper_batch_is_fetched_as_one_pdf_by_the_municipality(client, world, settings):
    settings.DIGITAL_POST_OUTBOX = settings.DATA_DIR / "outbox-test"
    world.citizen.digital_post_exempt = True
    world.citizen.save()
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    client.force_login(world.users["sagsbehandler"])
    start = client.get(reverse("web:start")).content.decode()
    assert "venter på print" in start
    page = client.get(reverse("post:print")).content.decode()
    assert "Odense Kommune" in page and "Hent PDF til print" in page
    response = client.post(reverse("post:print"), {"municipality": case.municipality_id})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not case.deliveries.filter(channel="paper", state="queued").exists()
    again = client.post(reverse("post:print"), {"municipality": case.municipality_id}, follow=True)
    assert "Der er ingen breve, der venter på print." in again.content.decode()
    bad = client.post(reverse("post:print"), {"municipality": "x"}, follow=True)
    assert bad.status_code == 200
    # The secretariat registers no citizens: no print page.
    client.force_login(world.users["sekretariat"])
    assert client.get(reverse("post:print")).status_code == 404


def test_the_caseworker_records_an_exemption_and_the_next_letter_goes_on_paper(client, world):
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("citizens:detail", args=[world.citizen.pk])).content.decode()
    assert "Breve sendes med Digital Post." in page
    action = reverse("citizens:digital-post", args=[world.citizen.pk])
    answer = client.post(action, {"post-digital_post_exempt": "on"}, follow=True)
    assert "Borgerens breve sendes nu med posten." in answer.content.decode()
    world.citizen.refresh_from_db()
    assert world.citizen.digital_post_exempt
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    assert set(case.deliveries.values_list("channel", flat=True)) == {"paper", "inbox"}
    # Back to Digital Post; the secretariat may not change it.
    client.post(action, {"post-digital_post_exempt": ""})
    world.citizen.refresh_from_db()
    assert not world.citizen.digital_post_exempt
    client.force_login(world.users["sekretariat"])
    client.post(action, {"post-digital_post_exempt": "on"})
    world.citizen.refresh_from_db()
    assert not world.citizen.digital_post_exempt


def test_the_api_registers_a_citizen_exempt_from_digital_post(api, world):
    answer = api("sagsbehandler").post(
        "/citizens",
        {"cpr": "0101901234", "name": "Ole Hansen", "digital_post_exempt": True},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["digital_post_exempt"] is True


def test_her_letters_are_listed_once_each_also_those_sent_before_she_logged_in(
    client, world, settings, tmp_path
):
    settings.DIGITAL_POST_OUTBOX = tmp_path
    world.citizen.user = None
    world.citizen.save()
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    world.citizen.user = world.users["borger"]
    world.citizen.save()
    # The guidance of the world fixture had her log-in (Digital Post and in-app copy); the
    # summons came only by Digital Post.
    client.force_login(world.users["borger"])
    page = client.get(reverse("post:inbox")).content.decode()
    summons = case.deliveries.get(kind="summons")
    assert summons.channel == "digital_post"
    assert page.count(f'href="{reverse("post:letter", args=[summons.pk])}"') == 1
    assert page.count("Vejledning om retten til en sundhedskoordinator (PDF)") == 1
    letter = client.get(reverse("post:letter", args=[summons.pk]))
    assert 'filename="indkaldelse-' in letter["Content-Disposition"]
    calendar = client.get(reverse("post:calendar", args=[summons.pk]))
    assert calendar.status_code == 200
    assert calendar.content.startswith(b"BEGIN:VCALENDAR")
    client.force_login(world.users["sagsbehandler2"])
    assert client.get(reverse("post:calendar", args=[summons.pk])).status_code == 404


def test_a_letter_digital_post_did_not_take_is_sent_on_paper_instead(client, world, scheduled):
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    Delivery.objects.filter(pk=summons.pk).update(state="failed", failure="HTTP 400")
    action = reverse("post:send-by-post", args=[summons.pk])
    # Nobody off the case: as if the letter did not exist.
    client.force_login(world.users["jobformidler"])
    assert client.post(action).status_code == 404
    client.force_login(world.users["sagsbehandler"])
    start = client.get(reverse("web:start")).content.decode()
    assert action in start
    answer = client.post(action, follow=True).content.decode()
    assert "Brevet venter nu på print" in answer
    summons.refresh_from_db()
    paper = summons.replaced_by
    assert (paper.channel, paper.state, paper.kind) == ("paper", "queued", "summons")
    assert paper.document_sha256 == summons.document_sha256
    assert summons.state == "failed"  # its own record stays as it was
    start = client.get(reverse("web:start")).content.decode()
    assert "Breve, der ikke nåede frem til borgeren" not in start
    assert "venter på print" in start
    again = client.post(action, follow=True).content.decode()
    assert "Kun et brev, der ikke kom frem, kan sendes med posten i stedet." in again
    case_page = client.get(reverse("cases:detail", args=[scheduled.pk])).content.decode()
    assert "Sendt med posten i stedet." in case_page
