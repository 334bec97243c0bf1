"""Reading an issued document: the same scope rules as the meeting or citizen it belongs to,
and every read or refusal logged."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sundhedskoordinator.access.models import AccessAction
from sundhedskoordinator.access.policy import grants_for, team_scope
from sundhedskoordinator.access.services import log_access
from sundhedskoordinator.citizens.selectors import scope_citizens
from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.organisations.models import User

from .models import IssuedDocument, IssuedKind


def _may_read(user: User, document: IssuedDocument) -> bool:
    if document.kind == IssuedKind.AGENDA:
        # The meetings the user sees (``meetings.selectors.scope_meetings``), asked of the document.
        visible = IssuedDocument.objects.filter(team_scope(user, via="meeting"))
        return visible.filter(pk=document.pk).exists()
    citizen = document.guidance.citizen  # type: ignore[union-attr]
    return citizen.user_id == user.pk or scope_citizens(user).filter(pk=citizen.pk).exists()


def read_issued(*, user: User, document_id: int) -> IssuedDocument:
    """The issued document for download, if the user may see what it belongs to."""
    grants = grants_for(user)
    document = (
        IssuedDocument.objects.select_related("guidance__citizen", "meeting")
        .filter(pk=document_id)
        .first()
    )
    allowed = document is not None and _may_read(user, document)
    # A guidance letter concerns its citizen: the read shows in their "Min log".
    guidance = document.guidance if document is not None else None
    log_access(
        user=user,
        action=AccessAction.DOWNLOAD if allowed else AccessAction.DENIED,
        object_type="issued_document",
        object_id=document_id,
        citizen=guidance.citizen if guidance is not None else None,
        grants=grants,
    )
    if not allowed or document is None:
        raise NotFoundError("not_found", _("Dokumentet findes ikke, eller du har ikke adgang."))
    return document
