"""Serving an attachment: to the case's customer (code and secret) or to an official who may
read its case (aspirasi.cases.access), always as a download of its sniffed type, never rendered
by the browser. Officials' URLs carry the file's random public id, not its number.

A confidential (rahasia) case's files follow the rule for its identity (decision 11,
aspirasi.cases.identity.may_see_identity): only officials who hold the case or held a step
of it may download them, and each download is recorded as a view of the identity. Others are
refused the content as well as the name, although its hidden metadata is gone: what a file shows
is often the identity itself (a student card, a signed letter, a screenshot with a name), which
removing metadata does not touch. They see the file listed under a neutral name
("lampiran-1.jpg"), so they know it exists and get it once the case reaches them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from aspirasi.cases.access import readable_case_or_404
from aspirasi.cases.choices import Privacy
from aspirasi.cases.identity import may_see_identity
from aspirasi.cases.models import Aspiration
from aspirasi.web.access import official_required, request_capacities
from aspirasi.web.customer_access import not_found, with_customer_case

from .models import Attachment
from .services import open_stored

# Types the content sniffer can produce; anything else is never sent as what it claims.
SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


def _download(attachment: Attachment, filename: str | None = None) -> HttpResponse:
    try:
        handle = open_stored(attachment)
    except FileNotFoundError:
        raise Http404 from None
    content_type = (
        attachment.content_type
        if attachment.content_type in SAFE_TYPES
        else "application/octet-stream"
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or attachment.download_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser open it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
@with_customer_case
def customer_download(request: HttpRequest, case: Aspiration, secret: str, pk: int):
    """A file of the case itself (sent with it, or the scan of its paper form)."""
    attachment = Attachment.objects.filter(pk=pk, aspiration=case, response__isnull=True).first()
    if attachment is None:
        return not_found(request)
    return _download(attachment)


@require_http_methods(["GET", "HEAD"])
@with_customer_case
def customer_response_download(request: HttpRequest, case: Aspiration, secret: str, pk: int):
    """A response's file, once the response is published to the customer; before that it does
    not exist for them (the same answer as a wrong key)."""
    attachment = Attachment.objects.filter(
        pk=pk, aspiration=case, response__aspiration=case, response__published_at__isnull=False
    ).first()
    if attachment is None:
        return not_found(request)
    return _download(attachment)


@require_http_methods(["GET", "HEAD"])
@official_required
def official_download(request: HttpRequest, public_id: str):
    """By the file's random public id, never its sequential number; a file of a case the
    official may not read is not found (decision 11), as one that does not exist."""
    attachment = get_object_or_404(Attachment, public_id=public_id)
    case = readable_case_or_404(
        request.user, held=request_capacities(request), pk=attachment.aspiration_id
    )
    if case.privacy == Privacy.CONFIDENTIAL and not may_see_identity(
        request.user, case, occasion="downloaded a file"
    ):
        raise PermissionDenied
    return _download(attachment)
