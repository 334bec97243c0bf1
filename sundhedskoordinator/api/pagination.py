"""``page``/``page_size`` on every list, answered as ``{"count": N, "items": [...]}``."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import Field

#: The largest id the databases hold (64-bit); larger numbers are refused as input errors.
MAX_ID = 2**63 - 1


def id_filter() -> Any:
    return Field(None, ge=1, le=MAX_ID)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(25, ge=1, le=100)


def bounds(params: PageParams) -> tuple[int, int]:
    """The page's first row and the row after its last, counted from 0."""
    start = (params.page - 1) * params.page_size
    return start, start + params.page_size


def paginate[M: Model](queryset: QuerySet[M], params: PageParams) -> tuple[int, list[M]]:
    start, end = bounds(params)
    return queryset.count(), list(queryset[start:end])


def page_body(count: int, items: list[Any]) -> dict[str, Any]:
    return {"count": count, "items": items}
