"""Printed documents served to officials: the form of a case, a step-12 report, a receipt slip.

An official prints the cases and reports they may read (decision 11, aspirasi.cases.access; any
other is not found); a confidential identity is printed only for those who may see it. Customers
get nothing here. The PDFs are built by plain modules; these views only check who asks and serve
the bytes.
"""

from __future__ import annotations

import logging
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aspirasi.cases.access import readable_case_or_404, readable_cases, readable_report_or_404
from aspirasi.cases.identity import may_see_identity
from aspirasi.cases.models import Aspiration
from aspirasi.web.access import official_required, request_capacities

from .fonts import FontsMissing, font_files
from .form import case_form_pdf
from .handoff import pending_secret
from .receipt import receipt_pdf
from .report import report_pdf
from .selectors import received_by

log = logging.getLogger(__name__)


@require_http_methods(["GET", "HEAD"])
@never_cache
@official_required
def case_form(request: HttpRequest, code: str) -> HttpResponse:
    case = _get_case(request, code)
    if (problem := _fonts_problem(request)) is not None:
        return problem
    show_identity = may_see_identity(request.user, case, occasion="printed the form")
    data = case_form_pdf(case, show_identity=show_identity, printed_by=_name(request.user))
    return _pdf(data, f"formulir-{case.tracking_code}")


@require_http_methods(["GET", "HEAD"])
@never_cache
@official_required
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    held = request_capacities(request)
    report = readable_report_or_404(request.user, held=held, public_id=public_id)
    if (problem := _fonts_problem(request)) is not None:
        return problem
    cases = readable_cases(request.user, held=held)
    data = report_pdf(report, printed_by=_name(request.user), cases=cases)
    return _pdf(data, f"laporan-{report.pk}")


@require_http_methods(["GET", "HEAD"])
@never_cache
@official_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    case = _get_case(request, code)
    secret = pending_secret(request, case)
    if secret is None:
        return render(request, "printing/receipt_gone.html", {"case": case}, status=410)
    if (problem := _fonts_problem(request)) is not None:
        return problem
    data = receipt_pdf(
        case,
        link=request.build_absolute_uri(reverse("public:track", args=[case.tracking_code, secret])),
        lookup_url=request.build_absolute_uri(reverse("public:track_lookup")),
        secret=secret,
        received_by=received_by(case),
    )
    return _pdf(data, f"tanda-terima-{case.tracking_code}")


def _get_case(request: HttpRequest, code: str) -> Aspiration:
    return readable_case_or_404(
        request.user,
        Aspiration.objects.select_related("category", "duplicate_of", "follow_up_of"),
        held=request_capacities(request),
        tracking_code=code,
    )


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _fonts_problem(request: HttpRequest) -> HttpResponse | None:
    """A page saying printing is out of order, when the font is missing (the log says why)."""
    try:
        font_files()
    except FontsMissing as exc:
        log.error("cannot print: %s", exc)
        return render(request, "printing/unavailable.html", status=503)
    return None


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    filename = _UNSAFE.sub("-", name).strip("-.") or "dokumen"
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
