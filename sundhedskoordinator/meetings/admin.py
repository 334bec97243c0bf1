from django.contrib import admin

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import CollaborationAgreement, Meeting


@admin.register(CollaborationAgreement)
class CollaborationAgreementAdmin(LoggedAdmin):
    """The procedure's numbers per region, in dated versions: the version in force on a
    meeting's date governs it, so a new rule (the 2026 reform) is a new version from its date.
    Changing them never moves stored deadlines; every change is in the admin log. Meetings are
    only shown here; agenda items (with their coordinator) and dispatches are shown in the case
    app's admin: nobody is put on a case from here."""

    list_display = [
        "region",
        "valid_from",
        "name",
        "rehab_team_required",
        "dispatch_working_days",
        "case_slot_minutes",
        "advice_block_minutes",
        "deadline_warning_working_days",
        "reminder_dispatch_working_days",
        "reminder_decision_working_days",
        "updated_at",
    ]
    list_filter = ["region", "rehab_team_required"]
    ordering = ["region", "valid_from"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "team", "kind", "date", "starts_at", "dispatch_deadline"]
    list_filter = ["kind", "municipality"]
    date_hierarchy = "date"
