"""What an independent walk of the pages found, each held by a test: guidance dated in the
future, a kept or "other" offer that is not what it says, forms' addresses opened with GET, the
register and the guidance form shown to those who cannot use them, and the refusal's reason
chosen when the ressourceforløb has ended. The clock stands at 23 November 2026."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Outcome, Status
from sundhedskoordinator.cases.models import Decision
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.citizens.models import Guidance, ResourceCourse
from sundhedskoordinator.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def unguided(world):
    citizen = citizen_services.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0102031234",
        name="Camilla Berg",
        municipality=world.team.municipality,
        course_start=dt.date(2026, 3, 1),
    )
    return new_case(citizen=citizen, caseworker=world.users["sagsbehandler"])


@pytest.mark.parametrize(
    ("day", "accepted"), [(dt.date(2026, 11, 24), False), (dt.date(2026, 11, 23), True)]
)
def test_guidance_cannot_be_dated_in_the_future(world, unguided, day, accepted):
    record = lambda: citizen_services.record_guidance(  # noqa: E731
        actor=world.users["sagsbehandler"], citizen=unguided.citizen, given_on=day, channel="letter"
    )
    if accepted:
        record()
        return
    with pytest.raises(DomainError) as refused:
        record()
    assert "given_on" in refused.value.fields
    assert not Guidance.objects.filter(citizen=unguided.citizen).exists()


def test_guidance_dated_after_today_does_not_lift_the_case_warning(client, world, unguided):
    # Written straight to the table, as an older record might be: only what is dated today or
    # before counts as given.
    Guidance.objects.create(
        citizen=unguided.citizen,
        given_on=dt.date(2027, 6, 1),
        channel="letter",
        given_by=world.users["sagsbehandler"],
    )
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[unguided.pk])).content.decode()
    assert "Borgeren mangler skriftlig vejledning" in page


def _advised(world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, Status.ADVISED, cast=world.cast, meeting=world.meeting)


def test_another_offer_that_is_the_same_offer_is_refused(world):
    case = _advised(world)
    same = {k: getattr(case.offer, k) for k in SAMPLE_OFFER}
    with pytest.raises(DomainError) as refused:
        services.decide_case(
            actor=world.users["sagsbehandler"],
            case_id=case.pk,
            outcome=Outcome.OTHER_OFFER,
            text="Nyt tilbud.",
            offer={**same, "start_date": None},
        )
    assert "offer" in refused.value.fields
    assert "det samme som det nuværende" in refused.value.fields["offer"]
    assert not Decision.objects.exists()


def test_a_kept_offer_with_changed_fields_on_the_page_is_refused_not_dropped(client, world):
    case = _advised(world)
    client.force_login(world.users["sagsbehandler"])
    form = {
        "version": case.version,
        "decision-outcome": "unchanged",
        "decision-text": "Tilbuddet fortsætter.",
        **{f"decision-{k}": v for k, v in SAMPLE_OFFER.items() if v is not None},
        "decision-demands": "Ændret, men fastholdt?",
        "preview": "1",
    }
    page = client.post(reverse("cases:decide", args=[case.pk]), form).content.decode()
    assert "Et tilbud, der fastholdes, ændres ikke." in page
    assert "Sådan lyder brevet til borgeren" not in page


@pytest.mark.parametrize(
    ("path", "back"),
    [
        ("cases:decide", "cases:detail"),
        ("cases:guidance", "cases:detail"),
        ("cases:schedule", "cases:detail"),
    ],
)
def test_a_forms_address_opened_with_get_leads_back_to_the_case(client, world, path, back):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    response = client.get(reverse(path, args=[case.pk]))
    assert response.status_code == 302 and response.url == reverse(back, args=[case.pk])


def test_a_course_forms_address_opened_with_get_leads_back_to_the_citizen(client, world):
    course = ResourceCourse.objects.get(citizen=world.citizen)
    client.force_login(world.users["sagsbehandler"])
    detail = reverse("citizens:detail", args=[world.citizen.pk])
    end = reverse("citizens:course-end", args=[world.citizen.pk, course.pk])
    assert client.get(end).url == detail
    assert client.get(reverse("citizens:course-add", args=[world.citizen.pk])).url == detail


def test_the_register_is_only_for_the_municipalitys_staff(client, world):
    for username in ("borger", "koordinator"):
        client.force_login(world.users[username])
        assert client.get(reverse("citizens:list")).status_code == 404, username
    client.force_login(world.users["sekretariat"])
    assert client.get(reverse("citizens:list")).status_code == 200
    page = client.get(reverse("citizens:detail", args=[world.citizen.pk])).content.decode()
    assert "Registrér vejledning" not in page  # theirs to read, not to record


def test_refusing_after_the_course_ended_starts_on_that_reason(client, world):
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.READY,
        cast=world.cast,
    )
    ResourceCourse.objects.filter(citizen=world.citizen).update(end_date=dt.date(2026, 11, 22))
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert '<option value="not_in_resource_course" selected>' in page
