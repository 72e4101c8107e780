"""The daily digest: each morning, every official hears what waits for them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aspirasi.cases.selectors import due_mark, inbox_for
from aspirasi.clock.calendar import faculty_calendar

from . import compose
from .outbox import enqueue
from .recipients import officials_with_a_desk

DIGEST_ROWS = 50


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Enqueue today's digest for every official with something waiting; once per official and
    day, however often it is called. Returns how many were enqueued now."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    calendar = faculty_calendar()
    if not calendar.is_working_day(on):
        return 0
    sent = 0
    for user in officials_with_a_desk(on):
        waiting = inbox_for(user, on)
        rows = [(case, due_mark(case, now, calendar)) for case in waiting[:DIGEST_ROWS]]
        if not rows:
            continue
        total = len(rows) if len(rows) < DIGEST_ROWS else waiting.count()
        if enqueue(
            compose.daily_digest(user, rows, total),
            key=f"digest:{on.isoformat()}:user{user.pk}",
            now=now,
        ):
            sent += 1
    return sent
