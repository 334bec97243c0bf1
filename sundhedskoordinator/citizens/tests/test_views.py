import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_citizens_without_written_guidance_are_listed_and_guidance_is_recorded(client, world):
    world.citizen.guidance.all().delete()
    client.force_login(world.users["sagsbehandler"])
    listed = client.get(reverse("citizens:list") + "?uden-vejledning=1").content.decode()
    assert "Mette Sørensen" in listed and "120385-XXXX" in listed and "1203851234" not in listed
    page = reverse("citizens:detail", args=[world.citizen.pk])
    refused = client.post(page, {"given_on": "", "channel": "letter"})
    assert "Dette felt er påkrævet." in refused.content.decode()
    client.post(page, {"given_on": "2026-11-23", "channel": "phone"})
    assert (
        "Mette Sørensen"
        in client.get(reverse("citizens:list") + "?uden-vejledning=1").content.decode()
    )  # oral only
    client.post(page, {"given_on": "2026-11-23", "channel": "letter", "note": "Brev sendt."})
    assert (
        "Mette Sørensen"
        not in client.get(reverse("citizens:list") + "?uden-vejledning=1").content.decode()
    )


def test_other_municipalities_do_not_see_the_citizen(client, world):
    client.force_login(world.users["sagsbehandler2"])
    assert client.get(reverse("citizens:detail", args=[world.citizen.pk])).status_code == 404


def test_a_citizen_who_moved_shows_the_new_municipality_only_its_own_cases(client, world):
    """Her Odense case stays Odense's when she moves to Copenhagen: Copenhagen's caseworker
    sees her page, but not the Odense case's reference (the policy's case scope)."""
    from sundhedskoordinator.cases.walk import new_case
    from sundhedskoordinator.organisations.models import Municipality

    odense_case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    page = reverse("citizens:detail", args=[world.citizen.pk])
    assert odense_case.reference in client.get(page).content.decode()
    world.citizen.municipality = Municipality.objects.get(code="101")
    world.citizen.save()
    client.force_login(world.users["sagsbehandler2"])
    response = client.get(page)
    assert response.status_code == 200 and "Mette Sørensen" in response.content.decode()
    assert odense_case.reference not in response.content.decode()
