from django.contrib import admin

from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """How each letter went out, for operators following up a failed hand-over: never its
    content or the citizen's CPR number (those are in the letter and the message)."""

    list_display = ["message_uuid", "kind", "channel", "state", "municipality", "created_at"]
    list_filter = ["state", "channel", "kind", "municipality"]
    search_fields = ["message_uuid"]
    fields = [
        "message_uuid",
        "kind",
        "channel",
        "state",
        "municipality",
        "case",
        "title",
        "created_at",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "receipt",
        "failed_at",
        "failure",
    ]
