"""A page of an ordered list read in two steps, for lists whose columns cost something per row."""

from __future__ import annotations

from django.db.models import Model, QuerySet


def by_keys[M: Model](ordered: QuerySet[M], start: int, end: int, details: QuerySet[M]) -> list[M]:
    """Rows ``start`` to ``end`` (not included) of ``ordered``, read from ``details`` by their
    keys and put back in ``ordered``'s order. For columns that cost something per row (EXISTS
    subqueries, counts of related rows): read with the list's order and LIMIT, the database may
    work them out for every row of the list before it takes the page (docs/performance.md). A
    row that ``details`` does not hold (gone, or no longer in its scope) is left out.
    ``ordered`` must be ordered to the key (or its pages are not stable) and hold each row once
    (no join of a many-valued relation)."""
    if not ordered.ordered:
        raise ValueError("by_keys needs an ordered list")
    keys = list(ordered.values_list("pk", flat=True)[start:end])
    found = {row.pk: row for row in details.filter(pk__in=keys).order_by()}
    return [found[key] for key in keys if key in found]
