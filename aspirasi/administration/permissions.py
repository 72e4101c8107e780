"""Who runs the office screens: the Django superuser, and whoever holds (or acts for) the
position of the SOP role that heads the faculty's administration (the Kabag Tata Usaha).

The saved replies (aspirasi/replies/selectors.py) are kept by the clerk and the Kabag TU; the
office settings here (who holds which desk, Plh, categories, the calendar) change who sees the
cases and when they fall due, so they stay with the head of administration alone.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from aspirasi.officials.capacity import capacities
from aspirasi.sop.registry import current_sop

ADMINISTERING_ROLES = ("head_of_administration",)


def administering_positions() -> set[str]:
    sop = current_sop()
    return {p.code for role in ADMINISTERING_ROLES for p in sop.positions_of_role(role)}


def may_administer(user, held: set[str] | None = None) -> bool:
    """`held`: the user's position codes today, when the caller already has them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if held is None:
        held = set(capacities(user))
    return bool(administering_positions() & held)


def administration_required(view):
    """Signed in (else to the login page) and an office admin (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_administer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
