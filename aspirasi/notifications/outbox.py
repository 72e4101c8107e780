"""The one door every outgoing message goes through.

Callers enqueue inside the transaction of the change that causes the message. The same
transaction records the django-tasks task that will deliver it (the database backend writes it to
the same database), so the change, its message and the order to send it commit together or not at
all. The worker delivers after commit, with retries (delivery.py). Nothing here talks to a mail
server.
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
                next_attempt_at=timezone.now(),
            )
            schedule_delivery(message)
            return message
    except IntegrityError:
        if Message.objects.filter(key=key).exists():
            return None
        raise


def schedule_delivery(message: Message, at: dt.datetime | None = None) -> str:
    """Enqueue the task that delivers `message` (not before `at`); call inside a transaction
    that also records the message's state, so the two never disagree."""
    from .tasks import deliver_message

    task = deliver_message.using(run_after=at) if at is not None else deliver_message
    result = task.enqueue(message.pk)
    Message.objects.filter(pk=message.pk).update(task_id=str(result.id))
    message.task_id = str(result.id)
    return message.task_id


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "." for c in key)
