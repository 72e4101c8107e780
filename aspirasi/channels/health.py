"""Channels report here whether they work; the step-1 register shows it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import ChannelHealth


def report_health(
    channel: str, probe: str, *, ok: bool, detail: str = "", now: dt.datetime | None = None
) -> None:
    """Record the outcome of one probe (e.g. report_health("email", "send", ok=False, ...)).

    Called from the mail worker and the e-mail intake; cheap and safe to call often.
    """
    now = now or timezone.now()
    defaults = {"ok": ok, "detail": detail[:500], "checked_at": now}
    if ok:
        defaults["last_ok_at"] = now
    ChannelHealth.objects.update_or_create(channel=channel, probe=probe, defaults=defaults)
