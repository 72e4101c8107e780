"""The IKM page for officials. The customer answers the survey on their tracking page
(aspirasi/public/views.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from aspirasi.web.access import official_required

from . import selectors
from .elements import ELEMENTS


@require_http_methods(["GET", "HEAD"])
@official_required
def ikm_per_month(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("tahun", this_year))
    except ValueError:
        year = this_year
    if not 2000 <= year <= this_year + 1:
        year = this_year
    months, whole = selectors.monthly(year)
    return render(
        request,
        "survey/ikm.html",
        {
            "year": year,
            "months": months,
            "whole": whole,
            "elements": ELEMENTS,
            "years": range(this_year, this_year - 5, -1),
        },
    )
