"""Who sees the step-1 register and who keeps it.

Step 1 of the SOP ("ensure the means ... are available") is a standing duty of the role the SOP
names as its actor (the clerk): holders of that role's positions, and their Plh, see the
register. The office admin (aspirasi/officials/capabilities.py) sees it and keeps it: who
looks after each channel, and whether it is in use.
"""

from __future__ import annotations

from aspirasi.officials.capabilities import may_keep_office
from aspirasi.officials.capacity import capacities
from aspirasi.sop.registry import current_sop
from aspirasi.web.access import requiring


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
    return may_keep_office(user, held) or bool(register_positions() & held)


def may_keep_channels(user, held: set[str] | None = None) -> bool:
    return may_keep_office(user, held)


register_viewer_required = requiring(lambda request: may_see_register(request.user))
channel_keeper_required = requiring(lambda request: may_keep_channels(request.user))
