"""Regions, municipalities and rehabilitation teams in the admin site; every change is written to
the admin log (``audit.AdminLogEntry``). Users and their roles are managed from the access app
(``access/admin_users.py``), which ends a user's sessions when their roles change."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.core.admin import NeverDeleted

from .models import Municipality, Region, RehabTeam

admin.site.site_header = _("Sundhedskoordinator – administration")
admin.site.site_title = _("Sundhedskoordinator")
admin.site.index_title = _("Systemadministration")


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0
    can_delete = False  # see NeverDeleted


@admin.register(Region)
class RegionAdmin(NeverDeleted, LoggedAdmin):
    list_display = ["name", "code", "clinical_function_name"]
    search_fields = ["name", "code"]
    inlines = [MunicipalityInline]


class RehabTeamInline(admin.TabularInline):
    model = RehabTeam
    extra = 0
    can_delete = False  # see NeverDeleted


@admin.register(Municipality)
class MunicipalityAdmin(NeverDeleted, LoggedAdmin):
    list_display = ["name", "code", "cvr", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    inlines = [RehabTeamInline]


@admin.register(RehabTeam)
class RehabTeamAdmin(NeverDeleted, LoggedAdmin):
    list_display = ["name", "municipality", "location"]
    list_filter = ["municipality__region", "municipality"]
    search_fields = ["name"]
