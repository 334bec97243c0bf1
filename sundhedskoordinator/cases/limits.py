"""How long each free text of a case may be: long enough for its purpose, short enough that
nobody pastes a book into a case (or a page grows without end). The services refuse a longer
text before they write anything (``check_lengths``), so the pages and the API answer alike; the
forms take their ``maxlength`` from the same numbers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sundhedskoordinator.core.errors import DomainError

from .workflow import INVALID_INPUT

#: The offer's content and its demands on the citizen.
OFFER_TEXT = 4000
#: The citizen's own description of where the offer does not take her health into account.
DESCRIPTION = 4000
#: A note on the case: no relevant health information, what was agreed at the conversation.
NOTE = 4000
#: A reason given for an action (withdrawal, rejection, cancellation, late scheduling).
REASON = 1000
#: The coordinator's written advice and its accommodations.
ADVICE = 8000
#: The caseworker's decision with its reasons.
DECISION = 4000
#: A companion's (bisidder's) name and relation to the citizen (the model's column sizes).
COMPANION_NAME = 200
COMPANION_RELATION = 100
#: The areas the citizen's description names (the API takes them as a list of short words).
AREAS = 12
AREA = 100
#: Who attended the conversation, when given one by one through the API: each a role and a name
#: (at most ``COMPANION_NAME`` characters).
ATTENDEES = 10
ATTENDEE_ROLE = 50


def check_lengths(texts: dict[str, tuple[str | None, int]]) -> None:
    """Refuse, naming each field, any text longer than its limit."""
    too_long = {
        name: _("Teksten er for lang: højst %(limit)d tegn, her er der %(count)d.")
        % {"limit": limit, "count": len(value)}
        for name, (value, limit) in texts.items()
        if value and len(value) > limit
    }
    if too_long:
        raise DomainError(INVALID_INPUT, " ".join(too_long.values()), fields=too_long)


def check_list(name: str, items: list[str], *, count: int, length: int) -> None:
    """Refuse a list of short texts with more than ``count`` items or an item over ``length``."""
    if len(items) > count:
        message = _("Højst %(count)d.") % {"count": count}
    elif any(len(item) > length for item in items):
        message = _("Hver højst %(limit)d tegn.") % {"limit": length}
    else:
        return
    raise DomainError(INVALID_INPUT, message, fields={name: message})


def check_attendees(attendees: list[dict[str, str]]) -> None:
    """Attendees given one by one: each a ``role`` and a ``name``, within their limits."""
    shapes = all(set(a) <= {"role", "name"} for a in attendees)
    if not shapes:
        message = _("Hver deltager har kun en rolle (role) og et navn (name).")
        raise DomainError(INVALID_INPUT, message, fields={"attendees": message})
    check_list(
        "attendees", [a.get("role", "") for a in attendees], count=ATTENDEES, length=ATTENDEE_ROLE
    )
    check_list(
        "attendees", [a.get("name", "") for a in attendees], count=ATTENDEES, length=COMPANION_NAME
    )
