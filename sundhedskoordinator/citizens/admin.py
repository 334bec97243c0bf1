from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Citizen, Guidance, ResourceCourse


class ResourceCourseInline(admin.TabularInline):
    model = ResourceCourse
    extra = 0


class GuidanceInline(admin.TabularInline):
    model = Guidance
    extra = 0
    readonly_fields = ["given_on", "channel", "given_by", "note", "recorded_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # guidance is recorded by caseworkers, with who gave it


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_cpr", "municipality", "user"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    inlines = [ResourceCourseInline, GuidanceInline]

    @admin.display(description=_("CPR-nummer"))
    def masked_cpr(self, obj: Citizen) -> str:
        return obj.cpr_masked
