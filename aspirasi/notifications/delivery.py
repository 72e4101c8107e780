"""Delivering the outbox: claim a message, hand it to the mail server, record the outcome.

Exactly once, as far as it can be: a message is claimed with a conditional UPDATE that also sets
a lease, so two workers never send it together; it is marked sent in its own short transaction
right after the server accepted it. Only a worker that dies between those two moments leaves a
message that goes out again when its lease runs out, with the same Message-ID, so the repeat is
recognisable. A failure that may pass (server down, 4xx) is retried with back-off, forever; a
permanent refusal (5xx for the recipient or the content) stops retrying and is shown to the admin.
Nothing is ever dropped.

A lease only protects while it holds, so a worker never hands a message over after its lease may
have run out:

- the whole SMTP session has a deadline, `config.send_seconds` (half the lease) after the claim:
  every socket operation waits at most what is left of it, and a watchdog cuts the connection at
  the deadline, so no slow or stalling server keeps a session going past it;
- right before DATA the lease is renewed with a conditional UPDATE that names this claim (the
  worker and the attempt number, which every claim raises): if another worker took the message
  over meanwhile (this one stalled past its lease), nothing is sent and the new holder decides;
- "now" for claims and renewals is the database's clock (clock.py), so a worker whose clock is
  off cannot take over a lease early.

There is no queue besides the outbox: a worker (worker.py) finds what is due by `due_messages`
and calls `deliver`, whose claim decides which worker sends; a retry only moves
`next_attempt_at` on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import DatabaseError
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from aspirasi.channels.health import report_health

from .clock import database_now
from .config import WorkerConfig, current_config
from .models import Message

log = logging.getLogger("aspirasi.notifications")

State = Message.State

# Socket operations before the first command: connect and greeting, EHLO, STARTTLS, EHLO, AUTH,
# and one to spare. Each may use this share of the time left, so opening ends within it.
OPENING_STEPS = 6

# A database hiccup (SQLite busy past its timeout) must not leave a message that has left looking
# unsent: recording the outcome is tried this often, this far apart, before giving up.
FINISH_ATTEMPTS = 5
FINISH_PAUSE_SECONDS = 0.2


class PermanentFailure(Exception):
    """The mail server refused this message for good; sending it again would not help."""


class LeaseLost(Exception):
    """Another worker took the message over (this one's lease ran out): not ours to send."""


class SendDeadline(TimeoutError):
    """The SMTP session ran out of the time its lease allows; the message is tried again."""


@dataclass(frozen=True)
class Outcome:
    state: str  # "sent", "retry", "rejected", "skipped" (not ours to send now) or "lost"
    detail: str = ""


@dataclass
class Lease:
    """This worker's hold on one message while it sends it."""

    message_pk: int
    worker_id: str
    attempt: int  # the claim's number (Message.attempts after it): no other claim has it
    config: WorkerConfig
    deadline: float  # time.monotonic() by which the SMTP session is over
    clock: Callable[[], dt.datetime] = field(default=database_now)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timeout(self, share: float = 1.0) -> float:
        """The wait allowed for the next socket operation; raises once the deadline passed."""
        remaining = self.remaining()
        if remaining <= 0:
            raise SendDeadline(
                f"the SMTP session passed its deadline ({self.config.send_seconds:g} s)"
            )
        email_timeout = getattr(settings, "EMAIL_TIMEOUT", None) or remaining
        return max(0.001, min(email_timeout, remaining * share))

    def renew(self) -> None:
        """Extend the lease from the database's now if this claim still holds the message;
        raises LeaseLost if another worker took it over."""
        now = self.clock()
        renewed = Message.objects.filter(
            pk=self.message_pk,
            state=State.SENDING,
            leased_by=self.worker_id[:100],
            attempts=self.attempt,
        ).update(lease_until=now + self.config.lease)
        if renewed != 1:
            raise LeaseLost(f"message {self.message_pk} was taken over by another worker")
        if self.remaining() <= 0:
            raise SendDeadline("the lease was renewed after the session's deadline")


def due_messages(now: dt.datetime) -> QuerySet[Message]:
    """Messages a worker may take at `now`: waiting and due, or held by a worker whose lease ran
    out. The worker looks for work with this, and claims with it, so the two never disagree."""
    return Message.objects.filter(
        Q(state=State.PENDING, next_attempt_at__lte=now)
        | Q(state=State.SENDING, lease_until__lt=now)
    )


def claim(message_pk: int, *, worker_id: str, now: dt.datetime, config: WorkerConfig) -> bool:
    """Take the message for sending if it is due (see due_messages): of several workers trying
    at once, the one whose UPDATE matched the row has it. `now` is the database's clock
    (clock.database_now), except in tests that move time."""
    claimed = (
        due_messages(now)
        .filter(pk=message_pk)
        .update(
            state=State.SENDING,
            lease_until=now + config.lease,
            leased_by=worker_id[:100],
            attempts=F("attempts") + 1,
        )
    )
    return claimed == 1


def deliver(
    message_pk: int,
    *,
    worker_id: str = "",
    config: WorkerConfig | None = None,
    now: dt.datetime | None = None,
) -> Outcome:
    """Deliver one message if it is due; safe to call for any message, any number of times.

    `now` (tests) stands for the database's clock at the claim; later readings move on from it.
    """
    config = config or current_config()
    started = time.monotonic()
    if now is None:
        clock = database_now
        now = clock()
    else:
        anchor = now

        def clock() -> dt.datetime:
            return anchor + dt.timedelta(seconds=time.monotonic() - started)

    if not claim(message_pk, worker_id=worker_id, now=now, config=config):
        return Outcome("skipped")
    message = Message.objects.get(pk=message_pk)
    lease = Lease(
        message_pk=message_pk,
        worker_id=worker_id,
        attempt=message.attempts,
        config=config,
        deadline=started + config.send_seconds,
        clock=clock,
    )
    try:
        send(message, lease)
    except LeaseLost as exc:
        log.warning("message %s not sent by %s: %s", message.pk, worker_id, exc)
        return Outcome("lost", str(exc))
    except PermanentFailure as exc:
        _finish(message, State.REJECTED, error=str(exc))
        _report(ok=False, detail=str(exc) if message.to in str(exc) else f"{message.to}: {exc}")
        log.warning("message %s to %s rejected: %s", message.pk, message.to, exc)
        return Outcome("rejected", str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the message waits and retries
        if lease.remaining() <= 0 and not isinstance(exc, SendDeadline):
            exc = SendDeadline(f"cut off at the deadline ({config.send_seconds:g} s): {exc}")
        detail = f"{type(exc).__name__}: {exc}"[:1000]
        retry_later(message, worker_id=worker_id, error=detail, config=config, clock=clock)
        _report(ok=False, detail=detail)
        log.info(
            "message %s to %s waits (attempt %s): %s",
            message.pk,
            message.to,
            message.attempts,
            detail,
        )
        return Outcome("retry", detail)
    _finish(message, State.SENT)
    _report(ok=True, detail=message.to)
    return Outcome("sent")


def _report(*, ok: bool, detail: str) -> None:
    """Step 1's register hears how the last send went; a failure to say so never affects the
    message itself."""
    try:
        report_health("email", "send", ok=ok, detail=detail)
    except DatabaseError:
        log.exception("could not record the e-mail channel's health")


def send(message: Message, lease: Lease | None = None) -> None:
    """Hand one message to the configured mail backend; raises on any failure.

    With a `lease`, the SMTP session keeps to its deadline and the lease is renewed right before
    the message is handed over (LeaseLost: not sent). Other backends (the demo's files) check the
    lease just before writing.
    """
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={
            "Message-ID": message.message_id,
            "Content-Language": message.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    connection = get_connection(fail_silently=False)
    try:
        if lease is not None and isinstance(connection, SMTPBackend):
            _smtp_session(connection, email, lease)
        else:
            if lease is not None:
                lease.renew()
            connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            raise PermanentFailure(_describe(exc.recipients)) from exc
        raise
    except smtplib.SMTPDataError as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}") from exc
        raise


def _smtp_session(backend: SMTPBackend, email: EmailMultiAlternatives, lease: Lease) -> None:
    """One SMTP session for one message, step by step (smtplib's sendmail, split so the lease
    is renewed between RCPT and DATA), within the lease's deadline."""
    encoding = email.encoding or settings.DEFAULT_CHARSET
    from_email = sanitize_address(email.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in email.recipients()]
    payload = email.message().as_bytes(linesep="\r\n")
    # Connecting, TLS and login: each operation gets a share of the time left.
    backend.timeout = lease.timeout(share=1 / OPENING_STEPS)
    try:
        backend.open()
    except Exception:
        if backend.connection is not None:  # e.g. refused at login: do not leave it open
            with contextlib.suppress(Exception):
                backend.connection.close()
            backend.connection = None
        raise
    smtp = backend.connection
    # From here a watchdog closes the socket at the deadline, whatever the server does.
    watchdog = threading.Timer(max(lease.remaining(), 0.0), _cut, args=(smtp,))
    watchdog.daemon = True
    watchdog.start()
    try:
        _bound(smtp, lease)
        smtp.ehlo_or_helo_if_needed()
        options = []
        if smtp.does_esmtp and smtp.has_extn("size"):
            options.append(f"size={len(payload)}")
        _bound(smtp, lease)
        code, reply = smtp.mail(from_email, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, from_email)
        refused = {}
        for recipient in recipients:
            _bound(smtp, lease)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        # The last moment before the message leaves: is it still ours?
        lease.renew()
        _bound(smtp, lease)
        code, reply = smtp.data(payload)
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    finally:
        try:
            if lease.remaining() > 0:
                _bound(smtp, lease)
                smtp.quit()
            else:
                smtp.close()
        except Exception:  # noqa: BLE001 - the outcome is known; saying goodbye may fail
            smtp.close()
        finally:
            watchdog.cancel()
            backend.connection = None


def _bound(smtp: smtplib.SMTP, lease: Lease) -> None:
    """The next command and its reply wait at most what is left of the deadline."""
    timeout = lease.timeout()
    smtp.timeout = timeout
    if smtp.sock is not None:
        smtp.sock.settimeout(timeout)


def _cut(smtp: smtplib.SMTP) -> None:
    """The deadline passed: end the connection under whatever operation is waiting."""
    sock = smtp.sock
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _describe(recipients: dict) -> str:
    return "; ".join(f"{to}: {code} {_text(text)}" for to, (code, text) in recipients.items())


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _finish(message: Message, state: str, *, error: str = "") -> None:
    """Record a final state at once (the window in which a crash could send it twice ends
    here), trying again on a database error (see FINISH_ATTEMPTS). "Sent" wins over whatever
    else happened meanwhile: the server has the message."""
    changes = {
        "state": state,
        "lease_until": None,
        "leased_by": "",
        "last_error": error[:2000],
    }
    if state == State.SENT:
        changes["sent_at"] = timezone.now()
    if message.forget_body:
        changes.update(text_body="", html_body="")
    unsent = Message.objects.filter(pk=message.pk).exclude(state=State.SENT)
    for attempt in range(1, FINISH_ATTEMPTS + 1):
        try:
            unsent.update(**changes)
            return
        except DatabaseError:
            if attempt == FINISH_ATTEMPTS:
                raise
            time.sleep(FINISH_PAUSE_SECONDS)


def retry_later(
    message: Message,
    *,
    worker_id: str,
    error: str,
    config: WorkerConfig,
    clock: Callable[[], dt.datetime] = database_now,
) -> dt.datetime | None:
    """Put the message back to wait until after the back-off, when a worker finds it due again;
    only while this claim (worker and attempt) still holds it."""
    at = clock() + config.backoff(message.attempts)
    released = Message.objects.filter(
        pk=message.pk,
        state=State.SENDING,
        leased_by=worker_id[:100],
        attempts=message.attempts,
    ).update(
        state=State.PENDING,
        next_attempt_at=at,
        lease_until=None,
        leased_by="",
        last_error=error[:2000],
    )
    if released != 1:
        return None  # taken over meanwhile (our lease ran out): its new holder decides
    return at


def send_again(message_pks, *, now: dt.datetime | None = None) -> int:
    """The admin asks for rejected messages to be tried once more (e.g. after a typo in an
    address was fixed at the mail server)."""
    now = now or timezone.now()
    # A receipt's body is gone once it failed for good (it held the secret link): the customer
    # asks for a new link instead.
    rejected = Message.objects.filter(pk__in=message_pks, state=State.REJECTED)
    return rejected.exclude(forget_body=True).update(
        state=State.PENDING, next_attempt_at=now, last_error=""
    )
