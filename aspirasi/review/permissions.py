"""Who opens the management review: those whose role reads every case (the Dean, the Kabag TU,
the quality officer: decision 11) and the holders of the positions that report the results of
customer communication to the Dean (the vice deans, step 12), with their acting officials.
Both are read from the SOP in force, never from a position's or a role's code."""

from __future__ import annotations

from aspirasi.officials.capabilities import has_capability
from aspirasi.officials.capacity import capacities
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import current_sop
from aspirasi.web.access import request_capacities, requiring

READS_EVERY_CASE = "reads_every_case"


def reporting_positions(sop: Sop) -> set[str]:
    """The positions of the roles that act at a step whose action sends the batched report."""
    roles = {sop.step(number).actor for number in sop.reporting_steps()}
    return {p.code for role in roles for p in sop.positions_of_role(role)}


def may_review(user, held: set[str] | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    held = set(capacities(user)) if held is None else held
    if has_capability(user, READS_EVERY_CASE, held):
        return True
    return bool(reporting_positions(current_sop()) & held)


review_required = requiring(
    lambda request: may_review(request.user, set(request_capacities(request)))
)
