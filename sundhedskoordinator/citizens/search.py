"""Looking people up by name or by a whole CPR number without the number ever reaching a URL, a
log or the browser's history: the search is POSTed, kept in the session (a CPR number only as
its keyed hash, shown masked) and applied to the list on every GET. The case list and the
citizen register share it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .cpr import looks_like_cpr, lookup_hash, mask_cpr, normalise_cpr


@dataclass(frozen=True)
class Search:
    """A piece of a name (or of a case reference), or a whole CPR number as its keyed hash."""

    text: str = ""
    cpr_hash: str = ""
    shown: str = ""

    @classmethod
    def for_cpr(cls, cpr: str) -> Search:
        return cls(cpr_hash=lookup_hash(cpr), shown=mask_cpr(cpr))

    @classmethod
    def parse(cls, query: str) -> Search | None:
        """What was typed: a CPR number (with or without its dash), else text; None if empty."""
        # A NUL cannot be kept or searched for (PostgreSQL refuses it); it is never meant.
        query = query.replace("\x00", "").strip()[:100]
        cpr = normalise_cpr(query)
        if looks_like_cpr(cpr):
            return cls.for_cpr(cpr)
        return cls(text=query, shown=query) if query else None

    def citizens(self, queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
        """``queryset`` narrowed to the citizens found by name or CPR number (``prefix``: the
        path from the queryset's model to the citizen, e.g. ``citizen__``)."""
        if self.cpr_hash:
            return queryset.filter(**{f"{prefix}cpr_hash": self.cpr_hash})
        if self.text.strip():
            return queryset.filter(**{f"{prefix}name__icontains": self.text.strip()})
        return queryset

    def text_matches(self, *fields: str) -> Q:
        """Any of these fields contains the text."""
        q = Q()
        for name in fields:
            q |= Q(**{f"{name}__icontains": self.text.strip()})
        return q

    def names_or(self, *fields: str, citizen: str = "citizen", among: Q | None = None) -> Q:
        """The citizen (the path ``citizen``) is found by name, or any of these fields of the
        row itself contains the text. The citizens are found by a query of their own, not by a
        condition on the joined row: a condition over two tables could use no index, while
        the name alone is found through its trigram index on PostgreSQL
        (``citizens.migrations.0005``). ``among``: a condition on the citizens that every
        citizen of the rows searched meets (``access.policy.case_citizens_filter``), so that
        only those are read rather than every citizen of that name in the country."""
        from .models import Citizen

        found = Citizen.objects.filter(name__icontains=self.text.strip())
        if among is not None:
            found = found.filter(among)
        return self.text_matches(*fields) | Q(**{f"{citizen}__in": found.values("pk")})


def remember(session: Any, key: str, post: Any) -> None:
    """Keep the POSTed search (``q``) in the session under ``key``, or forget it (``clear``)."""
    found = None if "clear" in post else Search.parse(post.get("q", ""))
    if found is None:
        session.pop(key, None)
    else:
        session[key] = {"text": found.text, "cpr_hash": found.cpr_hash, "shown": found.shown}


def recall(session: Any, key: str) -> Search:
    """The search kept in the session under ``key`` (an empty one if none)."""
    kept = session.get(key) or {}
    return Search(
        text=kept.get("text", ""), cpr_hash=kept.get("cpr_hash", ""), shown=kept.get("shown", "")
    )
