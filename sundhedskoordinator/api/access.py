"""``/api/v1/me/access-log`` and ``/api/v1/cases/{id}/access-log``: who has seen the data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from sundhedskoordinator.access import selectors
from sundhedskoordinator.cases import selectors as case_selectors
from sundhedskoordinator.organisations.models import User

from .cases import ERRORS
from .pagination import PageParams, page_body, paginate
from .schemas import AccessLogPage

router = Router(tags=["access log"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


@router.get("/me/access-log", response={200: AccessLogPage, **ERRORS})
def my_access_log(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Who has read your data, or tried to (the citizen's "Min log")."""
    count, entries = paginate(selectors.my_access_log(user=_user(request)), page)
    return page_body(count, [selectors.entry(e) for e in entries])


@router.get("/cases/{case_id}/access-log", response={200: AccessLogPage, **ERRORS})
def case_access_log(request: HttpRequest, case_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """The case's access log, for the responsible caseworker and Klinisk Funktion."""
    count, entries = paginate(
        case_selectors.case_access_log(user=_user(request), case_id=case_id), page
    )
    return page_body(count, [selectors.entry(e) for e in entries])


@router.get("/cases/{case_id}/access-log/fhir", response={200: dict[str, Any], **ERRORS})
def case_access_log_fhir(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The case's access log as a FHIR R4 Bundle of AuditEvent resources."""
    entries = case_selectors.case_access_log(user=_user(request), case_id=case_id)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": selectors.fhir_audit_event(e)} for e in entries],
    }
