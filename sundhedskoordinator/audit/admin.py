from django.contrib import admin

from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import CaseEvent


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "kind", "actor", "role", "from_state", "to_state"]
    list_filter = ["kind", "role"]
    search_fields = ["case__reference"]
