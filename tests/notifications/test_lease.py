"""A message is never handed to the mail server by a worker whose lease may have run out: the
SMTP session ends within half the lease, the lease is renewed (or found lost) right before DATA,
and leases are reckoned by the database's clock, not the worker's. No test waits out a real
lease: takeovers are staged directly, and times are short or passed in."""

import datetime as dt
import smtplib
import time

import pytest
from django.core import mail
from django.utils import timezone

from aspirasi.notifications.clock import database_now
from aspirasi.notifications.config import worker_config
from aspirasi.notifications.delivery import (
    Lease,
    LeaseLost,
    claim,
    deliver,
    retry_later,
    send,
)
from aspirasi.notifications.management.commands.run_worker import lease_warnings
from aspirasi.notifications.models import Message
from aspirasi.notifications.outbox import Outgoing, enqueue

pytestmark = pytest.mark.django_db

State = Message.State


def a_message(key: str = "lease:1") -> Message:
    message = enqueue(
        Outgoing("case_closed", "warga@example.com", "Kasus ditutup", "Isi."), key=key
    )
    # Due a moment ago by the database's clock too: SQLite's clock has whole milliseconds, so
    # read in the same millisecond it would be a fraction of one behind the app's.
    message.next_attempt_at -= dt.timedelta(seconds=1)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=message.next_attempt_at)
    return message


def take_over(message: Message, worker_id: str = "other") -> None:
    """Another worker finds the lease run out and claims the message."""
    Message.objects.filter(pk=message.pk).update(
        lease_until=database_now() - dt.timedelta(seconds=1)
    )
    assert claim(message.pk, worker_id=worker_id, now=database_now(), config=worker_config())


def test_a_message_taken_over_before_data_is_not_sent(mail_server, mail_settings, monkeypatch):
    message = a_message()
    original_rcpt = smtplib.SMTP.rcpt

    def rcpt_then_stall(self, *args, **kwargs):
        reply = original_rcpt(self, *args, **kwargs)
        # This worker stalls here past its lease; another one takes the message over.
        take_over(message)
        return reply

    monkeypatch.setattr(smtplib.SMTP, "rcpt", rcpt_then_stall)
    outcome = deliver(message.pk, worker_id="slow", config=worker_config())
    assert outcome.state == "lost"
    assert mail_server.received == []  # hung up without DATA
    message.refresh_from_db()
    # The new holder's claim stands untouched: it sends, once.
    assert (message.state, message.leased_by, message.attempts) == (State.SENDING, "other", 2)
    monkeypatch.undo()
    Message.objects.filter(pk=message.pk).update(
        lease_until=database_now() - dt.timedelta(seconds=1)
    )
    assert deliver(message.pk, worker_id="other").state == "sent"
    assert len(mail_server.received) == 1


def test_the_lease_is_renewed_right_before_data(mail_server, mail_settings, monkeypatch):
    config = worker_config(lease_seconds=4)
    message = a_message()
    seen = []
    original_data = smtplib.SMTP.data

    def data(self, msg):
        seen.append(Message.objects.get(pk=message.pk).lease_until)
        return original_data(self, msg)

    monkeypatch.setattr(smtplib.SMTP, "data", data)
    claimed_at = database_now() + dt.timedelta(days=1)  # a moment told, not waited for
    assert deliver(message.pk, worker_id="w", config=config, now=claimed_at).state == "sent"
    # Claimed until claimed_at + 4 s; renewed from a later reading of the same clock.
    [renewed_until] = seen
    assert renewed_until > claimed_at + config.lease
    assert renewed_until < claimed_at + config.lease + dt.timedelta(seconds=2)


def test_a_stalling_server_is_cut_off_well_within_the_lease(mail_server, mail_settings):
    config = worker_config(lease_seconds=1.0)  # half of it, 0.5 s, for the whole session
    mail_server.handler.rcpt_delay = 5.0
    message = a_message()
    started = time.monotonic()
    outcome = deliver(message.pk, worker_id="w", config=config)
    elapsed = time.monotonic() - started
    assert outcome.state == "retry" and "SendDeadline" in outcome.detail
    assert elapsed < config.lease_seconds
    assert mail_server.received == []  # cut before anything was handed over
    message.refresh_from_db()
    # Still ours when it was cut, so it went back to wait (nobody else could have taken it).
    assert message.state == State.PENDING and message.leased_by == ""


def test_a_server_slow_to_accept_is_cut_off_too_and_the_repeat_is_recognisable(
    mail_server, mail_settings
):
    config = worker_config(lease_seconds=1.0)
    mail_server.handler.delay = 5.0  # received, but 250 comes too late
    message = a_message()
    started = time.monotonic()
    outcome = deliver(message.pk, worker_id="w", config=config)
    assert time.monotonic() - started < config.lease_seconds
    assert outcome.state == "retry"
    message.refresh_from_db()
    assert message.state == State.PENDING  # tried again later, under the same Message-ID
    [got] = mail_server.received
    assert got.message_id == message.message_id


def test_claims_follow_the_database_clock_not_the_workers(mail_server, mail_settings, monkeypatch):
    config = worker_config(lease_seconds=60)
    message = a_message()
    assert claim(message.pk, worker_id="first", now=database_now(), config=config)
    real_now = timezone.now
    # This worker's clock runs an hour fast: by it, the first worker's lease ran out long ago.
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(hours=1))
    assert deliver(message.pk, worker_id="fast-clock", config=config).state == "skipped"
    assert mail_server.received == []
    assert Message.objects.get(pk=message.pk).leased_by == "first"


def test_a_lost_lease_stops_every_backend_and_a_late_retry(mail_settings, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    config = worker_config()
    message = a_message()
    assert claim(message.pk, worker_id="slow", now=database_now(), config=config)
    message.refresh_from_db()
    lease = Lease(
        message_pk=message.pk,
        worker_id="slow",
        attempt=message.attempts,
        config=config,
        deadline=time.monotonic() + config.send_seconds,
    )
    lease.renew()  # still ours
    take_over(message)
    with pytest.raises(LeaseLost):
        send(message, lease)
    assert mail.outbox == []
    # Nor may the stalled worker put the message back to wait: the new holder decides.
    assert retry_later(message, worker_id="slow", error="late", config=config) is None
    message.refresh_from_db()
    assert (message.state, message.leased_by) == (State.SENDING, "other")


def test_run_worker_warns_when_the_lease_leaves_too_little_time_for_a_session():
    assert lease_warnings(worker_config(lease_seconds=120), 20) == []
    [warning] = lease_warnings(worker_config(lease_seconds=30), 20)
    assert "15 s" in warning and "at least 40 s" in warning
