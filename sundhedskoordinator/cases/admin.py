from django.contrib import admin

from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import Case


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases move only through the workflow's services; the admin shows their metadata."""

    list_display = ["reference", "status", "municipality", "responsible", "created_at"]
    list_filter = ["status", "municipality"]
    search_fields = ["reference"]
    fields = [
        "reference",
        "status",
        "municipality",
        "responsible",
        "responsible_role",
        "version",
        "created_at",
        "submitted_at",
        "closed_at",
    ]
