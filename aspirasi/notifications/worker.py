"""The worker process: runs django-tasks tasks from the database queue, and the schedule.

One loop, in this order: enqueue the periodic jobs that are due (schedule.tick), claim one ready
task the way django-tasks-db's own worker does (SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL, an exclusive transaction on SQLite) and run it with that worker's runner, then
sleep when there was nothing to do. Any number of these may run, on any number of machines.
What django-tasks does not do itself (retries, recovering a dead worker's work) the outbox does:
see delivery.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

from django.db import OperationalError, close_old_connections, connection
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import schedule
from .config import WorkerConfig, activate, worker_config
from .models import WorkerBeat

log = logging.getLogger("aspirasi.notifications")

BEAT_SECONDS = 5.0


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        config: WorkerConfig | None = None,
        run_schedule: bool = True,
        backend_name: str = "default",
    ):
        self.worker_id = (worker_id or new_worker_id())[:64]
        self.config = config or worker_config()
        self.run_schedule = run_schedule
        self.backend_name = backend_name
        self.tasks_done = 0
        self._counted = 0  # tasks already added to this worker's beat row
        self._stop = threading.Event()
        self._last_beat = 0.0
        # django-tasks-db's runner: calls the task, records success or failure, sends signals.
        self._runner = TaskRunner(
            queue_names=["*"],
            interval=self.config.poll_seconds,
            batch=False,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )

    # -- the loop -------------------------------------------------------------------------

    def stop(self) -> None:
        """Finish the task in hand, then leave the loop (SIGTERM, Ctrl-C)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> int:
        """Work until stopped (or, with `until_idle`, until nothing is ready); returns the
        number of tasks run."""
        activate(self.config)
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self._beat(started=True)
        if self.run_schedule:
            schedule.ensure_jobs(config=self.config)
        log.info("worker %s started", self.worker_id)
        try:
            while not self.stopping:
                if not connection.in_atomic_block:  # (a test's transaction is kept open)
                    close_old_connections()
                did_work = self.run_once()
                self._beat()
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if not did_work:
                    if until_idle:
                        break
                    self._stop.wait(self.config.poll_seconds)
        finally:
            self._beat(stopped=True)
            activate(None)
            log.info("worker %s stopped after %s task(s)", self.worker_id, self.tasks_done)
        return self.tasks_done

    def run_once(self) -> bool:
        """Enqueue due jobs, then run one ready task; False when there was none."""
        if self.run_schedule:
            try:
                schedule.tick(config=self.config)
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
        task_result = self.claim_task()
        if task_result is None:
            return False
        self._runner.run_task(task_result)
        self.tasks_done += 1
        return True

    def claim_task(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as exc:
            # SQLite: another worker holds the write lock; try again on the next round.
            if is_locked_database_exception(exc):
                return None
            raise

    # -- being seen ------------------------------------------------------------------------

    def _beat(self, *, started: bool = False, stopped: bool = False) -> None:
        moment = time.monotonic()
        if not (started or stopped) and moment - self._last_beat < max(
            BEAT_SECONDS, self.config.poll_seconds
        ):
            return
        self._last_beat = moment
        now = timezone.now()
        try:
            if started:
                WorkerBeat.objects.update_or_create(
                    worker_id=self.worker_id,
                    defaults={
                        "host": socket.gethostname()[:200],
                        "pid": os.getpid(),
                        "started_at": now,
                        "seen_at": now,
                        "stopped_at": None,
                        "tasks_done": 0,
                    },
                )
                return
            WorkerBeat.objects.filter(worker_id=self.worker_id).update(
                seen_at=now,
                tasks_done=F("tasks_done") + (self.tasks_done - self._counted),
                **({"stopped_at": now} if stopped else {}),
            )
            self._counted = self.tasks_done
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise


def is_alive(beat: WorkerBeat, now: dt.datetime) -> bool:
    """A worker is taken for alive while it beat recently and did not say it stopped."""
    return beat.stopped_at is None and now - beat.seen_at <= dt.timedelta(
        seconds=max(6 * BEAT_SECONDS, 30)
    )
