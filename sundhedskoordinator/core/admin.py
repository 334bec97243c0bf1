"""Admin building blocks shared by the domain apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

#: What may follow a shown filter's field in an address: the related object's key and the
#: comparisons Django's own list filters and date hierarchy use.
COMPARISONS = frozenset(
    {"id", "pk", "exact", "in", "isnull", "year", "month", "day", "gte", "gt", "lte", "lt"}
)


class ListedFiltersOnly:
    """A list page filters only by the filters it shows (``list_filter``, ``date_hierarchy``).
    Django's admin otherwise accepts a filter on any field of the model in the address, so a
    hidden field (a companion's name, a package snapshot's health description) could be read
    letter by letter from the count of matches."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        filters = getattr(self, "list_filter", ())
        shown = [f for f in filters if isinstance(f, str)] + [
            f[0] for f in filters if isinstance(f, tuple)
        ]
        # A filter of its own (a SimpleListFilter) is known by its parameter.
        shown += [
            f.parameter_name for f in filters if isinstance(getattr(f, "parameter_name", None), str)
        ]
        if getattr(self, "date_hierarchy", None):
            shown.append(self.date_hierarchy)  # type: ignore[attr-defined]
        path = lookup.split("__")
        for f in shown:
            prefix = f.split("__")
            rest = path[len(prefix) :]
            # The shown field itself, then at most a key and a comparison (``id__exact``,
            # ``isnull``, ``year``): never a step on to another model's fields.
            if path[: len(prefix)] == prefix and len(rest) <= 2 and set(rest) <= COMPARISONS:
                return True
        return False


class ReadOnlyAdmin(ListedFiltersOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """For records that only the procedure's services write (cases, events): the admin may look,
    never add, change or delete, so no rule can be bypassed from here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NeverDeleted:
    """For citizens, users and organisation units. Django's delete page lists every related row
    (and an inline's delete box answers with the protected ones): for a citizen or a caseworker
    that tells whether she has a case and how far it has come, which the administrator, on no
    case, may not learn (DESIGN section 2). Users are deactivated instead, citizens leave by
    the retention job, and regions, municipalities and teams stay."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
