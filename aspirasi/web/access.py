"""Who may open the officials' pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.cache import add_never_cache_headers

from aspirasi.officials.capacity import Capacity, capacities


def request_capacities(request) -> dict[str, Capacity]:
    """The signed-in user's positions today, read once per request (the permission check, the
    page and the menu all ask)."""
    cached = getattr(request, "_aspirasi_capacities", None)
    if cached is None:
        cached = capacities(request.user)
        request._aspirasi_capacities = cached
    return cached


def requiring(check):
    """A view decorator: signed in (else to the login page), and `check(request)` true (else
    403). Officials' pages are never cached: they show identities and internal notes."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not check(request):
                raise PermissionDenied
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapped

    return decorator


# An official today (holder, Plh or admin): is_official's rule, on the positions this request
# has read once.
official_required = requiring(
    lambda request: request.user.is_superuser or bool(request_capacities(request))
)
