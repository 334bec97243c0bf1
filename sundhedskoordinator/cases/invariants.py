"""What must hold for every stored case, whatever made it: the procedure's states and what each
state holds (DESIGN section 3), read back from the database. The services keep these true one step
at a time; this module checks a case as a whole, for data that did not come through them (the
generated national world, a restored backup) and in the tests that compare the two.

``problems(case)`` returns one Danish-free, value-free line per broken rule (no CPR number, no
health text), so that the lines can be logged.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone

from sundhedskoordinator.audit.models import CaseEvent
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.workingdays import dispatch_deadline

from .choices import TERMINAL_STATES, Status
from .models import NO_DEADLINE, AgendaItem, Case, request_day

#: States in which the case holds exactly one live agenda item (a closed case only if it was
#: decided: a case closed otherwise has none).
ON_AGENDA = frozenset({Status.SCHEDULED, Status.SENT, Status.HELD, Status.ADVISED, Status.DECIDED})
HELD_OR_LATER = frozenset({Status.HELD, Status.ADVISED, Status.DECIDED, Status.CLOSED})
ADVISED_OR_LATER = frozenset({Status.ADVISED, Status.DECIDED, Status.CLOSED})
DECIDED_OR_LATER = frozenset({Status.DECIDED, Status.CLOSED})


def with_related(cases):  # type: ignore[no-untyped-def]
    """The queryset with everything ``problems`` reads, in a fixed number of queries."""
    return cases.select_related("citizen", "offer", "decision", "health_concern").prefetch_related(
        "offer_versions",
        "advice_versions",
        "conversations",
        "dispatches",
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related("meeting", "meeting__team"),
        ),
        Prefetch("events", queryset=CaseEvent.objects.order_by("at", "pk")),
    )


def problems(case: Case) -> list[str]:
    """The rules ``case`` breaks (empty when it is sound)."""
    found: list[str] = []
    status = Status(case.status)
    now = clock.now()

    def check(condition: bool, rule: str) -> None:
        if not condition:
            found.append(f"{case.reference}: {rule}")

    check(case.reference == f"RSK-{case.year}-{case.number:06d}", "reference and number differ")
    check(
        case.citizen.municipality_id == case.municipality_id,
        "citizen belongs to another municipality",
    )
    check(
        any(m.municipality_id == case.municipality_id for m in case.responsible.memberships.all()),
        "responsible has no role in the case's municipality",
    )
    versions = sorted(v.version for v in case.offer_versions.all())
    check(versions == list(range(1, len(versions) + 1)) and bool(versions), "offer versions")
    if versions:
        newest = max(case.offer_versions.all(), key=lambda v: v.version)
        check(
            (newest.kind, newest.provider, newest.demands)
            == (case.offer.kind, case.offer.provider, case.offer.demands),
            "offer is not its newest version",
        )
    _times(case, check, now)

    live = [i for i in case.agenda_items.all() if i.cancelled_at is None]
    on_agenda = status in ON_AGENDA or (status == Status.CLOSED and hasattr(case, "decision"))
    check(len(live) == (1 if on_agenda else 0), f"{len(live)} live agenda items in {status}")
    if len(live) == 1:
        _agenda_item(case, live[0], status, check, now)
    advice = sorted(a.version for a in case.advice_versions.all())
    check(
        (advice == list(range(1, len(advice) + 1)))
        and (bool(advice) == (status in ADVISED_OR_LATER and on_agenda)),
        "advice versions",
    )
    check(
        hasattr(case, "decision") == (status in DECIDED_OR_LATER and on_agenda),
        "decision present in the wrong state",
    )
    # The statistics find advice and decisions by the municipality they keep of their case, and
    # count them as the sent cases' (``reports.selectors``).
    given = [a.municipality_id for a in case.advice_versions.all()]
    given += [case.decision.municipality_id] if hasattr(case, "decision") else []
    check(
        all(municipality == case.municipality_id for municipality in given),
        "advice or decision of another municipality",
    )
    check(not given or case.first_sent_at is not None, "advice or decision on a case never sent")
    # The statistics count a case's items by what each keeps of it (``AgendaItem.case_sent``,
    # ``AgendaItem.requested_on``).
    requested = request_day(case.submitted_at)
    check(
        all(
            item.case_sent == (case.first_sent_at is not None) and item.requested_on == requested
            for item in case.agenda_items.all()
        ),
        "agenda item disagrees with its case",
    )
    # And of its own dispatch and conversation (``AgendaItem.dispatch_late``, ``.held``).
    dispatches = {d.agenda_item_id: d for d in case.dispatches.all()}
    held = {c.agenda_item_id for c in case.conversations.all()}
    for item in case.agenda_items.all():
        sent = dispatches.get(item.pk)
        check(
            (item.dispatch_late, item.dispatch_days_late)
            == ((sent.is_late, sent.working_days_late) if sent else (None, None)),
            "agenda item disagrees with its dispatch",
        )
        check(item.held == (item.pk in held), "agenda item disagrees with its conversation")
    check((case.closed_at is not None) == (status in TERMINAL_STATES), "closed_at and state")
    if status == Status.REJECTED:
        check(bool(case.rejection_reason), "rejected without a reason")
    # The stored list order, recomputed here from what the case holds.
    sent_items = {d.agenda_item_id for d in case.dispatches.all()}
    to_send = [i.dispatch_deadline for i in live if i.pk not in sent_items]
    check(
        (case.list_closed, case.list_deadline)
        == (status in TERMINAL_STATES, min(to_send, default=NO_DEADLINE)),
        "stored list order differs from the case",
    )
    _events(case, status, check)
    return found


def _times(case: Case, check, now: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    moments = [case.created_at, case.submitted_at, case.first_sent_at, case.closed_at]
    known = [m for m in moments if m is not None]
    check(known == sorted(known), "created, submitted, sent and closed out of order")
    check(all(m <= now for m in known), "a moment in the future")
    check(
        (case.submitted_at is None) == (case.status == Status.DRAFT)
        or case.status == Status.WITHDRAWN,
        "submitted_at and state",
    )


def _agenda_item(case: Case, item: AgendaItem, status: Status, check, now: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    meeting = item.meeting
    check(meeting.cancelled_at is None, "live item on a cancelled meeting")
    check(
        meeting.starts_at <= item.starts_at < item.ends_at <= meeting.ends_at,
        "item outside its meeting",
    )
    check(meeting.municipality_id == case.municipality_id, "meeting of another municipality")
    expected = dispatch_deadline(meeting.date, meeting.deadline_working_days)
    check(
        item.dispatch_deadline == meeting.dispatch_deadline == expected,
        "dispatch deadline is not the meeting's",
    )
    dispatches = [d for d in case.dispatches.all() if d.agenda_item_id == item.pk]
    sent = status != Status.SCHEDULED
    check(len(dispatches) == (1 if sent else 0), "dispatch and state")
    for dispatch in dispatches:
        check(dispatch.deadline == item.dispatch_deadline, "dispatch measured another deadline")
        sent_day = timezone.localdate(dispatch.sent_at)
        check(dispatch.is_late == (sent_day > dispatch.deadline), "dispatch lateness")
        check(case.first_sent_at is not None, "sent without first_sent_at")
    conversations = [c for c in case.conversations.all() if c.agenda_item_id == item.pk]
    check(len(conversations) == (1 if status in HELD_OR_LATER else 0), "conversation and state")
    for conversation in conversations:
        check(
            conversation.started_at < conversation.ended_at <= now,
            "conversation times",
        )
        for advice in case.advice_versions.all():
            check(advice.submitted_at >= conversation.ended_at, "advice before the conversation")


def _events(case: Case, status: Status, check) -> None:  # type: ignore[no-untyped-def]
    changes = [e for e in case.events.all() if e.to_state and e.to_state != e.from_state]
    check(bool(changes), "no events")
    if not changes:
        return
    for before, after in zip(changes, changes[1:], strict=False):
        check(after.from_state == before.to_state, "event chain broken")
        check(after.at >= before.at, "events out of order")
    check(changes[-1].to_state == status, "last event does not end in the state")
