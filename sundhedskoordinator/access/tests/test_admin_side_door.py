"""The administrator manages users and organisations but has no side door into health data
(DESIGN section 2): he cannot make an account a citizen's, give the citizen role, give himself a
role, put anyone on a case, edit the CPR cipher text or an API token, or erase a log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse

from sundhedskoordinator.access.models import ApiToken
from sundhedskoordinator.api.tokens import issue_token
from sundhedskoordinator.citizens.models import Citizen
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, RoleMembership, User
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

#: The backend that keeps a forced log-in's session (the others only refuse or count).
PASSWORD_BACKEND = "sundhedskoordinator.web.auth.PasswordBackend"

#: The only admin forms in which the administrator picks a user: the role a user holds and the
#: user's own second-factor device.
USER_PICKERS = {"organisations.rolemembership", "otp_totp.totpdevice"}


@pytest.fixture
def admin_client(client: Any, world: Any) -> Any:
    client.force_login(world.users["admin"], backend=PASSWORD_BACKEND)
    return client


def _url(name: str, *args: Any) -> str:
    return reverse(f"admin:{name}", args=args)


def _new_staff_user() -> User:
    return User.objects.create_user(username="ny", password="Hemmelig-kode-1")


# --- Citizens ------------------------------------------------------------------------------------


def test_the_citizen_page_shows_the_account_read_only_and_never_the_cpr_cipher(
    admin_client: Any, world: Any
) -> None:
    page = admin_client.get(_url("citizens_citizen_change", world.citizen.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="user"' not in html
    assert 'name="cpr_encrypted"' not in html
    assert 'name="cpr_hash"' not in html
    assert world.citizen.cpr_encrypted not in html
    assert world.citizen.cpr_masked in html


def test_posting_a_user_account_to_a_citizen_changes_nothing(admin_client: Any, world: Any) -> None:
    citizen = Citizen.objects.get(pk=world.citizen.pk)
    cipher = citizen.cpr_encrypted
    data = form_data(admin_client.get(_url("citizens_citizen_change", citizen.pk)))
    data.update({"user": str(world.users["admin"].pk), "cpr_encrypted": "forged"})
    admin_client.post(_url("citizens_citizen_change", citizen.pk), data)
    citizen.refresh_from_db()
    assert citizen.user_id == world.users["borger"].pk
    assert citizen.cpr_encrypted == cipher


def test_citizens_are_not_added_in_the_admin(admin_client: Any) -> None:
    assert admin_client.get(_url("citizens_citizen_add")).status_code == 403


def test_a_citizen_account_gets_no_password_and_no_changes_from_the_admin(
    admin_client: Any, world: Any
) -> None:
    borger = world.users["borger"]
    password = admin_client.post(
        _url("auth_user_password_change", borger.pk),
        {"password1": "Ny-hemmelig-kode-9", "password2": "Ny-hemmelig-kode-9"},
    )
    assert password.status_code == 403
    borger.refresh_from_db()
    assert not borger.check_password("Ny-hemmelig-kode-9")
    page = admin_client.get(_url("organisations_user_change", borger.pk)).content.decode()
    assert 'name="username"' not in page


# --- Roles ---------------------------------------------------------------------------------------


def test_the_citizen_role_is_not_offered_when_adding_a_role(admin_client: Any) -> None:
    page = admin_client.get(_url("organisations_rolemembership_add")).content.decode()
    assert 'value="citizen"' not in page
    assert 'value="caseworker"' in page


def test_the_citizen_role_cannot_be_given_in_the_admin(admin_client: Any, world: Any) -> None:
    user = _new_staff_user()
    admin_client.post(
        _url("organisations_rolemembership_add"), {"user": str(user.pk), "role": Role.CITIZEN}
    )
    assert not RoleMembership.objects.filter(user=user).exists()


def test_the_citizen_role_cannot_be_given_on_the_users_page(admin_client: Any, world: Any) -> None:
    user = _new_staff_user()
    data = form_data(admin_client.get(_url("organisations_user_change", user.pk)))
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(user.pk),
            "memberships-0-role": Role.CITIZEN,
        }
    )
    admin_client.post(_url("organisations_user_change", user.pk), data)
    assert not RoleMembership.objects.filter(user=user).exists()


def test_an_existing_role_cannot_be_turned_into_the_citizen_role(
    admin_client: Any, world: Any
) -> None:
    membership = RoleMembership.objects.get(user=world.users["leder"])
    data = form_data(admin_client.get(_url("organisations_rolemembership_change", membership.pk)))
    data.update({"role": Role.CITIZEN, "municipality": ""})
    admin_client.post(_url("organisations_rolemembership_change", membership.pk), data)
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER


def test_the_administrator_cannot_give_himself_a_role(admin_client: Any, world: Any) -> None:
    me = world.users["admin"]
    odense = Municipality.objects.get(code="461")
    admin_client.post(
        _url("organisations_rolemembership_add"),
        {"user": str(me.pk), "role": Role.SECRETARIAT, "municipality": str(odense.pk)},
    )
    assert list(RoleMembership.objects.filter(user=me).values_list("role", flat=True)) == [
        Role.ADMIN
    ]
    data = form_data(admin_client.get(_url("organisations_user_change", me.pk)))
    data.update(
        {
            "memberships-TOTAL_FORMS": str(int(data["memberships-TOTAL_FORMS"]) + 1),
            "memberships-1-user": str(me.pk),
            "memberships-1-role": Role.CASEWORKER,
            "memberships-1-municipality": str(odense.pk),
        }
    )
    admin_client.post(_url("organisations_user_change", me.pk), data)
    assert RoleMembership.objects.filter(user=me).count() == 1


def test_a_role_is_still_given_to_a_staff_user(admin_client: Any, world: Any) -> None:
    user = _new_staff_user()
    odense = Municipality.objects.get(code="461")
    response = admin_client.post(
        _url("organisations_rolemembership_add"),
        {"user": str(user.pk), "role": Role.CASEWORKER, "municipality": str(odense.pk)},
    )
    assert response.status_code == 302
    assert RoleMembership.objects.filter(user=user, role=Role.CASEWORKER).exists()


def test_a_citizen_account_is_given_no_staff_role(admin_client: Any, world: Any) -> None:
    odense = Municipality.objects.get(code="461")
    admin_client.post(
        _url("organisations_rolemembership_add"),
        {
            "user": str(world.users["borger"].pk),
            "role": Role.CASEWORKER,
            "municipality": str(odense.pk),
        },
    )
    assert not RoleMembership.objects.filter(
        user=world.users["borger"], role=Role.CASEWORKER
    ).exists()


# --- Cases, meetings and everything else --------------------------------------------------------


def _sample(model: type) -> Any:
    return model._default_manager.first()


def test_no_admin_form_outside_user_administration_picks_a_user(world: Any) -> None:
    """No admin form puts a user on a case, an agenda item, a citizen or anything but a role
    or the user's own device: that is how the administrator could make himself a participant."""
    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    offenders = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        obj = _sample(model)
        forms = []
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(
            request, obj
        ):
            forms.append(model_admin.get_form(request, obj))
        for inline in model_admin.get_inline_instances(request, obj):
            if inline.has_add_permission(request, obj) or inline.has_change_permission(
                request, obj
            ):
                forms.append(inline.get_formset(request, obj).form)
        for form in forms:
            for name, field in form.base_fields.items():
                picks_user = isinstance(field, ModelChoiceField) and field.queryset.model is User
                if picks_user and form._meta.model._meta.label_lower not in USER_PICKERS:
                    offenders.append(f"{label}: {form._meta.model._meta.label_lower}.{name}")
                if "cpr_encrypted" in name or "cpr_hash" in name or name == "key_hash":
                    offenders.append(f"{label}: {name}")
    assert offenders == []


@pytest.mark.parametrize(
    "model_name", ["cases_case", "meetings_meeting", "cases_agendaitem", "cases_dispatch"]
)
def test_cases_and_meetings_are_read_only_in_the_admin(admin_client: Any, model_name: str) -> None:
    assert admin_client.get(_url(f"{model_name}_add")).status_code == 403


# --- API tokens ----------------------------------------------------------------------------------


def test_api_tokens_are_read_only_in_the_admin(admin_client: Any, world: Any) -> None:
    issue_token(user=world.users["sagsbehandler"])
    token = ApiToken.objects.get(user=world.users["sagsbehandler"])
    expires_at = token.expires_at
    assert admin_client.get(_url("access_apitoken_add")).status_code == 403
    page = admin_client.get(_url("access_apitoken_change", token.pk))
    assert 'name="expires_at_0"' not in page.content.decode()
    later = expires_at + dt.timedelta(days=365)
    admin_client.post(
        _url("access_apitoken_change", token.pk),
        {
            "name": "",
            "expires_at_0": later.date().isoformat(),
            "expires_at_1": "12:00:00",
            "revoked_at_0": "",
            "revoked_at_1": "",
        },
    )
    token.refresh_from_db()
    assert token.expires_at == expires_at
    assert token.revoked_at is None


def test_the_admin_revokes_api_tokens_with_an_action(admin_client: Any, world: Any) -> None:
    issue_token(user=world.users["sagsbehandler"])
    token = ApiToken.objects.get(user=world.users["sagsbehandler"])
    admin_client.post(
        _url("access_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [str(token.pk)]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- Logs ----------------------------------------------------------------------------------------


def test_login_log_rows_cannot_be_deleted_or_changed_in_the_admin(client: Any, world: Any) -> None:
    from axes.models import AccessLog as LoginLog

    client.post(reverse("web:login"), {"username": "admin", "password": "demo"})
    row = LoginLog.objects.get(username="admin")
    assert client.get(_url("axes_accesslog_delete", row.pk)).status_code == 403
    client.post(_url("axes_accesslog_delete", row.pk), {"post": "yes"})
    client.post(
        _url("axes_accesslog_changelist"),
        {"action": "delete_selected", "_selected_action": [str(row.pk)], "post": "yes"},
    )
    assert LoginLog.objects.filter(pk=row.pk).exists()


def test_no_log_is_editable_or_deletable_in_the_admin(world: Any) -> None:
    from axes.models import AccessFailureLog
    from axes.models import AccessLog as LoginLog

    from sundhedskoordinator.access.models import AccessLog
    from sundhedskoordinator.audit import models as audit_models
    from sundhedskoordinator.billing.models import Settlement, SettlementLine

    request = RequestFactory().get("/admin/")
    request.user = world.users["admin"]
    logs = [LoginLog, AccessFailureLog, AccessLog, Settlement, SettlementLine]
    logs += [audit_models.CaseEvent, audit_models.AdminLogEntry]
    for model in logs:
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
