"""The daily digest of what waits for each official, and the worker's state for the admin."""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.cases.walking import holder_of
from aspirasi.channels.models import ChannelHealth
from aspirasi.notifications import compose, schedule
from aspirasi.notifications.config import worker_config
from aspirasi.notifications.digest import send_daily_digests
from aspirasi.notifications.models import Message, ScheduledJob
from aspirasi.notifications.outbox import Outgoing, enqueue
from aspirasi.notifications.worker import Worker
from tests.factories import WITA, make_case, make_user, walked

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
    third = walked(via=["hand_over"], start=at(2026, 11, 6, 10, 30))  # handed to the next desk
    clerk, next_desk = holder_of(first, monday.date()), holder_of(third, monday.date())
    assert send_daily_digests(now=monday) == 2  # the clerk and the desk handed to; nobody else
    assert send_daily_digests(now=monday + dt.timedelta(hours=3)) == 0  # once a day
    assert send_daily_digests(now=at(2026, 11, 7, 7, 30)) == 0  # Saturday: no digest
    drain()
    [clerk_digest] = [m for m in mail_server.to(clerk.email) if "hari ini" in m.subject]
    assert "2 kasus" in clerk_digest.subject
    assert first.tracking_code in clerk_digest.text and second.tracking_code in clerk_digest.text
    assert "terlambat" in clerk_digest.text
    assert "https://aspirasi.ft.example/meja/" in clerk_digest.text
    [next_digest] = [m for m in mail_server.to(next_desk.email) if "hari ini" in m.subject]
    assert third.tracking_code in next_digest.text


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
    config = worker_config(sla_watch_seconds=600)
    Worker(worker_id="status-worker", config=config, run_schedule=True).run(until_idle=True)
    enqueue(Outgoing("case_closed", "waiting@example.com", "Ditutup", "Isi."), key="s:2")
    client.force_login(admin)
    page = client.get(reverse("notifications:worker_status"))
    body = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="queue-length"><strong>1</strong>' in body
    assert "nobody@example.com" in body and "550" in body  # the failure, and why
    assert "sla_watch" in body and "daily_digest" in body  # the periodic jobs and their runs
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


class Killed(BaseException):
    """The worker process dies here (nothing after this line of the job runs)."""


def test_a_digest_lost_with_its_worker_is_sent_later_that_morning(
    desks, mail_server, drain, mail_settings, monkeypatch
):
    monday = at(2026, 11, 9, 7, 30)
    first, _ = make_case(now=at(2026, 11, 6, 9, 0))
    third = walked(via=["hand_over"], start=at(2026, 11, 6, 10, 30))  # handed to the next desk
    clerk, next_desk = holder_of(first, monday.date()), holder_of(third, monday.date())
    config = worker_config()
    ScheduledJob.objects.create(name="daily_digest", next_run_at=monday)
    # A worker takes the run and dies after the first official's digest.
    written = []
    original = compose.daily_digest

    def digest_then_die(*args, **kwargs):
        if written:
            raise Killed
        written.append(args[0].email)
        return original(*args, **kwargs)

    monkeypatch.setattr(compose, "daily_digest", digest_then_die)
    with pytest.raises(Killed):
        schedule.run_due(worker_id="doomed", now=monday, config=config)
    monkeypatch.undo()
    assert written == [clerk.email]
    assert Message.objects.filter(kind="daily_digest").count() == 1
    job = ScheduledJob.objects.get(name="daily_digest")
    assert (job.next_run_at, job.leased_by) == (monday, "doomed")  # not moved on, still held

    # While the lease holds the run may still be going: no other worker starts it.
    assert schedule.run_due(worker_id="heir", now=monday + dt.timedelta(seconds=1)) == []
    # Once it ran out, another worker runs the job again, that same morning.
    later = monday + config.job_lease + dt.timedelta(seconds=1)
    assert schedule.run_due(worker_id="heir", now=later, config=config) == ["daily_digest"]
    assert schedule.run_due(worker_id="heir", now=later, config=config) == []  # once
    job.refresh_from_db()
    assert job.last_ok is True and job.last_result == "1 digest(s)"  # only the missing one
    assert (job.next_run_at, job.leased_by) == (at(2026, 11, 10, 7, 30), "")
    drain()
    for address in (clerk.email, next_desk.email):
        digests = [m for m in mail_server.to(address) if "hari ini" in m.subject]
        assert len(digests) == 1, address
    [handed_to] = [m for m in mail_server.to(next_desk.email) if "hari ini" in m.subject]
    assert third.tracking_code in handed_to.text


def test_a_run_that_failed_with_an_error_is_not_repeated(desks, mail_settings, monkeypatch):
    config = worker_config()
    monday = at(2026, 11, 9, 7, 30)
    ScheduledJob.objects.create(name="daily_digest", next_run_at=monday)
    monkeypatch.setitem(
        schedule.JOBS, "daily_digest", dataclasses.replace(schedule.JOBS["daily_digest"], run=_fail)
    )
    assert schedule.run_due(worker_id="w", now=monday, config=config) == ["daily_digest"]
    job = ScheduledJob.objects.get(name="daily_digest")
    assert job.last_ok is False and "RuntimeError" in job.last_error and job.failures == 1
    # Moved on to the next working morning and let go, like a run that went well.
    assert (job.next_run_at, job.leased_by) == (at(2026, 11, 10, 7, 30), "")
    later = monday + config.job_lease + dt.timedelta(seconds=1)
    assert schedule.run_due(worker_id="w", now=later, config=config) == []


def test_a_run_that_outlived_its_lease_leaves_the_record_to_the_worker_that_took_over(
    mail_settings, monkeypatch
):
    config = worker_config()
    monday = at(2026, 11, 9, 7, 30)
    taken_over_at = monday + config.job_lease + dt.timedelta(seconds=1)
    ScheduledJob.objects.create(name="sla_watch", next_run_at=monday)

    def slow_run(now):
        # This worker's run takes longer than its lease; another worker takes the job over.
        if now == monday:
            assert schedule.run_due(worker_id="heir", now=taken_over_at, config=config)
        return f"run at {now:%H:%M:%S}"

    monkeypatch.setitem(
        schedule.JOBS, "sla_watch", dataclasses.replace(schedule.JOBS["sla_watch"], run=slow_run)
    )
    assert schedule.run_due(worker_id="slow", now=monday, config=config) == ["sla_watch"]
    job = ScheduledJob.objects.get(name="sla_watch")
    # The heir's run is the one recorded, and the next run counts from it.
    assert job.last_result == f"run at {taken_over_at:%H:%M:%S}"
    assert job.next_run_at == taken_over_at + dt.timedelta(seconds=config.sla_watch_seconds)
    assert job.leased_by == ""


def _fail(now):
    raise RuntimeError("mail templates missing")


def test_the_admin_sees_how_the_e_mail_channel_is_doing(client, mail_server, drain):
    admin = make_user("admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    page = reverse("notifications:worker_status")
    assert _health_lines(client.get(page).content.decode()) == []  # nothing checked yet

    mail_server.handler.refuse = {"nobody@example.com"}
    enqueue(Outgoing("case_closed", "nobody@example.com", "Ditutup", "Isi."), key="h:1")
    drain()
    [line] = _health_lines(client.get(page).content.decode())
    assert 'class="mark overdue"' in line and "Surel (send)" in line
    assert "gagal (nobody@example.com: 550 5.1.1 No such user here)" in line

    enqueue(Outgoing("case_closed", "warga@example.com", "Ditutup", "Isi."), key="h:2")
    drain()
    [line] = _health_lines(client.get(page).content.decode())
    assert 'class="mark on_time"' in line and "berfungsi" in line and "550" not in line
    # Other channels' probes belong to the channel register, not here.
    ChannelHealth.objects.create(
        channel="website", probe="form", ok=False, detail="down", checked_at=timezone.now()
    )
    assert len(_health_lines(client.get(page).content.decode())) == 1


def _health_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if '<p class="mark' in line]
