"""Delivery that loses nothing and repeats nothing: retries with back-off while the mail server
is down, a permanent refusal shown instead of retried forever, and the work of a dead worker
taken over once its lease has run out."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from aspirasi.channels.models import ChannelHealth
from aspirasi.notifications import delivery
from aspirasi.notifications.clock import database_now
from aspirasi.notifications.config import worker_config
from aspirasi.notifications.delivery import claim, deliver, send_again
from aspirasi.notifications.models import Message
from aspirasi.notifications.outbox import Outgoing, enqueue
from aspirasi.notifications.worker import Worker
from tests.factories import make_case

pytestmark = pytest.mark.django_db

State = Message.State


def outgoing(to="warga@example.com", **extra) -> Outgoing:
    return Outgoing(kind="case_closed", to=to, subject="Kasus ditutup", text_body="Isi.", **extra)


def email_send_health() -> ChannelHealth:
    return ChannelHealth.objects.get(channel="email", probe="send")


def test_with_the_server_down_messages_wait_and_arrive_once_it_is_back(
    officials, mail_server, drain, work_until
):
    mail_server.stop()
    case, _ = make_case(customer_email="siti@example.ac.id")
    message = Message.objects.get(aspiration=case, kind="receipt")
    drain()
    message.refresh_from_db()
    assert message.state == State.PENDING and message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    assert message.next_attempt_at > timezone.now() - dt.timedelta(seconds=1)
    assert message.text_body  # not forgotten: it has not left yet
    assert email_send_health().ok is False

    # More attempts while it is still down; each waits longer (the back-off doubles).
    work_until(lambda: Message.objects.get(pk=message.pk).attempts >= 3)
    assert Message.objects.get(pk=message.pk).state == State.PENDING

    mail_server.start()
    work_until(lambda: Message.objects.get(pk=message.pk).state == State.SENT)
    assert len(mail_server.to("siti@example.ac.id")) == 1
    health = email_send_health()
    assert health.ok is True and health.last_ok_at is not None


def test_back_off_doubles_up_to_its_ceiling(settings):
    settings.ASPIRASI_WORKER = {"BACKOFF_SECONDS": 30, "BACKOFF_MAX_SECONDS": 3600}
    config = worker_config()
    waits = [config.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_permanent_refusal_is_recorded_not_retried(mail_server, drain):
    mail_server.handler.refuse = {"nobody@example.com"}
    message = enqueue(outgoing("nobody@example.com"), key="t:refused")
    drain()
    message.refresh_from_db()
    assert message.state == State.REJECTED and message.attempts == 1
    assert "550" in message.last_error
    assert drain() == 0  # nothing left to try
    assert Message.objects.get(pk=message.pk).attempts == 1
    assert mail_server.received == []
    # Once the address works again, the admin sends it again, and it arrives.
    mail_server.handler.refuse = set()
    assert send_again([message.pk]) == 1
    drain()
    assert len(mail_server.to("nobody@example.com")) == 1


def test_a_refused_receipt_forgets_its_link_and_is_not_sent_again(mail_server, drain):
    mail_server.handler.refuse = {"typo@example.com"}
    message = enqueue(
        outgoing("typo@example.com", forget_body=True, html_body="<p>rahasia</p>"), key="t:r"
    )
    drain()
    message.refresh_from_db()
    assert message.state == State.REJECTED
    assert message.text_body == "" and message.html_body == ""
    assert send_again([message.pk]) == 0


def test_every_message_holding_a_secret_link_is_forgotten_after_delivery(mail_server, drain):
    # The lost-link mail (aspirasi.public) carries fresh secret links, like the receipt.
    message = enqueue(
        Outgoing("lost_links", "siti@example.ac.id", "Tautan", "https://x/lacak/ASP/rahasia/"),
        key="t:links",
    )
    assert message.forget_body
    drain()
    message.refresh_from_db()
    assert message.state == State.SENT and message.text_body == ""
    assert "rahasia" in mail_server.received[0].text


def test_the_same_event_enqueued_twice_is_one_message(mail_server, drain):
    first = enqueue(outgoing(), key="t:once")
    assert enqueue(outgoing(), key="t:once") is None
    drain()
    # A stray second delivery of a message already sent does nothing.
    assert deliver(first.pk).state == "skipped"
    assert len(mail_server.received) == 1


def test_a_message_held_by_a_dead_worker_is_taken_over_after_its_lease(mail_server, drain):
    config = worker_config()
    message = enqueue(outgoing(), key="t:dead")
    # A worker claims the message, then dies (nothing more happens).
    assert claim(message.pk, worker_id="dead-worker", now=database_now(), config=config)
    assert drain() == 0
    assert mail_server.received == []  # its lease still holds: nobody else may send it

    # The lease runs out (by the database's clock); the next worker round takes the message.
    Message.objects.filter(pk=message.pk).update(
        lease_until=database_now() - dt.timedelta(seconds=1)
    )
    assert drain() == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2
    assert message.leased_by == ""
    assert len(mail_server.received) == 1


def test_the_worker_sends_the_oldest_due_message_first_and_none_before_it_is_due(
    mail_server, drain
):
    now = database_now()
    later = enqueue(outgoing("later@example.com"), key="t:later")
    older = enqueue(outgoing("older@example.com"), key="t:older")
    waiting = enqueue(outgoing("waiting@example.com"), key="t:waiting")
    due = {later.pk: now - dt.timedelta(seconds=5), older.pk: now - dt.timedelta(seconds=50)}
    for pk, at in {**due, waiting.pk: now + dt.timedelta(hours=1)}.items():
        Message.objects.filter(pk=pk).update(next_attempt_at=at)
    assert drain() == 2
    assert [m.to for m in mail_server.received] == ["older@example.com", "later@example.com"]
    assert Message.objects.get(pk=waiting.pk).state == State.PENDING  # its retry is not due yet


def test_a_locked_database_during_a_claim_means_try_again_next_round(
    mail_server, mail_settings, monkeypatch
):
    message = enqueue(outgoing(), key="t:locked")
    real_claim = delivery.claim

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    worker = Worker(worker_id="w", config=worker_config(), run_schedule=False)
    monkeypatch.setattr(delivery, "claim", locked)
    assert worker.run_once() is False  # nothing done: the worker sleeps, then looks again
    assert Message.objects.get(pk=message.pk).state == State.PENDING
    monkeypatch.setattr(delivery, "claim", real_claim)
    assert worker.run_once() is True
    assert Message.objects.get(pk=message.pk).state == State.SENT
    assert len(mail_server.received) == 1
