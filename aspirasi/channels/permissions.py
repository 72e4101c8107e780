"""Who sees the step-1 register and who keeps it.

Step 1 of the SOP ("ensure the means ... are available") is a standing duty of the role the SOP
names as its actor (the clerk): holders of that role's positions, and their Plh, see the
register. The office admin (aspirasi/administration/permissions.py) sees it and keeps it: who
looks after each channel, and whether it is in use.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from aspirasi.administration.permissions import may_administer
from aspirasi.officials.capacity import capacities
from aspirasi.sop.registry import current_sop


def register_positions() -> set[str]:
    """The positions of the roles that carry the SOP's standing steps."""
    sop = current_sop()
    roles = {step.actor for step in sop.steps.values() if step.standing}
    return {p.code for role in roles for p in sop.positions_of_role(role)}


def may_see_register(user, held: set[str] | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if held is None:
        held = set(capacities(user))
    return may_administer(user, held) or bool(register_positions() & held)


def may_keep_channels(user, held: set[str] | None = None) -> bool:
    return may_administer(user, held)


def _requiring(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


register_viewer_required = _requiring(may_see_register)
channel_keeper_required = _requiring(may_keep_channels)
