from django.contrib import admin

from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import AgendaItem, Case, Dispatch


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


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = [
        "meeting",
        "case",
        "starts_at",
        "dispatch_deadline",
        "scheduled_late",
        "cancelled_at",
    ]
    # The companion's name and the free-text reasons may tell of the citizen's health: they are
    # read through the case, by those on it, never here.
    exclude = ["companion_name", "late_reason", "cancel_reason"]


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["case", "sent_at", "deadline", "is_late"]
    exclude = ["snapshot"]  # the package holds health data; it is read through the case
