"""Template context every page needs: the SOP in force and the signed-in official's positions."""

from aspirasi.officials.capacity import Capacity, capacities
from aspirasi.sop.registry import current_sop


def request_capacities(request) -> dict[str, Capacity]:
    """The signed-in user's positions today, read once per request (the permission check, the
    page and the menu all ask)."""
    cached = getattr(request, "_aspirasi_capacities", None)
    if cached is None:
        cached = capacities(request.user)
        request._aspirasi_capacities = cached
    return cached


def desk(request):
    context = {"SOP": current_sop()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_capacities"] = list(request_capacities(request).values())
    return context
