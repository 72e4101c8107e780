"""Template context every page needs: the SOP in force and the signed-in official's positions."""

from aspirasi.officials.capacity import capacities
from aspirasi.sop.registry import current_sop


def desk(request):
    context = {"SOP": current_sop()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["my_capacities"] = list(capacities(user).values())
    return context
