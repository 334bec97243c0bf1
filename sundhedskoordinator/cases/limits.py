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
