"""An official's deadline warnings, and the worker's state for the admin."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from aspirasi.web.access import official_required

from . import selectors


@require_http_methods(["GET", "HEAD"])
@official_required
def my_warnings(request: HttpRequest) -> HttpResponse:
    warnings = list(selectors.warnings_for(request.user)[:200])
    rows = [(w, selectors.still_waiting(w)) for w in warnings]
    return render(request, "notifications/my_warnings.html", {"rows": rows})


@require_http_methods(["GET", "HEAD"])
@login_required
def worker_status(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    return render(
        request, "notifications/worker_status.html", {"status": selectors.worker_status()}
    )
