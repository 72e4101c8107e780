"""What an official may do beyond the steps of their role: the capabilities the SOP file gives
roles (`keeps_office_settings`, `keeps_saved_replies`, `receives_reports`, `reads_every_case`),
held through any position of such a role, as its holder or its acting official. The admin
(Django superuser) has them all."""

from __future__ import annotations

import datetime as dt

from aspirasi.sop.registry import current_sop

from .capacity import capacities


def has_capability(
    user, capability: str, held: set[str] | None = None, on: dt.date | None = None
) -> bool:
    """`held`: the user's position codes today, when the caller already has them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if held is None:
        held = set(capacities(user, on))
    return bool(current_sop().positions_with(capability) & held)


def may_keep_office(user, held: set[str] | None = None) -> bool:
    """Who holds which position, Plh, categories, the calendar: these change who sees the
    cases and when they fall due, so they stay with the role that keeps the office."""
    return has_capability(user, "keeps_office_settings", held)
