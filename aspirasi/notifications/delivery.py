"""Delivering the outbox: claim a message, hand it to the mail server, record the outcome.

Exactly once, as far as it can be: a message is claimed with a conditional UPDATE that also sets
a lease, so two workers never send it together; it is marked sent in its own short transaction
right after the server accepted it. Only a worker that dies between those two moments leaves a
message that goes out again when its lease runs out, with the same Message-ID, so the repeat is
recognisable. A failure that may pass (server down, 4xx) is retried with back-off, forever; a
permanent refusal (5xx for the recipient or the content) stops retrying and is shown to the admin.
Nothing is ever dropped.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.utils import retry

from aspirasi.channels.health import report_health

from .config import WorkerConfig, current_config
from .models import Message
from .outbox import schedule_delivery

log = logging.getLogger("aspirasi.notifications")

State = Message.State


class PermanentFailure(Exception):
    """The mail server refused this message for good; sending it again would not help."""


@dataclass(frozen=True)
class Outcome:
    state: str  # "sent", "retry", "rejected" or "skipped" (not ours to send now)
    detail: str = ""


def claim(message_pk: int, *, worker_id: str, now: dt.datetime, config: WorkerConfig) -> bool:
    """Take the message for sending: due and waiting, or held by a worker whose lease ran out."""
    claimed = (
        Message.objects.filter(pk=message_pk)
        .filter(
            Q(state=State.PENDING, next_attempt_at__lte=now)
            | Q(state=State.SENDING, lease_until__lt=now)
        )
        .update(
            state=State.SENDING,
            lease_until=now + config.lease,
            leased_by=worker_id[:100],
            attempts=F("attempts") + 1,
        )
    )
    return claimed == 1


def deliver(message_pk: int, *, worker_id: str = "", config: WorkerConfig | None = None) -> Outcome:
    """Deliver one message if it is due; safe to call for any message, any number of times."""
    config = config or current_config()
    if not claim(message_pk, worker_id=worker_id, now=timezone.now(), config=config):
        return Outcome("skipped")
    message = Message.objects.get(pk=message_pk)
    try:
        send(message)
    except PermanentFailure as exc:
        _finish(message, State.REJECTED, error=str(exc))
        _report(ok=False, detail=f"{message.to}: {exc}")
        log.warning("message %s to %s rejected: %s", message.pk, message.to, exc)
        return Outcome("rejected", str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the message waits and retries
        detail = f"{type(exc).__name__}: {exc}"[:1000]
        retry_later(message, worker_id=worker_id, error=detail, config=config)
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


def send(message: Message) -> None:
    """Hand one message to the configured mail backend; raises on any failure."""
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


def _describe(recipients: dict) -> str:
    return "; ".join(f"{to}: {code} {_text(text)}" for to, (code, text) in recipients.items())


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


# A database hiccup (SQLite busy past its timeout) must not leave a message that has left looking
# unsent: recording the outcome is retried a few times before giving up.
@retry(retries=5, backoff_delay=0.2)
def _finish(message: Message, state: str, *, error: str = "") -> None:
    """Record a final state at once (the window in which a crash could send it twice ends
    here). "Sent" wins over whatever else happened meanwhile: the server has the message."""
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
    Message.objects.filter(pk=message.pk).exclude(state=State.SENT).update(**changes)


def retry_later(
    message: Message, *, worker_id: str, error: str, config: WorkerConfig
) -> dt.datetime | None:
    """Put the message back to wait, and enqueue its next attempt after the back-off."""
    at = timezone.now() + config.backoff(message.attempts)
    with transaction.atomic():
        released = Message.objects.filter(
            pk=message.pk, state=State.SENDING, leased_by=worker_id[:100]
        ).update(
            state=State.PENDING,
            next_attempt_at=at,
            lease_until=None,
            leased_by="",
            last_error=error[:2000],
        )
        if released != 1:
            return None  # taken over meanwhile (our lease ran out): its new holder decides
        schedule_delivery(message, at=at)
    return at


def send_again(message_pks, *, now: dt.datetime | None = None) -> int:
    """The admin asks for rejected messages to be tried once more (e.g. after a typo in an
    address was fixed at the mail server)."""
    now = now or timezone.now()
    count = 0
    # A receipt's body is gone once it failed for good (it held the secret link): the customer
    # asks for a new link instead.
    rejected = Message.objects.filter(pk__in=message_pks, state=State.REJECTED)
    for message in rejected.exclude(forget_body=True):
        with transaction.atomic():
            if Message.objects.filter(pk=message.pk, state=State.REJECTED).update(
                state=State.PENDING, next_attempt_at=now, last_error=""
            ):
                schedule_delivery(message)
                count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Recovering what a dead worker held


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped while running it (killed, machine gone)."""


def recover_lost_work(*, now: dt.datetime | None = None, config: WorkerConfig | None = None) -> int:
    """Give every waiting message without a live task a new one; mark dead workers' tasks failed.

    django-tasks leaves a task RUNNING when its worker dies and never retries it. A message is
    waiting when it is due, or held under a lease that ran out. Its task is alive while READY, or
    RUNNING for less than a lease (a delivery claims its message at once and ends within its
    lease). Returns how many messages got a new task.
    """
    from django_tasks_db.models import DBTaskResult

    config = config or current_config()
    now = now or timezone.now()
    waiting = list(
        Message.objects.filter(
            Q(state=State.PENDING, next_attempt_at__lte=now)
            | Q(state=State.SENDING, lease_until__lt=now)
        ).values_list("pk", "task_id")[:1000]
    )
    task_ids = [task_id for _pk, task_id in waiting if task_id]
    alive = {
        str(pk)
        for pk in DBTaskResult.objects.filter(pk__in=task_ids)
        .filter(
            Q(status=TaskResultStatus.READY)
            | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - config.lease)
        )
        .values_list("pk", flat=True)
    }
    renewed = 0
    for pk, task_id in waiting:
        if task_id and _normal_uuid(task_id) in alive:
            continue
        with transaction.atomic():
            message = (
                Message.objects.filter(pk=pk, task_id=task_id)
                .filter(
                    Q(state=State.PENDING, next_attempt_at__lte=now)
                    | Q(state=State.SENDING, lease_until__lt=now)
                )
                .first()
            )
            if message is None:
                continue  # moved on meanwhile
            if task_id:
                _mark_lost(DBTaskResult.objects.filter(pk=task_id), now)
            schedule_delivery(message)
            renewed += 1
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        started_at__lt=now - dt.timedelta(seconds=config.stale_task_seconds),
    )
    _mark_lost(stale, now)
    if renewed:
        log.warning("gave %s waiting message(s) a new delivery task", renewed)
    return renewed


def _mark_lost(tasks, now: dt.datetime) -> int:
    return tasks.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="WorkerLost: the worker running this task stopped before it finished; "
        "its work was handed to another task.\n",
    )


def _normal_uuid(value: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)
