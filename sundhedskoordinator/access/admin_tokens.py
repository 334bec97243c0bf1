"""API tokens in the admin site: shown, never made or changed here (the expiry comes from the
log-in that issued the token); the administrator may only revoke them, and that is logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sundhedskoordinator.audit.admin import LoggedAdmin
from sundhedskoordinator.audit.admin_log import record_admin_change
from sundhedskoordinator.audit.models import AdminAction
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.admin import ReadOnlyAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(LoggedAdmin, ReadOnlyAdmin):
    list_display = ["user", "name", "created_at", "expires_at", "revoked_at", "second_factor"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name"]
    exclude = ["key_hash"]
    actions = ["revoke_tokens"]

    @admin.action(description=_("Tilbagekald de valgte API-nøgler"))
    def revoke_tokens(self, request: HttpRequest, queryset: Any) -> None:
        now = clock.now()
        tokens = list(queryset.filter(revoked_at__isnull=True).select_related("user"))
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            record_admin_change(
                actor=request.user,
                action=AdminAction.TOKEN_REVOKED,
                instance=token,
                changes={"revoked_at": [None, now.isoformat()]},
            )
        message = ngettext(
            "%(count)d API-nøgle er tilbagekaldt.",
            "%(count)d API-nøgler er tilbagekaldt.",
            len(tokens),
        )
        self.message_user(request, message % {"count": len(tokens)})
