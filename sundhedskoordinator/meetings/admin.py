from django.contrib import admin

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import CollaborationAgreement, Meeting


@admin.register(CollaborationAgreement)
class CollaborationAgreementAdmin(LoggedAdmin):
    """The procedure's numbers per region. Changing them never moves stored deadlines; every
    change is in the admin log. Meetings are only shown here; agenda items (with their coordinator)
    and dispatches are shown in the case app's admin: nobody is put on a case from here."""

    list_display = [
        "region",
        "dispatch_working_days",
        "case_slot_minutes",
        "advice_block_minutes",
        "deadline_warning_working_days",
        "reminder_dispatch_working_days",
        "reminder_decision_working_days",
        "updated_at",
    ]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["team", "kind", "date", "starts_at", "dispatch_deadline"]
    list_filter = ["kind", "municipality"]
    date_hierarchy = "date"
