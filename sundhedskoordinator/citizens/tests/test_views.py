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
