"""Caseworkers register citizens and their ressourceforløb on the pages (not only in the admin),
and open a case from the citizen's page."""

import datetime as dt

import pytest
from django.urls import reverse

from sundhedskoordinator.citizens.models import Citizen, ResourceCourse

pytestmark = pytest.mark.django_db
CREATE = reverse("citizens:create")


def test_a_caseworker_registers_a_citizen_with_her_resource_course(client, world):
    client.force_login(world.users["sagsbehandler"])
    assert "Registrér borger" in client.get(reverse("citizens:list")).content.decode()
    response = client.post(
        CREATE,
        {"cpr": "010190-1234", "name": "Ole Olsen", "email": "", "course_start": "2026-10-01"},
        follow=True,
    )
    page = response.content.decode()
    assert "Ole Olsen er registreret." in page
    citizen = Citizen.objects.get(name="Ole Olsen")
    assert citizen.municipality.code == "461" and citizen.cpr_masked == "010190-XXXX"
    assert "0101901234" not in page and "010190-1234" not in page
    assert ResourceCourse.objects.get(citizen=citizen).start_date == dt.date(2026, 10, 1)
    assert f'href="/sager/ny/?borger={citizen.pk}"' in page  # open a case from here


def test_an_invalid_or_repeated_cpr_number_is_refused_in_danish(client, world):
    client.force_login(world.users["sagsbehandler"])
    bad = client.post(CREATE, {"cpr": "321390-1234", "name": "X"}).content.decode()
    assert "CPR-nummeret skal have 10 cifre" in bad and "321390" not in bad.split("<form")[0]
    again = client.post(CREATE, {"cpr": "1203851234", "name": "Mette igen"}).content.decode()
    assert "Borgeren er allerede registreret." in again
    assert Citizen.objects.count() == 1


def test_the_secretariat_registers_no_citizens(client, world):
    client.force_login(world.users["sekretariat"])
    assert client.get(CREATE).status_code == 404
    assert "Registrér borger" not in client.get(reverse("citizens:list")).content.decode()


def test_a_resource_course_is_recorded_and_ended_on_the_citizens_page(client, world):
    citizen = world.citizen
    page_url = reverse("citizens:detail", args=[citizen.pk])
    course = citizen.resource_courses.get()
    client.force_login(world.users["sagsbehandler"])
    # The active course (from 1 March) is ended on 30 November.
    refused = client.post(
        reverse("citizens:course-end", args=[citizen.pk, course.pk]), {"end-end_date": "2026-02-01"}
    )
    assert "Slutdatoen kan ikke ligge før startdatoen." in refused.content.decode()
    client.post(
        reverse("citizens:course-end", args=[citizen.pk, course.pk]), {"end-end_date": "2026-11-30"}
    )
    course.refresh_from_db()
    assert course.end_date == dt.date(2026, 11, 30)
    # On 1 December she is in no course: the page offers to record a new one.
    from sundhedskoordinator.core import clock

    with clock.frozen(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        client.force_login(world.users["sagsbehandler"])
        assert "Registrér et ressourceforløb" in client.get(page_url).content.decode()
        client.post(
            reverse("citizens:course-add", args=[citizen.pk]),
            {"course-start_date": "2026-12-01", "course-end_date": ""},
        )
    assert citizen.resource_courses.filter(start_date=dt.date(2026, 12, 1)).exists()


def test_the_new_case_form_has_the_citizen_chosen_from_her_page(client, world):
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:create") + f"?borger={world.citizen.pk}").content.decode()
    assert f'<option value="{world.citizen.pk}" selected>' in page


@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [
        ("2026-01-01", "2026-02-28", False),  # ends the day before the course of 1 March
        ("2026-01-01", "2026-03-01", True),  # ends on its first day
        ("2026-12-01", "", True),  # the course of 1 March has no end
    ],
)
def test_a_course_may_not_overlap_another(world, start, end, overlaps):
    from sundhedskoordinator.citizens import services
    from sundhedskoordinator.core.errors import DomainError

    def add():
        services.add_resource_course(
            actor=world.users["sagsbehandler"],
            citizen=world.citizen,
            start_date=dt.date.fromisoformat(start),
            end_date=dt.date.fromisoformat(end) if end else None,
        )

    if overlaps:
        with pytest.raises(DomainError):
            add()
        assert world.citizen.resource_courses.count() == 1
    else:
        add()
        assert world.citizen.resource_courses.count() == 2


def test_the_date_fields_are_filled_in_the_form_a_date_input_reads(client, world):
    """A browser's date input shows a value only as YYYY-MM-DD: today's guidance date and the
    end date arrive filled in (Monday 23 November 2026)."""
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("citizens:detail", args=[world.citizen.pk])).content.decode()
    assert 'value="2026-11-23"' in page


def _options(page: str) -> list[str]:
    """The citizens the new-case form offers (the empty choice left out)."""
    import re

    select = re.search(r'<select name="citizen".*?</select>', page, re.S)
    return re.findall(r'<option value="(\d+)"', select.group(0)) if select else []


def test_the_new_case_form_lists_the_citizens_up_to_its_limit(client, world, monkeypatch):
    from sundhedskoordinator.cases import views

    seen = Citizen.objects.filter(municipality=world.citizen.municipality).count()
    monkeypatch.setattr(views, "LISTED_CITIZENS", seen)
    client.force_login(world.users["sagsbehandler"])
    page = client.get(reverse("cases:create")).content.decode()
    assert len(_options(page)) == seen


def test_a_caseworker_who_sees_more_citizens_finds_the_citizen_in_the_register_first(
    client, world, monkeypatch
):
    from sundhedskoordinator.cases import views
    from sundhedskoordinator.cases.models import Case
    from sundhedskoordinator.cases.walk import SAMPLE_OFFER
    from sundhedskoordinator.citizens.cpr import protect_cpr
    from sundhedskoordinator.organisations.models import Municipality

    seen = Citizen.objects.filter(municipality=world.citizen.municipality).count()
    monkeypatch.setattr(views, "LISTED_CITIZENS", seen - 1)
    client.force_login(world.users["sagsbehandler"])
    create = reverse("cases:create")
    page = client.get(create).content.decode()
    assert _options(page) == [] and 'name="citizen"' not in page
    assert f'action="{reverse("citizens:list")}"' in page and 'name="q"' in page
    # From the citizen's page: the form offers her alone, chosen.
    page = client.get(f"{create}?borger={world.citizen.pk}").content.decode()
    assert _options(page) == [str(world.citizen.pk)]
    assert f'<option value="{world.citizen.pk}" selected>' in page
    offer = {k: v for k, v in SAMPLE_OFFER.items() if v is not None}
    response = client.post(
        f"{create}?borger={world.citizen.pk}", {"citizen": world.citizen.pk, **offer}
    )
    assert response.status_code == 302
    assert Case.objects.filter(citizen=world.citizen).count() == 1
    # A citizen of another municipality is not offered, and nothing is written.
    other = Citizen.objects.create(
        name="Ida Holm",
        municipality=Municipality.objects.exclude(pk=world.citizen.municipality_id).first(),
        **protect_cpr("0101901234"),
    )
    response = client.post(f"{create}?borger={other.pk}", {"citizen": other.pk, **offer})
    assert response.status_code == 200 and 'name="citizen"' not in response.content.decode()
    assert not Case.objects.filter(citizen=other).exists()
