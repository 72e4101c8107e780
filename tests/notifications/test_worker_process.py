"""The worker as it really runs: `manage.py run_worker` in its own process, against the test's
database file (or the throwaway PostgreSQL server) and a real SMTP server on loopback.

Killed outright (SIGKILL) in the middle of a batch, while the mail server holds a message before
answering, and started again: every message arrives, and only the one in flight at the kill
arrives twice, with the same Message-ID (the unavoidable window between the server accepting a
message and the outbox recording it). On PostgreSQL, two workers share the queue and every
message arrives exactly once."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from aspirasi.notifications.models import Message, WorkerBeat
from aspirasi.notifications.outbox import Outgoing, enqueue

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
# The settings module the worker process runs with (overridable for a tree in transition).
WORKER_SETTINGS = os.environ.get(
    "ASPIRASI_TEST_WORKER_SETTINGS", "tests.notifications.worker_settings"
)
WAIT = 60.0  # generous for a loaded machine; a healthy run takes a few seconds


def database_json() -> str:
    settings = {
        key: value
        for key, value in connection.settings_dict.items()
        if key in {"ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS"}
    }
    return json.dumps(settings, default=str)


# A session may use half the lease (config.send_seconds): 2 s, above the 1 s the slow server below
# holds each message.
def start_worker(
    mail_server, log: Path, worker_id: str, *, lease: float = 4.0, schedule: bool = True
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "ASPIRASI_TEST_WORKER_DATABASE": database_json(),
        "ASPIRASI_SMTP_HOST": "127.0.0.1",
        "ASPIRASI_SMTP_PORT": str(mail_server.port),
        "ASPIRASI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "ASPIRASI_LOG_LEVEL": "WARNING",
    }
    args = [
        sys.executable,
        "manage.py",
        "run_worker",
        f"--worker-id={worker_id}",
        "--poll=0.05",
        f"--lease={lease}",
        "--backoff=0.1",
        "--backoff-max=0.5",
        "--sla-every=3600",
        *([] if schedule else ["--no-schedule"]),
    ]
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait(timeout=20)


def wait_until(predicate, what: str, processes, log: Path, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"a worker exited early:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)
    raise AssertionError(f"{what} did not happen within {timeout} s:\n{log.read_text()[-3000:]}")


def enqueue_batch(n: int, prefix: str) -> list[Message]:
    return [
        enqueue(
            Outgoing("case_closed", f"warga{i}@example.com", f"Pesan {i}", f"Isi pesan {i}."),
            key=f"{prefix}:{i}",
        )
        for i in range(n)
    ]


def all_sent(messages) -> bool:
    return Message.objects.filter(
        pk__in=[m.pk for m in messages], state=Message.State.SENT
    ).count() == len(messages)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_the_message_in_flight(
    mail_server, tmp_path
):
    log = tmp_path / "worker.log"
    messages = enqueue_batch(8, "kill")
    ids = {m.message_id for m in messages}
    # The server holds each message a while after receiving it, before it answers 250.
    mail_server.handler.delay = 1.0
    first = start_worker(mail_server, log, "doomed")
    try:
        mail_server.wait_for(3, timeout=WAIT)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
    in_flight = mail_server.received[-1].message_id
    assert Message.objects.filter(state=Message.State.SENT).count() == 2
    held = Message.objects.get(message_id=in_flight)
    assert (held.state, held.leased_by) == (Message.State.SENDING, "doomed")

    mail_server.handler.delay = 0.0
    second = start_worker(mail_server, log, "heir")
    try:
        wait_until(lambda: all_sent(messages), "delivery of all messages", [second], log)
    finally:
        assert stop(second) == 0  # SIGTERM: finishes what it holds and leaves cleanly
    counts = collections.Counter(m.message_id for m in mail_server.received)
    assert set(counts) == ids  # every message arrived
    repeated = {message_id for message_id, n in counts.items() if n > 1}
    assert repeated <= {in_flight} and counts[in_flight] <= 2
    assert Message.objects.get(message_id=in_flight).attempts == 2
    # Nothing is left held by the dead worker: its lease ran out and the heir took it over.
    assert not Message.objects.exclude(leased_by="").exists()


@pytest.mark.postgres
@pytest.mark.skipif(
    os.environ.get("ASPIRASI_TEST_DB", "sqlite").strip().lower() != "postgres",
    reason="two workers on two connections: runs with ASPIRASI_TEST_DB=postgres",
)
def test_two_workers_on_postgresql_deliver_each_message_once(mail_server, tmp_path):
    assert connection.vendor == "postgresql"
    log = tmp_path / "workers.log"
    mail_server.handler.delay = 0.05
    # Deliveries only, so each worker's count of work done is the messages it handled.
    workers = [
        start_worker(mail_server, log, name, lease=10, schedule=False) for name in ("left", "right")
    ]
    try:
        wait_until(lambda: WorkerBeat.objects.count() == 2, "both workers starting", workers, log)
        messages = enqueue_batch(30, "pair")
        wait_until(lambda: all_sent(messages), "delivery of all messages", workers, log)
    finally:
        codes = [stop(w) for w in workers]
    assert codes == [0, 0]
    counts = collections.Counter(m.message_id for m in mail_server.received)
    assert set(counts) == {m.message_id for m in messages}
    assert set(counts.values()) == {1}  # each exactly once
    handled = dict(WorkerBeat.objects.values_list("worker_id", "tasks_done"))
    assert sum(handled.values()) == len(messages)  # no message claimed twice
    assert handled["left"] > 0 and handled["right"] > 0  # both took their share
