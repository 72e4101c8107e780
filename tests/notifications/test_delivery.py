"""Delivery that loses nothing and repeats nothing: retries with back-off while the mail server
is down, a permanent refusal shown instead of retried forever, and the work of a dead worker
taken over once its lease has run out."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aspirasi.channels.models import ChannelHealth
from aspirasi.notifications.config import worker_config
from aspirasi.notifications.delivery import (
    claim,
    deliver,
    recover_lost_work,
    send_again,
)
from aspirasi.notifications.models import Message
from aspirasi.notifications.outbox import Outgoing, enqueue
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
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
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
    # A stray second task for a message already sent does nothing.
    assert deliver(first.pk).state == "skipped"
    assert len(mail_server.received) == 1


def test_a_message_held_by_a_dead_worker_is_taken_over_after_its_lease(
    mail_server, drain, mail_settings
):
    config = worker_config()
    message = enqueue(outgoing(), key="t:dead")
    # A worker claims the task and the message, then dies (nothing more happens).
    task = DBTaskResult.objects.get(pk=message.task_id)
    task.claim("dead-worker")
    started = timezone.now()
    assert claim(message.pk, worker_id="dead-worker", now=started, config=config)
    drain()
    assert mail_server.received == []  # its lease still holds: nobody else may send it

    # The sweep, once the lease has run out, hands the message to a new task.
    later = started + config.lease + dt.timedelta(seconds=1)
    assert recover_lost_work(now=later, config=config) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path.endswith("WorkerLost")
    assert recover_lost_work(now=later, config=config) == 0  # the new task is alive
    # The worker's own clock has not reached `later`: claim as if it had.
    Message.objects.filter(pk=message.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    drain()
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2
    assert len(mail_server.received) == 1


def test_a_waiting_message_whose_task_was_lost_gets_a_new_one(mail_server, drain):
    message = enqueue(outgoing(), key="t:lost-task")
    DBTaskResult.objects.filter(pk=message.task_id).delete()  # pruned, or never written
    drain()
    assert mail_server.received == []
    assert recover_lost_work() == 1
    drain()
    assert Message.objects.get(pk=message.pk).state == State.SENT
    assert len(mail_server.received) == 1


def test_a_task_left_running_by_a_dead_worker_is_marked_failed(mail_settings):
    config = worker_config()
    message = enqueue(outgoing(), key="t:stale")
    task = DBTaskResult.objects.get(pk=message.task_id)
    task.claim("dead-worker")
    Message.objects.filter(pk=message.pk).update(state=State.SENT)  # nothing left to recover
    recover_lost_work(
        now=timezone.now() + dt.timedelta(seconds=config.stale_task_seconds + 1), config=config
    )
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
