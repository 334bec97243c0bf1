"""Citizens in the admin site. A citizen's user account comes only from her own log-in (MitID,
``citizens.services.citizen_account``) or the demo loader, so it is shown here and never set; the
CPR number is shown masked, its cipher text and lookup key never. Changes are logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.core.admin import NeverDeleted

from .models import Citizen, Guidance, ResourceCourse


class ResourceCourseInline(admin.TabularInline):
    model = ResourceCourse
    extra = 0
    can_delete = False  # a course a case points to; the retention job removes it with the citizen


class GuidanceInline(admin.TabularInline):
    model = Guidance
    extra = 0
    # The caseworker's note may tell of the citizen's health: it is read in the service, not here.
    fields = ["given_on", "channel", "given_by", "recorded_at"]
    readonly_fields = ["given_on", "channel", "given_by", "recorded_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # guidance is recorded by caseworkers, with who gave it


@admin.register(Citizen)
class CitizenAdmin(NeverDeleted, LoggedAdmin):
    list_display = ["name", "masked_cpr", "municipality", "user"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    fields = ["name", "masked_cpr", "municipality", "email", "user", "created_at"]
    readonly_fields = ["masked_cpr", "user", "created_at"]
    inlines = [ResourceCourseInline, GuidanceInline]
    admin_log_fields = ("name", "municipality", "email", "user")

    @admin.display(description=_("CPR-nummer"))
    def masked_cpr(self, obj: Citizen) -> str:
        return obj.cpr_masked

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # caseworkers create citizens, with the CPR number encrypted and keyed
