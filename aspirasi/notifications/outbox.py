"""The one door every outgoing message goes through.

Callers enqueue inside the transaction of the change that causes the message; the worker
delivers it after commit, with retries. Nothing here talks to a mail server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Message


@dataclass(frozen=True)
class Outgoing:
    kind: str
    to: str
    subject: str
    text_body: str
    html_body: str = ""
    language: str = "id"


def enqueue(
    outgoing: Outgoing, *, key: str, aspiration=None, now: dt.datetime | None = None
) -> Message | None:
    """Record a message for delivery; returns None when `key` was enqueued before.

    `key` names the event and the recipient (e.g. "case:12:seq:3:customer"), so running the same
    change twice can never send its message twice.
    """
    if not outgoing.to:
        return None
    now = now or timezone.now()
    domain = getattr(settings, "ASPIRASI_MAIL_DOMAIN", "aspirasi.localhost")
    try:
        with transaction.atomic():
            return Message.objects.create(
                key=key,
                message_id=f"<{_safe(key)}@{domain}>",
                kind=outgoing.kind,
                to=outgoing.to,
                language=outgoing.language,
                subject=outgoing.subject,
                text_body=outgoing.text_body,
                html_body=outgoing.html_body,
                aspiration=aspiration,
                created_at=now,
                next_attempt_at=now,
            )
    except IntegrityError:
        if Message.objects.filter(key=key).exists():
            return None
        raise


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "." for c in key)
