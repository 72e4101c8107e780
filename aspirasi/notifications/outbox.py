"""The one door every outgoing message goes through.

Callers enqueue inside the transaction of the change that causes the message, so the change and
its message commit together or not at all. The row is the whole order to send: a worker finds it
by its `next_attempt_at` once it is committed and delivers it, with retries (worker.py,
delivery.py). Nothing here talks to a mail server.

Anyone can make the faculty mail an address by writing from it (a forged From) or typing it into
a form, so the messages the system sends a customer by itself (AUTOMATIC_CUSTOMER_KINDS) are
limited per address (ASPIRASI_MAIL_LIMITS). One over the limit is still recorded, as "held", with
its reason, and is never sent; the change that caused it (a new case) is kept all the same.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AUTOMATIC_CUSTOMER_KINDS, SECRET_KINDS, Message

State = Message.State
HeldReason = Message.HeldReason
# The windows of ASPIRASI_MAIL_LIMITS, shortest first: the reason names the first one exceeded.
WINDOWS = (
    ("PER_HOUR", dt.timedelta(hours=1), HeldReason.HOURLY_LIMIT),
    ("PER_DAY", dt.timedelta(days=1), HeldReason.DAILY_LIMIT),
)


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
    forget_body = outgoing.forget_body or outgoing.kind in SECRET_KINDS
    try:
        with transaction.atomic():
            held = over_limit(outgoing, now) if outgoing.kind in AUTOMATIC_CUSTOMER_KINDS else ""
            # A held message is never sent: a secret link in it would be a working key kept
            # for nothing.
            blank = bool(held) and forget_body
            message = Message.objects.create(
                key=key,
                # Random part: another installation (or a database restored from a copy) never
                # reuses an identifier that this one sent. Long enough not to be guessed, since
                # a reply naming it joins the case (mailintake).
                message_id=f"<{_safe(key)}.{secrets.token_hex(8)}@{domain}>",
                kind=outgoing.kind,
                to=outgoing.to,
                language=outgoing.language,
                subject=outgoing.subject,
                text_body="" if blank else outgoing.text_body,
                html_body="" if blank else outgoing.html_body,
                forget_body=forget_body,
                aspiration=aspiration,
                created_at=now,
                state=State.HELD if held else State.PENDING,
                held_reason=held,
                # The worker's clock, not the event's: an event dated in the past or the future
                # is still sent now.
                next_attempt_at=_due_now(),
            )
            return message
    except IntegrityError:
        if Message.objects.filter(key=key).exists():
            return None
        raise


def over_limit(outgoing: Outgoing, now: dt.datetime) -> str:
    """The reason this automatic message must be held back, or "" when the address may have it.

    Counted are the automatic messages to the address that were not held themselves, by when
    their events happened: a flood of held ones does not push the address's own mail further off.
    """
    limits = settings.ASPIRASI_MAIL_LIMITS
    addresses = {outgoing.to, outgoing.to.strip().lower()}
    recent = Message.objects.filter(to__in=addresses, kind__in=AUTOMATIC_CUSTOMER_KINDS).exclude(
        state=State.HELD
    )
    for name, window, reason in WINDOWS:
        limit = limits.get(name) or 0
        if limit and recent.filter(created_at__gt=now - window).count() >= limit:
            return reason
    return ""


def hold_back(aspiration, reason: str) -> int:
    """Hold the case's automatic customer messages that wait unsent (its receipt), in the
    transaction that queued them: the intake's answer to a sender it could not verify."""
    waiting = Message.objects.filter(
        aspiration=aspiration,
        kind__in=AUTOMATIC_CUSTOMER_KINDS,
        state=State.PENDING,
        attempts=0,
    )
    waiting.filter(forget_body=True).update(text_body="", html_body="")
    return waiting.update(state=State.HELD, held_reason=reason)


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "." for c in key)


def _due_now() -> dt.datetime:
    """Now, to the millisecond below: SQLite's clock, which the worker compares due times
    with, reads milliseconds, so a message written within the current millisecond would
    otherwise wait for the next round."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
