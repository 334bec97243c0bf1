"""The user of a logged-in session, read once per request with what every page's menu shows
(the count of unread messages), whichever way they logged in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from sundhedskoordinator.notifications.selectors import with_unread_count
from sundhedskoordinator.organisations.models import User


def session_user(user_id: Any) -> User | None:
    """The session's user with its count of unread messages (one query), or None."""
    return with_unread_count(User.objects.filter(pk=user_id)).first()


class PasswordBackend(ModelBackend):
    """Django's user name and password log-in; the session's user is read with
    ``session_user``."""

    def get_user(self, user_id: Any) -> User | None:
        user = session_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
