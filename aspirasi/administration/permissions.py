"""Who runs the office screens: the Django superuser, and whoever holds (or acts for) a
position whose SOP role keeps the office settings (`keeps_office_settings`: the Kabag TU).

The office settings (who holds which desk, Plh, categories, the calendar) change who sees the
cases and when they fall due, so they stay with that role alone; saved replies have a
capability of their own (aspirasi/replies/selectors.py).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from aspirasi.officials.capacity import capacities
from aspirasi.sop.registry import current_sop


def administering_positions() -> set[str]:
    return current_sop().positions_with("keeps_office_settings")


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
