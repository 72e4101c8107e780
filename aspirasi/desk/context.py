"""Template context every page needs: the SOP in force and the signed-in official's positions."""

from aspirasi.sop.registry import current_sop
from aspirasi.web.access import request_capacities


def desk(request):
    context = {"SOP": current_sop()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_capacities"] = list(request_capacities(request).values())
    return context
