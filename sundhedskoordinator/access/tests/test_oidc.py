"""OpenID Connect log-in against a real (local, fake) provider over HTTP: staff by username,
citizens (MitID through NemLog-in) by the CPR claim, nobody else."""

from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from django.urls import reverse

from tests.oidc_provider import FakeProvider

pytestmark = pytest.mark.django_db


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def provider(settings):
    fake = FakeProvider("sundhedskoordinator", "hemmelig-klient-nogle").start()
    for name, value in fake.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "sundhedskoordinator.access.oidc.OIDCBackend",
    ]
    yield fake
    fake.stop()


def _log_in(client, provider, claims):
    provider.claims = claims
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.url + "/authorize?")
    try:  # the browser's visit to the provider, which answers with a redirect back
        build_opener(_NoRedirect).open(start["Location"])
        raise AssertionError("the provider did not redirect")
    except HTTPError as redirect:
        back = redirect.headers["Location"]
    assert back.startswith("http://testserver/oidc/callback/")
    return client.get(back.removeprefix("http://testserver"))


def test_staff_log_in_through_their_identity_broker(client, provider, demo_users):
    response = _log_in(client, provider, {"sub": "a1", "preferred_username": "sagsbehandler"})
    assert response.status_code == 302
    assert client.get(reverse("web:start")).status_code == 200
    assert client.session["_auth_user_id"] == str(demo_users["sagsbehandler"].pk)


def test_a_citizen_logs_in_with_mitid_and_gets_an_account_once(client, provider, world):
    world.citizen.user = None
    world.citizen.save()
    claims = {"sub": "mitid-1", "dk:gov:saml:attribute:CprNumberIdentifier": "1203851234"}
    _log_in(client, provider, claims)
    world.citizen.refresh_from_db()
    assert world.citizen.user is not None
    assert client.session["_auth_user_id"] == str(world.citizen.user.pk)
    assert world.citizen.user.memberships.get().role == "citizen"
    assert not world.citizen.user.has_usable_password()
    first = world.citizen.user.pk
    client.logout()
    _log_in(client, provider, claims)
    world.citizen.refresh_from_db()
    assert world.citizen.user.pk == first


def test_unknown_people_are_not_logged_in(client, provider, demo_users):
    from sundhedskoordinator.organisations.models import User

    users = User.objects.count()
    _log_in(client, provider, {"sub": "x", "preferred_username": "fremmed"})
    assert "_auth_user_id" not in client.session
    _log_in(
        client, provider, {"sub": "y", "dk:gov:saml:attribute:CprNumberIdentifier": "0101901234"}
    )
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users


def test_oidc_routes_do_not_exist_without_configuration(client, db):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert "MitID" not in client.get(reverse("web:login")).content.decode()


def test_the_login_page_offers_oidc_when_configured(client, provider):
    assert "Log ind med MitID" in client.get(reverse("web:login")).content.decode()
