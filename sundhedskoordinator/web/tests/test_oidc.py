"""OpenID Connect log-in against a real (local, fake) provider over HTTP: staff bound to the
provider's issuer and subject at their first log-in, citizens (MitID through NemLog-in) by the CPR
claim, nobody else; PKCE on every log-in; a two-factor log-in counts as the second factor."""

from urllib.error import HTTPError
from urllib.parse import parse_qs, urlparse
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from django.test import Client
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
        "sundhedskoordinator.web.oidc.OIDCBackend",
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


def _user_id(client):
    return client.session.get("_auth_user_id")


def test_every_log_in_proves_its_origin_with_pkce(client, provider):
    start = client.get(reverse("oidc_authentication_init"))
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43


def test_staff_stay_bound_to_the_issuer_and_subject_of_their_first_log_in(
    client, provider, demo_users
):
    from sundhedskoordinator.access.models import OIDCIdentity

    sagsbehandler = str(demo_users["sagsbehandler"].pk)
    _log_in(client, provider, {"sub": "a1", "preferred_username": "sagsbehandler"})
    assert _user_id(client) == sagsbehandler
    identity = OIDCIdentity.objects.get()
    assert (identity.issuer, identity.subject) == (provider.url, "a1")
    # Someone else whom the broker later gives the same user name is not the same person.
    other = Client()
    _log_in(other, provider, {"sub": "b2", "preferred_username": "sagsbehandler"})
    assert _user_id(other) is None
    # The subject stays when the broker renames the user.
    client.logout()
    _log_in(client, provider, {"sub": "a1", "preferred_username": "s.behandler"})
    assert _user_id(client) == sagsbehandler


def test_an_id_token_from_another_issuer_logs_nobody_in(client, provider, demo_users, settings):
    settings.OIDC_OP_ISSUER = "https://broker.example.invalid"
    _log_in(client, provider, {"sub": "a1", "preferred_username": "sagsbehandler"})
    assert _user_id(client) is None


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "z1", "preferred_username": "admin"},
        {"sub": "z2", "email": "admin@demo.invalid", "email_verified": True},
    ],
)
def test_the_administrator_is_never_matched_by_name_or_email(client, provider, demo_users, claims):
    _log_in(client, provider, claims)
    assert _user_id(client) is None


def test_an_email_address_matches_only_when_the_provider_verified_it(client, provider, demo_users):
    email = "koordinator@demo.invalid"
    for verified in ({}, {"email_verified": False}, {"email_verified": "false"}):
        _log_in(client, provider, {"sub": "c3", "email": email, **verified})
        assert _user_id(client) is None
    _log_in(client, provider, {"sub": "c3", "email": email, "email_verified": True})
    assert _user_id(client) == str(demo_users["koordinator"].pk)


def test_a_refusal_answers_alike_whether_the_account_exists_or_not(provider, demo_users):
    bound = Client()
    _log_in(bound, provider, {"sub": "a1", "preferred_username": "sagsbehandler"})
    answers = set()
    for claims in (
        {"sub": "n1", "preferred_username": "fremmed"},  # does not exist
        {"sub": "n2", "preferred_username": "admin"},  # exists, never by name
        {"sub": "n3", "preferred_username": "sagsbehandler"},  # exists, bound to another
        {"sub": "n4", "email": "koordinator@demo.invalid"},  # exists, e-mail unverified
        {"sub": "n5", "dk:gov:saml:attribute:CprNumberIdentifier": "0101901234"},
    ):
        response = _log_in(Client(), provider, claims)
        answers.add((response.status_code, response["Location"], response.content))
    assert len(answers) == 1


def test_a_two_factor_log_in_counts_as_the_second_factor(provider, demo_users, settings):
    settings.OTP_REQUIRED = True
    start = reverse("web:start")
    for claims in ({"amr": ["pwd", "otp"]}, {"amr": ["mfa"]}):
        browser = Client()
        _log_in(browser, provider, {"sub": "a1", "preferred_username": "sagsbehandler", **claims})
        assert browser.get(start).status_code == 200
    one_factor = Client()
    _log_in(one_factor, provider, {"sub": "a1", "amr": ["pwd"]})
    assert one_factor.get(start)["Location"].startswith(reverse("web:second-factor"))


def test_mitid_at_substantial_assurance_counts_as_the_second_factor(provider, world, settings):
    settings.OTP_REQUIRED = True
    claims = {"sub": "mitid-1", "dk:gov:saml:attribute:CprNumberIdentifier": "1203851234"}
    substantial = Client()
    _log_in(
        substantial,
        provider,
        {**claims, "acr": "https://data.gov.dk/concept/core/nsis/loa/Substantial"},
    )
    assert substantial.get(reverse("web:my-access-log")).status_code == 200
    low = Client()
    _log_in(low, provider, {**claims, "acr": "https://data.gov.dk/concept/core/nsis/loa/Low"})
    assert low.get(reverse("web:my-access-log")).status_code == 302
