# ruff: noqa: F811  (the provider fixture is shared with test_oidc.py by import)
"""No single administrator can hand himself a colleague's account through the identity provider
(DESIGN section 2: the administrator "can never make himself a case's participant"). The provider
binds a person to an account by its username or verified e-mail at the first log-in; when an
administrator creates an account or changes either, a second administrator must confirm before
anyone is bound. Reproduces the re-attack: the admin renames a caseworker to his own provider
name, or makes a new account with his own address, and logs in through the provider."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sundhedskoordinator.audit.models import AdminLogEntry
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.organisations.services import grant_role
from sundhedskoordinator.web.tests.test_oidc import _log_in, _user_id, provider  # noqa: F401
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

PASSWORD_BACKEND = "sundhedskoordinator.web.auth.PasswordBackend"


def _admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client


@pytest.fixture
def second_admin(demo_users: dict[str, User]) -> User:
    user = User.objects.create_user(
        username="admin2", first_name="Anne", last_name="Anden", is_staff=True, is_superuser=True
    )
    grant_role(user=user, role=Role.ADMIN)
    return user


def _rename(admin_client: Client, user: User, **fields: str) -> None:
    url = reverse("admin:organisations_user_change", args=[user.pk])
    data = form_data(admin_client.get(url))
    data.update(fields)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:500]


def _approve(admin_client: Client, user: User) -> Any:
    return admin_client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "approve_identity", "_selected_action": [str(user.pk)]},
        follow=True,
    )


def test_a_renamed_account_is_not_bound_to_the_renaming_administrators_login(
    client, provider, demo_users
):
    caseworker = demo_users["sagsbehandler"]
    admin = _admin_client(demo_users["admin"])
    _rename(admin, caseworker, username="anders.admin")
    _log_in(client, provider, {"sub": "idp-anders", "preferred_username": "anders.admin"})
    assert _user_id(client) is None
    # He cannot confirm his own change either.
    page = _approve(admin, caseworker)
    assert "en anden administrator" in page.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.identity_approved_by is None
    _log_in(client, provider, {"sub": "idp-anders", "preferred_username": "anders.admin"})
    assert _user_id(client) is None


def test_a_second_administrator_confirms_and_the_person_logs_in(
    client, provider, demo_users, second_admin
):
    caseworker = demo_users["sagsbehandler"]
    _rename(_admin_client(demo_users["admin"]), caseworker, username="sara.holm")
    _approve(_admin_client(second_admin), caseworker)
    caseworker.refresh_from_db()
    assert caseworker.identity_set_by == demo_users["admin"]
    assert caseworker.identity_approved_by == second_admin
    entry = AdminLogEntry.objects.filter(object_id=str(caseworker.pk)).order_by("-id").first()
    assert entry is not None and "identity_approved_by" in entry.changes
    _log_in(client, provider, {"sub": "idp-sara", "preferred_username": "sara.holm"})
    assert _user_id(client) == str(caseworker.pk)


def test_a_new_account_with_the_administrators_address_waits_for_a_second(
    client, provider, demo_users, second_admin
):
    admin = _admin_client(demo_users["admin"])
    add = reverse("admin:organisations_user_add")
    data = form_data(admin.get(add))
    data.update({"username": "jens.b", "email": "anders@odense.example"})
    assert admin.post(add, data).status_code == 302
    puppet = User.objects.get(username="jens.b")
    assert puppet.identity_set_by == demo_users["admin"]
    claims = {"sub": "idp-anders-2", "email": "anders@odense.example", "email_verified": True}
    _log_in(client, provider, claims)
    assert _user_id(client) is None
    _approve(_admin_client(second_admin), puppet)
    _log_in(client, provider, claims)
    assert _user_id(client) == str(puppet.pk)


def test_a_changed_name_needs_confirming_again(client, provider, demo_users, second_admin):
    caseworker = demo_users["sagsbehandler"]
    first, second = _admin_client(demo_users["admin"]), _admin_client(second_admin)
    _rename(first, caseworker, username="sara.holm")
    _approve(second, caseworker)
    _rename(first, caseworker, email="anders@odense.example")
    caseworker.refresh_from_db()
    assert caseworker.identity_approved_by is None
    _log_in(client, provider, {"sub": "idp-x", "preferred_username": "sara.holm"})
    assert _user_id(client) is None


def test_accounts_no_administrator_touched_log_in_as_before(client, provider, demo_users):
    _log_in(client, provider, {"sub": "idp-k", "preferred_username": "koordinator"})
    assert _user_id(client) == str(demo_users["koordinator"].pk)
