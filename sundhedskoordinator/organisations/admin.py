from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

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
    inlines = [RoleMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]


@admin.register(RoleMembership)
class RoleMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "region"]
    list_filter = ["role", "region", "municipality"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "municipality", "region"]
