"""Writing internal notes: any current official, on any case they may read (decision 11), open
or archived (a note is a new record beside the case, it changes nothing of it: decision 15)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.cases.access import may_read
from aspirasi.cases.engine import Incomplete, NotPermitted
from aspirasi.cases.models import Aspiration
from aspirasi.officials.capacity import capacities

from .models import MAX_NOTE, InternalNote


def note_add(
    *, case: Aspiration, author, text: str, now: dt.datetime | None = None
) -> InternalNote:
    now = now or timezone.now()
    on = timezone.localdate(now)
    held = capacities(author, on)
    if not (author.is_superuser or held):
        raise NotPermitted(_("Only officials write internal notes."))
    if not may_read(author, case, on, held=held):
        raise NotPermitted(_("You may not read this case."))
    text = (text or "").strip()
    if not text:
        raise Incomplete(_("Write the note."), {"text": _("Write the note.")})
    if len(text) > MAX_NOTE:
        message = _("At most %(n)s characters.") % {"n": MAX_NOTE}
        raise Incomplete(message, {"text": message})
    # The position the note speaks for: the one holding the case if the author holds it, else
    # the author's first; none for the admin who holds no position.
    capacity = held.get(case.current_position) or next(iter(held.values()), None)
    return InternalNote.objects.create(
        aspiration=case,
        author=author,
        author_name=author.get_full_name() or author.get_username(),
        position=capacity.position if capacity else "",
        acting=capacity.acting if capacity else False,
        text=text,
        created_at=now,
    )
