"""Writing the case event log; called inside each case service's transaction."""

from __future__ import annotations

from typing import Any

from sundhedskoordinator.core import clock

from .models import CaseEvent, EventKind


def record_event(
    *,
    case: Any,
    kind: EventKind,
    actor: Any,
    role: str,
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event. ``data`` holds identifiers and facts, never health content."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        role=role,
        at=clock.now(),
        from_state=from_state,
        to_state=to_state,
        data=data or {},
    )
