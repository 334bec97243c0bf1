from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from sundhedskoordinator.organisations.models import User

from .models import Notification
from .services import mark_read


@login_required
@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's messages, newest first; opening the inbox marks them read."""
    user: User = request.user  # type: ignore[assignment]
    items = list(Notification.objects.filter(user=user).select_related("case")[:100])
    mark_read(user=user)
    return render(request, "notifications/inbox.html", {"items": items})
