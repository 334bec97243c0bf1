"""Download of issued documents (agendas as sent, guidance letters)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from sundhedskoordinator.core.errors import NotFoundError
from sundhedskoordinator.organisations.models import User

from .delivery import attachment, verified_content
from .selectors import read_issued


@login_required
def issued_download(request: HttpRequest, document_id: int) -> HttpResponse:
    """The PDF as it was issued, checksum verified; the download is logged."""
    user: User = request.user  # type: ignore[assignment]
    try:
        document = read_issued(user=user, document_id=document_id)
    except NotFoundError as exc:
        raise Http404 from exc
    return attachment(document, verified_content(document), name=document.download_name)
