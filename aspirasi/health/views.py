"""/sehat/: 200 when every check passes, else 503. Anonymous callers get the word only; the
admin, or monitoring that sends ASPIRASI_HEALTH_TOKEN as a bearer token, gets JSON naming what
is wrong."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from .checks import all_checks


@require_http_methods(["GET", "HEAD"])
def health(request: HttpRequest) -> HttpResponse:
    checks = all_checks()
    healthy = all(c.ok for c in checks)
    status = 200 if healthy else 503
    if _may_see_details(request):
        response = JsonResponse(
            {
                "healthy": healthy,
                "problems": [f"{c.name}: {c.detail}" for c in checks if not c.ok],
                "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
            },
            status=status,
        )
    else:
        response = HttpResponse(
            "sehat\n" if healthy else "tidak sehat\n",
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    add_never_cache_headers(response)
    return response


def _may_see_details(request: HttpRequest) -> bool:
    if getattr(request.user, "is_superuser", False):
        return True
    token = settings.ASPIRASI_HEALTH_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and secrets.compare_digest(given.encode(), token.encode())
