from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.access.services import deactivate_user, end_sessions, revoke_role

from .models import Municipality, Region, RehabTeam, RoleMembership, User

admin.site.site_header = _("Sundhedskoordinator – administration")
admin.site.site_title = _("Sundhedskoordinator")
admin.site.index_title = _("Systemadministration")


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "clinical_function_name"]
    search_fields = ["name", "code"]
    inlines = [MunicipalityInline]


class RehabTeamInline(admin.TabularInline):
    model = RehabTeam
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    inlines = [RehabTeamInline]


@admin.register(RehabTeam)
class RehabTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "location"]
    list_filter = ["municipality__region", "municipality"]
    search_fields = ["name"]


class RoleMembershipInline(admin.TabularInline):
    model = RoleMembership
    extra = 0
    autocomplete_fields = ["municipality", "region"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Role and account changes go through the access services, which end the user's sessions."""

    inlines = [RoleMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            deactivate_user(user=obj)

    def save_formset(self, request, form, formset, change):
        roles_changed = formset.model is RoleMembership and formset.has_changed()
        super().save_formset(request, form, formset, change)
        if roles_changed:
            end_sessions(user=form.instance)


@admin.register(RoleMembership)
class RoleMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "region"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            end_sessions(user=obj.user)

    def delete_model(self, request, obj):
        revoke_role(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            revoke_role(membership=membership)

    list_filter = ["role", "region", "municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "municipality", "region"]
