"""Reads of a user's messages: which are unread, and how many, counted with the user where the
user is read for the request."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Notification

#: The attribute ``with_unread_count`` gives each user it reads.
UNREAD = "unread_notifications"


def unread(user: Any) -> QuerySet[Notification]:
    """The user's unread messages (``user`` may be an ``OuterRef``)."""
    return Notification.objects.filter(user=user, read_at__isnull=True)


def with_unread_count(users: QuerySet[Any]) -> QuerySet[Any]:
    """``users``, each with the number of their unread messages, in the same query."""
    count = unread(OuterRef("pk")).order_by().values("user").annotate(n=Count("pk")).values("n")
    return users.annotate(**{UNREAD: Coalesce(Subquery(count), Value(0))})


def unread_count(user: Any) -> int:
    """How many messages the user has not read: as read with the user when it was, else
    counted now."""
    counted = getattr(user, UNREAD, None)
    return int(counted) if counted is not None else unread(user).count()
