from django.contrib import admin

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import AgendaItem, CollaborationAgreement, Dispatch, Meeting


@admin.register(CollaborationAgreement)
class CollaborationAgreementAdmin(LoggedAdmin):
    """The procedure's numbers per region. Changing them never moves stored deadlines; every
    change is in the admin log. Meetings, agenda items (with their coordinator) and dispatches are
    only shown: nobody is put on a case from here."""

    list_display = [
        "region",
        "dispatch_working_days",
        "case_slot_minutes",
        "advice_block_minutes",
        "updated_at",
    ]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["team", "kind", "date", "starts_at", "dispatch_deadline"]
    list_filter = ["kind", "team__municipality"]
    date_hierarchy = "date"


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
