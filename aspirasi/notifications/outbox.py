"""The one door every outgoing message goes through.

Callers enqueue inside the transaction of the change that causes the message, so the change and
its message commit together or not at all. The row is the whole order to send: a worker finds it
by its `next_attempt_at` once it is committed and delivers it, with retries (worker.py,
delivery.py). Nothing here talks to a mail server.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SECRET_KINDS, Message


@dataclass(frozen=True)
class Outgoing:
    kind: str
    to: str
    subject: str
    text_body: str
    html_body: str = ""
    language: str = "id"
    # The body holds something that must not outlive delivery (the receipt's secret link).
    forget_body: bool = False


def enqueue(
    outgoing: Outgoing, *, key: str, aspiration=None, now: dt.datetime | None = None
) -> Message | None:
    """Record a message for delivery; returns None when `key` was enqueued before.

    `key` names the event and the recipient (e.g. "case:12:seq:3:customer"), so running the same
    change twice can never send its message twice. `now` is when the event happened (it may lie
    in the past, for an aspiration entered late); delivery starts at once in any case.
    """
    if not outgoing.to:
        return None
    now = now or timezone.now()
    domain = getattr(settings, "ASPIRASI_MAIL_DOMAIN", "aspirasi.localhost")
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key,
                # Random part: another installation (or a database restored from a copy) never
                # reuses an identifier that this one sent.
                message_id=f"<{_safe(key)}.{secrets.token_hex(4)}@{domain}>",
                kind=outgoing.kind,
                to=outgoing.to,
                language=outgoing.language,
                subject=outgoing.subject,
                text_body=outgoing.text_body,
                html_body=outgoing.html_body,
                forget_body=outgoing.forget_body or outgoing.kind in SECRET_KINDS,
                aspiration=aspiration,
                created_at=now,
                # The worker's clock, not the event's: an event dated in the past or the future
                # is still sent now.
                next_attempt_at=_due_now(),
            )
            return message
    except IntegrityError:
        if Message.objects.filter(key=key).exists():
            return None
        raise


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "." for c in key)


def _due_now() -> dt.datetime:
    """Now, to the millisecond below: SQLite's clock, which the worker compares due times
    with, reads milliseconds, so a message written within the current millisecond would
    otherwise wait for the next round."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
