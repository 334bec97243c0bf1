import pytest
from django.urls import reverse

from sundhedskoordinator.organisations.demo import USERS

pytestmark = pytest.mark.django_db


def test_login_page_is_danish_with_landmarks_skip_link_and_labels(client):
    response = client.get(reverse("web:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in html
    assert 'class="skipnav" href="#main-content"' in html
    assert '<main id="main-content"' in html
    assert "<header" in html and "<footer" in html
    assert '<label class="form-label" for="id_username">Brugernavn</label>' in html
    assert '<label class="form-label" for="id_password">Adgangskode</label>' in html


def test_browser_language_does_not_override_danish(client):
    response = client.get(reverse("web:login"), headers={"accept-language": "en-GB,en"})
    assert '<html lang="da">' in response.content.decode()


def test_language_switch_sets_a_cookie_and_the_next_page_is_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/log-ind/"})
    assert response.status_code == 302
    html = client.get(reverse("web:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_start_page_requires_login(client):
    response = client.get(reverse("web:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("spec", USERS, ids=lambda s: s.username)
def test_every_demo_user_logs_in_and_sees_their_role_and_organisation(client, demo_users, spec):
    response = client.post(
        reverse("web:login"), {"username": spec.username, "password": "demo"}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.wsgi_request.user.username == spec.username
    assert f"Velkommen, {spec.first_name} {spec.last_name}" in html
    assert str(spec.role.label) in html
    membership = demo_users[spec.username].memberships.get()
    if membership.organisation:
        assert membership.organisation.name in html


def test_admin_start_page_links_to_the_admin_site(client, demo_users):
    client.force_login(demo_users["admin"])
    assert reverse("admin:index") in client.get(reverse("web:start")).content.decode()
    client.force_login(demo_users["sagsbehandler"])
    assert reverse("admin:index") not in client.get(reverse("web:start")).content.decode()


def test_login_gives_a_new_session_key_and_logout_ends_the_session(client, demo_users):
    client.get(reverse("web:login"))
    client.cookies["sessionid"] = "made-up-before-login"
    client.post(reverse("web:login"), {"username": "borger", "password": "demo"})
    key = client.session.session_key
    assert key and key != "made-up-before-login"
    client.post(reverse("web:logout"))
    assert client.get(reverse("web:start")).status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_wrong_password_answers_in_danish_and_keeps_the_username(client, demo_users):
    response = client.post(reverse("web:login"), {"username": "borger", "password": "forkert"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Brugernavn eller adgangskode er forkert" in html
    assert 'value="borger"' in html


def test_pages_carry_a_nonce_based_content_security_policy(client):
    response = client.get(reverse("web:login"))
    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "'nonce-" in policy
    assert "unsafe-inline" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_start_page_is_not_cached(client, demo_users):
    client.force_login(demo_users["sagsbehandler"])
    assert "no-store" in client.get(reverse("web:start"))["Cache-Control"]


def test_health_live_answers_json(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_ready_checks_database_and_migrations(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok", "scanner": "ok"},
    }


def test_health_ready_answers_503_when_the_scanner_does_not_answer(client, settings, tmp_path):
    # Uploads are refused without the scanner, so the instance must not take traffic.
    settings.CLAMAV_SOCKET = str(tmp_path / "no-daemon-here.sock")
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "storage": "ok",
            "scanner": "unreachable",
        },
    }


def test_health_ready_answers_503_when_the_file_storage_cannot_be_written(
    client, settings, tmp_path
):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked / "files")},
        },
    }
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "storage": "unreachable",
        "scanner": "ok",
    }


@pytest.mark.django_db(transaction=True)
def test_health_ready_answers_503_when_migrations_are_pending(client):
    from django.core.management import call_command

    call_command("migrate", "organisations", "zero", verbosity=0)
    try:
        response = client.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert response.json()["checks"]["migrations"].endswith("pending")
    finally:
        call_command("migrate", verbosity=0)


def test_the_citizen_sees_who_has_read_their_data(client, world, api):
    from sundhedskoordinator.cases.choices import Status
    from sundhedskoordinator.cases.walk import new_case, walk_case_to

    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    api("koordinator").get(f"/cases/{case.pk}")
    api("sagsbehandler2").get(f"/cases/{case.pk}")
    client.force_login(world.users["borger"])
    start = client.get(reverse("web:start")).content.decode()
    assert reverse("web:my-access-log") in start
    html = client.get(reverse("web:my-access-log")).content.decode()
    assert "Hvem har set mine oplysninger?" in html
    assert "Karen Lund" in html and "Region Syddanmark" in html
    assert "Søren Vestergaard" in html and "Afvist" in html
    assert case.reference in html
    client.force_login(world.users["borger2"])
    assert "Karen Lund" not in client.get(reverse("web:my-access-log")).content.decode()


def test_the_citizens_log_leaves_out_her_own_reads_unless_she_asks(client, world):
    """Her own reads of her case are noise in 'Hvem har set mine oplysninger?'; the caseworker's
    read is what she looks for. A link shows her own too."""
    from sundhedskoordinator.cases.walk import new_case

    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    client.force_login(world.users["sagsbehandler"])
    client.get(reverse("cases:detail", args=[case.pk]))
    client.force_login(world.users["borger"])
    client.get(reverse("cases:detail", args=[case.pk]))
    page = client.get(reverse("web:my-access-log")).content.decode()
    assert "Sara Holm" in page and "Bente Nielsen</td>" not in page
    everything = client.get(reverse("web:my-access-log") + "?mine=1").content.decode()
    assert "Sara Holm" in everything and "Bente Nielsen</td>" in everything
