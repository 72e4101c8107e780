"""The daily digest of what waits for each official, and the worker's state for the admin."""

import datetime as dt

import pytest
from django.urls import reverse

from aspirasi.cases.engine import ActionInput as T
from aspirasi.notifications import schedule
from aspirasi.notifications.config import worker_config
from aspirasi.notifications.digest import send_daily_digests
from aspirasi.notifications.models import Message
from aspirasi.notifications.outbox import Outgoing, enqueue
from aspirasi.notifications.worker import Worker
from tests.factories import WITA, make_case, make_user, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks(officials):
    for name, user in officials.items():
        user.email = f"{name}@ft.example"
        user.save()
    return officials


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


def test_each_official_gets_one_digest_a_working_day(desks, mail_server, drain):
    monday = at(2026, 11, 9, 7, 30)
    first, _ = make_case(now=at(2026, 11, 6, 9, 0))
    second, _ = make_case(now=at(2026, 11, 6, 10, 0))
    third, _ = make_case(now=at(2026, 11, 6, 10, 30))
    walk(
        third,
        [
            (desks["clerk"], "receive", None),
            (desks["clerk"], "defer", None),
            (desks["clerk"], "prepare_supporting_info", T(text="Data.")),
            (desks["clerk"], "hand_over", None),
        ],
        start=at(2026, 11, 6, 10, 30),
    )
    assert send_daily_digests(now=monday) == 2  # the clerk and the Kabag TU; nobody else waits
    assert send_daily_digests(now=monday + dt.timedelta(hours=3)) == 0  # once a day
    assert send_daily_digests(now=at(2026, 11, 7, 7, 30)) == 0  # Saturday: no digest
    drain()
    [clerk_digest] = [m for m in mail_server.to("clerk@ft.example") if "hari ini" in m.subject]
    assert "2 kasus" in clerk_digest.subject
    assert first.tracking_code in clerk_digest.text and second.tracking_code in clerk_digest.text
    assert "terlambat" in clerk_digest.text
    assert "https://aspirasi.ft.example/meja/" in clerk_digest.text
    [kabag_digest] = [m for m in mail_server.to("kabag@ft.example") if "hari ini" in m.subject]
    assert third.tracking_code in kabag_digest.text


def test_the_digest_runs_each_working_morning(mail_settings):
    config = worker_config()
    job = schedule.JOBS["daily_digest"]
    # From Friday, the next working morning is Monday; before Christmas, the Monday after it.
    assert job.next_after(at(2026, 11, 6, 7, 31), config) == at(2026, 11, 9, 7, 30)
    assert job.next_after(at(2026, 12, 23, 7, 31), config) == at(2026, 12, 28, 7, 30)
    assert job.first_at(at(2026, 11, 7, 9, 0), config) == at(2026, 11, 9, 7, 30)


def test_the_admin_sees_queue_length_last_runs_and_failures(client, mail_server, drain):
    admin = make_user("admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    mail_server.handler.refuse = {"nobody@example.com"}
    enqueue(Outgoing("case_closed", "nobody@example.com", "Ditutup", "Isi."), key="s:1")
    drain()
    # Every job runs once (intervals long enough that none comes due again meanwhile).
    config = worker_config(sweep_seconds=600, sla_watch_seconds=600)
    Worker(worker_id="status-worker", config=config, run_schedule=True).run(until_idle=True)
    enqueue(Outgoing("case_closed", "waiting@example.com", "Ditutup", "Isi."), key="s:2")
    client.force_login(admin)
    page = client.get(reverse("notifications:worker_status"))
    body = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="queue-length"><strong>1</strong>' in body
    assert "nobody@example.com" in body and "550" in body  # the failure, and why
    assert "sla_watch" in body and "outbox_sweep" in body  # the periodic jobs and their runs
    assert "status-worker" in body
    assert Message.objects.filter(state="rejected").count() == 1


def test_only_the_admin_sees_the_worker(client, officials):
    client.force_login(officials["clerk"])
    assert client.get(reverse("notifications:worker_status")).status_code == 403
    client.logout()
    assert client.get(reverse("notifications:worker_status")).status_code == 302


def test_the_admin_sends_a_refused_message_again_from_the_outbox_list(client, mail_server, drain):
    admin = make_user("admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    mail_server.handler.refuse = {"fixed@example.com"}
    message = enqueue(Outgoing("case_closed", "fixed@example.com", "Ditutup", "Isi."), key="a:1")
    drain()
    mail_server.handler.refuse = set()
    client.force_login(admin)
    changelist = reverse("admin:notifications_message_changelist")
    assert client.get(changelist).status_code == 200
    client.post(
        changelist, {"action": "send_again_action", "_selected_action": [message.pk]}, follow=True
    )
    drain()
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert len(mail_server.to("fixed@example.com")) == 1
