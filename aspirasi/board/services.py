"""Writing the board: only the clerk, only for an answered case whose customer consented."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.cases.engine import Incomplete, NotPermitted
from aspirasi.cases.models import Aspiration
from aspirasi.officials.capacity import capacity_for
from aspirasi.sop.registry import current_sop

from .models import MAX_PUBLIC_ANSWER, MAX_SUMMARY, BoardEntry


def clerk_positions() -> list[str]:
    """The positions of the SOP's entry-step role (the Kasubbag): they write the board."""
    sop = current_sop()
    return [p.code for p in sop.positions_of_role(sop.entry_step.actor)]


def may_write(user, case: Aspiration) -> bool:
    return eligible(case) and any(capacity_for(user, p) for p in clerk_positions())


def eligible(case: Aspiration) -> bool:
    """Answered, and the customer said yes to the board."""
    return case.answered_at is not None and case.public_consent


@transaction.atomic
def board_entry_write(
    *,
    case: Aspiration,
    user,
    summary: str,
    public_answer: str,
    published: bool = True,
    now: dt.datetime | None = None,
) -> BoardEntry:
    now = now or timezone.now()
    if not eligible(case):
        raise NotPermitted(
            _("Only an answered case whose customer agreed can appear on the public board.")
        )
    if not any(capacity_for(user, p) for p in clerk_positions()):
        raise NotPermitted(_("Only the clerk writes the public board."))
    summary, public_answer = (summary or "").strip(), (public_answer or "").strip()
    errors = {}
    if not summary:
        errors["summary"] = _("Write a short summary of the aspiration for the public.")
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = _("At most %(n)s characters.") % {"n": MAX_SUMMARY}
    if not public_answer:
        errors["public_answer"] = _("Write the answer as the public may read it.")
    elif len(public_answer) > MAX_PUBLIC_ANSWER:
        errors["public_answer"] = _("At most %(n)s characters.") % {"n": MAX_PUBLIC_ANSWER}
    if errors:
        raise Incomplete(_("The board entry is not complete yet."), errors)
    entry, created = BoardEntry.objects.select_for_update().get_or_create(
        aspiration=case,
        defaults={
            "summary": summary,
            "public_answer": public_answer,
            "published": published,
            "category": case.category,
            "answered_at": case.answered_at,
            "written_by": user,
            "written_at": now,
            "updated_at": now,
        },
    )
    if not created:
        entry.summary = summary
        entry.public_answer = public_answer
        entry.published = published
        entry.written_by = user
        entry.updated_at = now
        entry.save()
    return entry
