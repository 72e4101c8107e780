"""Serving an attachment: to the case's customer (code and secret) or to an official, always
as a download of its sniffed type, never rendered by the browser."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from aspirasi.cases.models import Aspiration
from aspirasi.desk.views import official_required
from aspirasi.public.access import not_found, with_customer_case

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


def _download(attachment: Attachment) -> HttpResponse:
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
        filename=attachment.download_name,
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
    attachment = Attachment.objects.filter(pk=pk, aspiration=case).first()
    if attachment is None:
        return not_found(request)
    return _download(attachment)


@require_http_methods(["GET", "HEAD"])
@official_required
def official_download(request: HttpRequest, pk: int):
    return _download(get_object_or_404(Attachment, pk=pk))
