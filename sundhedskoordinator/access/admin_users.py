"""Users and their roles in the admin site. The administrator manages them but has no side door
into health data (DESIGN section 2): the citizen role and citizen accounts come only from the
citizen's own log-in (MitID) or the demo loader, nobody changes his own roles here, a role
change ends the user's sessions and tokens, and every change is written to the admin log
(``audit.AdminLogEntry``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.audit.admin_log import REDACTED, record_admin_change
from sundhedskoordinator.audit.models import AdminAction
from sundhedskoordinator.core.admin import NeverDeleted
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import RoleMembership, User

from .services import deactivate_user, end_sessions, revoke_role

CITIZEN_ROLE_REFUSED = _(
    "Borgerrollen gives kun, når borgeren selv logger ind med MitID, ikke i administrationen."
)
OWN_ROLES_REFUSED = _(
    "Du kan ikke give eller ændre roller på din egen konto. Det må en anden administrator gøre."
)
CITIZEN_ACCOUNT_REFUSED = _("Kontoen er en borgers og kan ikke få andre roller.")
OTHERS_PASSWORD_REFUSED = _(
    "Administratoren sætter ikke andres adgangskode. Medarbejderen logger ind med sin "
    "organisations log-in eller vælger selv sin adgangskode."
)


IDENTITY_OWN_APPROVAL_REFUSED = _(
    "Du kan ikke godkende et brugernavn eller en e-mail, du selv har sat. Det skal en anden "
    "administrator gøre."
)
IDENTITY_FIELDS = ("identity_set_by", "identity_approved_by")


class NewUserForm(forms.ModelForm[User]):
    """A new account without a password the administrator knows: its owner logs in through the
    identity provider (or sets their own password), never with one chosen here."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


def is_citizen_account(user: User | None) -> bool:
    """A citizen's own account: it holds the citizen role or belongs to a citizen (the citizens
    app's ``Citizen.user``, read through its reverse name)."""
    if user is None or user.pk is None:
        return False
    return user.memberships.filter(role=Role.CITIZEN).exists() or user.citizen_records.exists()


class RoleMembershipForm(forms.ModelForm[RoleMembership]):
    """A role given in the admin: never the citizen role, never to a citizen's account, never to
    the administrator who gives it. ``administrator`` is set per request by the admin page."""

    administrator: User | None = None

    class Meta:
        model = RoleMembership
        fields = ["user", "role", "municipality", "region"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields.get("role")
        if isinstance(role, forms.ChoiceField):
            role.choices = [("", "---------")] + [
                (value, label) for value, label in Role.choices if value != Role.CITIZEN
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user = cleaned.get("user") or (self.instance.user if self.instance.user_id else None)
        if cleaned.get("role") == Role.CITIZEN:
            self.add_error("role", CITIZEN_ROLE_REFUSED)
        if user is not None and self.administrator is not None and user == self.administrator:
            raise forms.ValidationError(OWN_ROLES_REFUSED)
        if is_citizen_account(user):
            raise forms.ValidationError(CITIZEN_ACCOUNT_REFUSED)
        return cleaned


class RoleMembershipInline(admin.TabularInline[RoleMembership, User]):
    model = RoleMembership
    form = RoleMembershipForm
    extra = 0
    autocomplete_fields = ["municipality", "region"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.administrator = request.user  # type: ignore[attr-defined]  # new per request
        return formset

    # A citizen's account and the administrator's own are shown, never edited.
    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or (obj != request.user and not is_citizen_account(obj))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(NeverDeleted, LoggedAdmin, DjangoUserAdmin[User]):
    """Role and account changes go through the access services, which end the user's sessions.
    A citizen's account is shown, not changed: a password set here would let the administrator
    log in as the citizen and read her health data as if she did."""

    inlines = [RoleMembershipInline]
    actions = ["approve_identity"]
    add_form = NewUserForm
    add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email")}),)
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    admin_log_inline_delete_actions = {RoleMembership: AdminAction.ROLE_REVOKED}  # noqa: RUF012
    admin_log_fields = ("username", "first_name", "last_name", "email", "is_active", "is_staff")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_citizen_account(obj):
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Log-in gennem identitetsudbyder"), {"fields": IDENTITY_FIELDS})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), *IDENTITY_FIELDS]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        if not change or {"username", "email"} & set(form.changed_data):
            # A new name or address waits for another administrator before anyone is bound.
            obj.identity_set_by, obj.identity_approved_by = request.user, None
        super().save_model(request, obj, form, change)
        if deactivated:
            deactivate_user(user=obj)

    @admin.action(description=_("Godkend brugernavn og e-mail (fire øjne)"))
    def approve_identity(self, request: HttpRequest, queryset: Any) -> None:
        """Another administrator confirms the username and e-mail that one administrator set;
        only then can a person log in to the account through the identity provider."""
        approved, refused = 0, 0
        with transaction.atomic(using=router.db_for_write(self.model)):
            for user in queryset.select_for_update().filter(
                identity_set_by__isnull=False, identity_approved_by__isnull=True
            ):
                if user.identity_set_by_id == request.user.pk:
                    refused += 1
                    continue
                user.identity_approved_by = request.user
                user.save(update_fields=["identity_approved_by"])
                record_admin_change(
                    actor=request.user,
                    action=AdminAction.CHANGED,
                    instance=user,
                    changes={"identity_approved_by": [None, str(request.user)]},
                )
                approved += 1
        if approved:
            self.message_user(request, _("%(n)d godkendt.") % {"n": approved})
        if refused:
            self.message_user(request, IDENTITY_OWN_APPROVAL_REFUSED, level=messages.ERROR)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        roles_changed = formset.model is RoleMembership and formset.has_changed()
        super().save_formset(request, form, formset, change)
        if roles_changed:
            end_sessions(user=form.instance)

    def user_change_password(  # noqa: A002 - Django's name
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's password page, for the administrator's own account only: a password he set
        for someone else would let him log in as them and read health data under their name.
        Staff log in through the municipality's or region's identity provider (OpenID Connect);
        where a deployment has local passwords, the person sets their own or an operator sets
        it on the server (``manage.py changepassword``). The change is logged in the same
        transaction."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            user = self.get_object(request, unquote(id))
            if user is not None and user != request.user:
                raise PermissionDenied(OTHERS_PASSWORD_REFUSED)
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    record_admin_change(
                        actor=request.user,
                        action=AdminAction.CHANGED,
                        instance=user,
                        changes={"password": [REDACTED, REDACTED]},
                    )
                    if user != request.user:
                        end_sessions(user=user)
            return response


@admin.register(RoleMembership)
class RoleMembershipAdmin(LoggedAdmin):
    form = RoleMembershipForm
    list_display = ["user", "role", "municipality", "region"]
    list_filter = ["role", "region", "municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "municipality", "region"]
    admin_log_delete_action = AdminAction.ROLE_REVOKED

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.administrator = request.user  # type: ignore[attr-defined]  # new per request
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The citizen role and the administrator's own roles are shown, never changed.
        if obj is not None and (obj.role == Role.CITIZEN or obj.user_id == request.user.pk):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            end_sessions(user=obj.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        revoke_role(membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        if queryset.filter(user=request.user).exists():
            raise PermissionDenied
        for membership in queryset.select_related("user"):
            revoke_role(membership=membership)
