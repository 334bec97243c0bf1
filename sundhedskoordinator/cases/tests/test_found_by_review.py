"""What an independent attack on the case list, the case page's edit form and the citizen
register found, each held by a test."""

import pytest
from django.urls import reverse

from sundhedskoordinator.cases.models import Case, HealthConcern
from sundhedskoordinator.cases.walk import SAMPLE_OFFER, new_case
from sundhedskoordinator.citizens.models import Citizen

pytestmark = pytest.mark.django_db


def test_a_cpr_number_in_other_scripts_digits_is_not_a_new_person(client, world):
    client.force_login(world.users["sagsbehandler"])
    page = client.post(
        reverse("citizens:create"), {"cpr": "١٢٠٣٨٥١٢٣٤", "name": "Mette igen"}
    ).content.decode()
    assert "CPR-nummeret skal have 10 cifre" in page
    assert Citizen.objects.count() == 1


@pytest.mark.parametrize("written", ["120385–1234", "120385.1234", "120385/1234", "120385 1234"])
def test_a_cpr_number_with_any_separator_is_searched_by_its_hash(client, world, written):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    response = client.post(reverse("cases:list"), {"q": written})
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and "120385-XXXX" in page
    assert written not in page and "1203851234" not in str(dict(client.session))


def test_the_api_refuses_a_cpr_number_with_an_en_dash_and_says_so_in_danish(world, api):
    refused = api("sagsbehandler").get("/cases", q="120385–1234")
    assert refused.status_code == 400
    message = refused.json()["error"]["fields"]["q"]
    assert message.startswith("Søg ikke efter CPR-numre") and "120385" not in message


def test_the_search_redirect_copies_nothing_typed_into_the_address(client, world):
    client.force_login(world.users["sagsbehandler"])
    response = client.post(reverse("cases:list") + "?q=120385-1234&antal=50", {"q": "x"})
    assert response["Location"] == "/sager/?antal=50"


@pytest.mark.parametrize("odd", ["²", "9" * 5000])
def test_odd_numbers_in_the_address_or_the_form_are_no_500(client, world, odd):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    assert client.get(reverse("cases:create") + f"?borger={odd}").status_code == 200
    response = client.post(reverse("cases:submit", args=[case.pk]), {"version": odd})
    assert response.status_code in (200, 302)


def test_reloading_a_refused_action_leads_back_to_the_case(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    response = client.get(reverse("cases:submit", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_someone_who_may_not_edit_gets_a_message_not_a_form(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["jobformidler"])
    data = {"version": case.version, "edit-kind": SAMPLE_OFFER["kind"], "edit-content": "Nyt"}
    response = client.post(reverse("cases:edit", args=[case.pk]), data, follow=True)
    page = response.content.decode()
    assert "Ret tilbuddet og borgerens beskrivelse" not in page
    assert 'class="alert alert-error"' in page or "alert-error" in page
    assert Case.objects.get(pk=case.pk).offer.content == SAMPLE_OFFER["content"]


def test_a_description_written_by_mistake_can_be_cleared(client, world):
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    offer = {f"edit-{k}": v for k, v in {**SAMPLE_OFFER, "start_date": ""}.items()}
    client.post(
        reverse("cases:edit", args=[case.pk]),
        {"version": case.version, **offer, "edit-health_concern": "  "},
    )
    assert not HealthConcern.objects.filter(case=case).exists()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Jeg har kroniske smerter" not in page


def test_only_those_who_open_cases_get_the_new_case_form(client, world):
    for username in ("sekretariat", "leder", "borger", "koordinator"):
        client.force_login(world.users[username])
        assert client.get(reverse("cases:create")).status_code == 404, username
