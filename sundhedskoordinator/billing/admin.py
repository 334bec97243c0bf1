from django.contrib import admin

from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import Rate, Settlement


@admin.register(Rate)
class RateAdmin(ReadOnlyAdmin):
    """Rates are set by Klinisk Funktion on the rates page, which ends the previous rate in the
    same step; the admin only shows them."""

    list_display = ["region", "amount", "valid_from", "valid_to", "bills_cancelled_after_dispatch"]
    list_filter = ["region"]


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    """Locked settlements are never edited, here neither."""

    list_display = ["municipality", "period_start", "period_end", "total", "approved_at"]
    list_filter = ["municipality__region"]
