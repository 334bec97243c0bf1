"""Every change the administrator makes to users, roles and memberships is written to the
append-only admin log, in the same transaction, and never with a password or a CPR number."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from sundhedskoordinator.audit.models import AdminAction, AdminLogEntry
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, RoleMembership, User
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

#: The backend that keeps a forced log-in's session (the others only refuse or count).
PASSWORD_BACKEND = "sundhedskoordinator.web.auth.PasswordBackend"

PASSWORD = "Hemmelig-kode-17"  # noqa: S105 - a test password that must never reach the log


@pytest.fixture
def admin_client(client: Any, world: Any) -> Any:
    client.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    return client


def _url(name: str, *args: Any) -> str:
    return reverse(f"admin:{name}", args=args)


def _entries(**filters: Any) -> list[AdminLogEntry]:
    return list(AdminLogEntry.objects.filter(**filters).order_by("id"))


def _assert_no_secret(entry: AdminLogEntry, *secrets: str) -> None:
    text = json.dumps(entry.changes, ensure_ascii=False) + entry.object_repr
    for secret in secrets:
        assert secret not in text


def test_adding_a_user_is_logged_without_the_password(admin_client: Any, world: Any) -> None:
    data = form_data(admin_client.get(_url("organisations_user_add")))
    data.update({"username": "ny", "password1": PASSWORD, "password2": PASSWORD})
    admin_client.post(_url("organisations_user_add"), data)
    user = User.objects.get(username="ny")
    # The administrator never chooses a password for someone else (DESIGN section 2).
    assert not user.has_usable_password()
    [entry] = _entries(object_type="organisations.user", object_id=str(user.pk))
    assert entry.action == AdminAction.ADDED
    assert entry.actor == world.users["admin"]
    assert entry.changes["username"] == [None, "ny"]
    _assert_no_secret(entry, PASSWORD, user.password)


def test_changing_a_user_is_logged_with_the_old_and_new_values(
    admin_client: Any, world: Any
) -> None:
    user = world.users["leder"]
    data = form_data(admin_client.get(_url("organisations_user_change", user.pk)))
    data.update({"last_name": "Dahl-Hansen", "is_staff": "on"})
    admin_client.post(_url("organisations_user_change", user.pk), data)
    [entry] = _entries(object_type="organisations.user", object_id=str(user.pk))
    assert entry.action == AdminAction.CHANGED
    assert entry.changes == {"last_name": ["Dahl", "Dahl-Hansen"], "is_staff": [False, True]}


def test_setting_his_own_password_is_logged_without_the_password(
    admin_client: Any, world: Any
) -> None:
    user = world.users["admin"]
    admin_client.post(
        _url("auth_user_password_change", user.pk),
        {"usable_password": "true", "password1": PASSWORD, "password2": PASSWORD},
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    [entry] = _entries(object_type="organisations.user", object_id=str(user.pk))
    assert entry.action == AdminAction.CHANGED
    assert list(entry.changes) == ["password"]
    _assert_no_secret(entry, PASSWORD, user.password)


def test_the_administrator_sets_no_password_for_a_caseworker(admin_client: Any, world: Any) -> None:
    """A password he chose would let him log in as her and read health data under her name."""
    user = world.users["sagsbehandler"]
    before = user.password
    page = admin_client.get(_url("auth_user_password_change", user.pk))
    assert page.status_code == 403
    response = admin_client.post(
        _url("auth_user_password_change", user.pk),
        {"usable_password": "true", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.password == before
    assert _entries(object_type="organisations.user", object_id=str(user.pk)) == []


def test_a_role_given_and_taken_on_the_users_page_is_logged(admin_client: Any, world: Any) -> None:
    user = User.objects.create_user(username="ny")
    odense = Municipality.objects.get(code="461")
    data = form_data(admin_client.get(_url("organisations_user_change", user.pk)))
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(user.pk),
            "memberships-0-role": Role.CASEWORKER,
            "memberships-0-municipality": str(odense.pk),
        }
    )
    admin_client.post(_url("organisations_user_change", user.pk), data)
    membership = RoleMembership.objects.get(user=user)
    [granted] = _entries(object_type="organisations.rolemembership")
    assert granted.action == AdminAction.ADDED
    assert granted.object_id == str(membership.pk)
    assert granted.changes["role"] == [None, Role.CASEWORKER]
    assert granted.changes["municipality"] == [None, "Odense Kommune"]

    data = form_data(admin_client.get(_url("organisations_user_change", user.pk)))
    data["memberships-0-DELETE"] = "on"
    admin_client.post(_url("organisations_user_change", user.pk), data)
    assert not RoleMembership.objects.filter(user=user).exists()
    revoked = _entries(object_type="organisations.rolemembership")[-1]
    assert revoked.action == AdminAction.ROLE_REVOKED
    assert revoked.changes["role"] == [Role.CASEWORKER, None]


def test_revoking_a_role_is_logged(admin_client: Any, world: Any) -> None:
    membership = RoleMembership.objects.get(user=world.users["leder"])
    admin_client.post(_url("organisations_rolemembership_delete", membership.pk), {"post": "yes"})
    assert not RoleMembership.objects.filter(pk=membership.pk).exists()
    [entry] = _entries(object_type="organisations.rolemembership")
    assert entry.action == AdminAction.ROLE_REVOKED
    assert entry.object_id == str(membership.pk)
    assert entry.changes["user"] == [str(world.users["leder"]), None]


def test_revoking_roles_from_the_list_is_logged(admin_client: Any, world: Any) -> None:
    memberships = RoleMembership.objects.filter(user__username__in=["leder", "klinisk"])
    selected = [str(pk) for pk in memberships.values_list("pk", flat=True)]
    admin_client.post(
        _url("organisations_rolemembership_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert not RoleMembership.objects.filter(pk__in=selected).exists()
    entries = _entries(object_type="organisations.rolemembership")
    assert sorted(e.object_id for e in entries) == sorted(selected)
    assert {e.action for e in entries} == {AdminAction.ROLE_REVOKED}


def test_changing_a_role_is_logged(admin_client: Any, world: Any) -> None:
    membership = RoleMembership.objects.get(user=world.users["leder"])
    data = form_data(admin_client.get(_url("organisations_rolemembership_change", membership.pk)))
    data["role"] = Role.CASEWORKER
    admin_client.post(_url("organisations_rolemembership_change", membership.pk), data)
    [entry] = _entries(object_type="organisations.rolemembership")
    assert entry.action == AdminAction.CHANGED
    assert entry.changes == {"role": [Role.MANAGER, Role.CASEWORKER]}


def test_deactivating_a_user_is_logged(admin_client: Any, world: Any) -> None:
    """Users are deactivated, never deleted, in the admin (test_admin_delete_pages)."""
    user = world.users["jobformidler"]
    url = _url("organisations_user_change", user.pk)
    data = form_data(admin_client.get(url))
    data.pop("is_active", None)
    admin_client.post(url, data)
    assert not User.objects.get(pk=user.pk).is_active
    [entry] = _entries(object_type="organisations.user", object_id=str(user.pk))
    assert entry.action == AdminAction.CHANGED
    assert entry.changes == {"is_active": [True, False]}


def test_a_change_to_a_citizen_is_logged_without_the_cpr(admin_client: Any, world: Any) -> None:
    citizen = world.citizen
    data = form_data(admin_client.get(_url("citizens_citizen_change", citizen.pk)))
    data["email"] = "mette@example.invalid"
    admin_client.post(_url("citizens_citizen_change", citizen.pk), data)
    [entry] = _entries(object_type="citizens.citizen")
    assert entry.changes == {"email": ["", "mette@example.invalid"]}
    _assert_no_secret(entry, "1203851234", "120385", citizen.cpr_encrypted)


def test_the_change_and_its_log_entry_are_one_transaction(
    admin_client: Any, world: Any, monkeypatch: Any
) -> None:
    """When the log entry cannot be written, the change is not made either."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("the admin log is unavailable")

    monkeypatch.setattr(AdminLogEntry.objects, "create", refuse)
    user = world.users["leder"]
    data = form_data(admin_client.get(_url("organisations_user_change", user.pk)))
    data["last_name"] = "Ændret"
    with pytest.raises(DatabaseError):
        admin_client.post(_url("organisations_user_change", user.pk), data)
    user.refresh_from_db()
    assert user.last_name == "Dahl"
    membership = RoleMembership.objects.get(user=user)
    with pytest.raises(DatabaseError):
        admin_client.post(
            _url("organisations_rolemembership_delete", membership.pk), {"post": "yes"}
        )
    assert RoleMembership.objects.filter(pk=membership.pk).exists()


def test_the_database_refuses_to_change_or_delete_admin_log_entries(
    admin_client: Any, world: Any
) -> None:
    membership = RoleMembership.objects.get(user=world.users["leder"])
    admin_client.post(_url("organisations_rolemembership_delete", membership.pk), {"post": "yes"})
    entry = AdminLogEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AdminLogEntry.objects.filter(pk=entry.pk).update(object_repr="skjult")
    with pytest.raises(DatabaseError), transaction.atomic():
        AdminLogEntry.objects.filter(pk=entry.pk).delete()
    assert AdminLogEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


def test_the_admin_log_is_shown_read_only_in_the_admin(admin_client: Any, world: Any) -> None:
    membership = RoleMembership.objects.get(user=world.users["leder"])
    admin_client.post(_url("organisations_rolemembership_delete", membership.pk), {"post": "yes"})
    entry = AdminLogEntry.objects.get()
    assert admin_client.get(_url("audit_adminlogentry_changelist")).status_code == 200
    page = admin_client.get(_url("audit_adminlogentry_change", entry.pk))
    assert page.status_code == 200
    assert 'name="object_repr"' not in page.content.decode()
    assert admin_client.get(_url("audit_adminlogentry_add")).status_code == 403
    assert admin_client.get(_url("audit_adminlogentry_delete", entry.pk)).status_code == 403


def test_a_change_to_a_collaboration_agreement_is_logged(admin_client: Any, world: Any) -> None:
    from sundhedskoordinator.meetings.models import CollaborationAgreement

    agreement, _ = CollaborationAgreement.objects.get_or_create(
        region=world.team.municipality.region
    )
    data = form_data(admin_client.get(_url("meetings_collaborationagreement_change", agreement.pk)))
    data["dispatch_working_days"] = "8"
    admin_client.post(_url("meetings_collaborationagreement_change", agreement.pk), data)
    [entry] = _entries(object_type="meetings.collaborationagreement")
    assert entry.changes == {"dispatch_working_days": [10, 8]}
