"""Who may see the customer behind a confidential case (decision 11), and the record of each
showing. Every screen, printout and file download asks here."""

from __future__ import annotations

import logging

from django.utils import timezone

from aspirasi.officials.capacity import capacity_for

from .choices import Privacy
from .models import Aspiration, IdentityView

identity_log = logging.getLogger("aspirasi.identity")


def may_see_identity(user, case: Aspiration, *, occasion: str = "") -> bool:
    """Whether the customer's identity may be shown to this official (decision 11).

    Normal cases: always. Anonymous ones: never (none is stored). Confidential ones: only to an
    official who holds the case now or held a step of it; each such showing is recorded (with the
    occasion, e.g. a printout, when it is not the case page) and logged.
    """
    if case.shows_identity:
        return True
    if case.privacy != Privacy.CONFIDENTIAL:
        return False  # anonymous: there is no identity to show
    if case.current_position and capacity_for(user, case.current_position):
        reason = "holds the case now"
    elif case.trail.filter(actor=user).exists():
        reason = "held a step of it"
    else:
        return False
    if occasion:
        reason = f"{reason} ({occasion})"
    IdentityView.objects.create(aspiration=case, user=user, viewed_at=timezone.now(), reason=reason)
    identity_log.info(
        "identity of confidential case %s shown to %s (%s)",
        case.tracking_code,
        user.get_username(),
        reason,
    )
    return True
