from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, router, transaction
from django.http import HttpRequest

from sundhedskoordinator.core.admin import ListedFiltersOnly, ReadOnlyAdmin

from .admin_log import Change, form_changes, record_admin_change, snapshot
from .models import AdminAction, AdminLogEntry, CaseEvent


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "kind", "actor", "role", "from_state", "to_state"]
    list_filter = ["kind", "role"]
    search_fields = ["case__reference"]


@admin.register(AdminLogEntry)
class AdminLogEntryAdmin(ReadOnlyAdmin):
    """The administrators' own changes, for whoever reviews them; nobody edits them here (and the
    database refuses it anyway)."""

    list_display = ["at", "actor_name", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id"]
    date_hierarchy = "at"


class LoggedAdmin(ListedFiltersOnly, admin.ModelAdmin):
    """An admin page whose every add, change and delete, its inlines' included, is written to
    the admin log in the transaction of the change. Django's admin already runs the add/change
    form and the delete page in one transaction; actions and the password page are made to."""

    #: What deleting an object of this page is called in the log.
    admin_log_delete_action: AdminAction = AdminAction.DELETED
    #: The same for the objects of an inline, by model.
    admin_log_inline_delete_actions: dict[type[models.Model], AdminAction] = {}  # noqa: RUF012
    #: The fields a deleted object is remembered by (None: every field but secrets).
    admin_log_fields: tuple[str, ...] | None = None

    def deletion_summary(self, obj: Any) -> dict[str, Change]:
        return snapshot(obj, fields=self.admin_log_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = form_changes(form, added=not change)
        super().save_model(request, obj, form, change)
        if changes or not change:
            record_admin_change(
                actor=request.user,
                action=AdminAction.CHANGED if change else AdminAction.ADDED,
                instance=obj,
                changes=changes,
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        deleted = [f for f in formset.deleted_forms if f.instance.pk is not None]
        delete_action = self.admin_log_inline_delete_actions.get(formset.model, AdminAction.DELETED)
        pending = [
            (delete_action, f.instance, snapshot(f.instance), f.instance.pk) for f in deleted
        ]
        edited = [f for f in formset.forms if f not in deleted and f.has_changed()]
        before = {f: f.instance.pk for f in edited}
        changes = {f: form_changes(f, added=before[f] is None) for f in edited}
        super().save_formset(request, form, formset, change)
        for f in edited:
            action = AdminAction.ADDED if before[f] is None else AdminAction.CHANGED
            pending.append((action, f.instance, changes[f], f.instance.pk))
        for action, instance, summary, pk in pending:
            record_admin_change(
                actor=request.user, action=action, instance=instance, changes=summary, object_id=pk
            )

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Django calls this just before it deletes, in the delete's transaction.
        for obj in queryset:
            record_admin_change(
                actor=request.user,
                action=self.admin_log_delete_action,
                instance=obj,
                changes=self.deletion_summary(obj),
            )
        return super().log_deletions(request, queryset)

    def response_action(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Actions (the list's "delete selected" among them) change and log in one transaction.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, *args, **kwargs)
