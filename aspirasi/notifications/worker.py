"""The worker process: delivers the outbox and runs the periodic jobs, with no queue but the
outbox and the jobs' rows themselves.

One loop, each round in this order: run the periodic jobs that are due (schedule.run_due), then
take the oldest due message and deliver it (delivery.deliver), then sleep when there was nothing
to do. Messages and jobs alike are claimed with a conditional UPDATE that sets a lease: whichever
worker's UPDATE matched the row owns it, the others move on to the next. So any number of these
may run, on any number of machines, and what a killed worker held is taken over once its lease
has run out (delivery.py, schedule.py).
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

from . import schedule
from .clock import database_now
from .config import WorkerConfig, activate, worker_config
from .delivery import deliver, due_messages
from .models import WorkerBeat

log = logging.getLogger("aspirasi.notifications")

BEAT_SECONDS = 5.0
# Due messages looked at per round: when other workers win the first ones, this one tries the
# next instead of going back to sleep.
CANDIDATES = 10


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


def is_locked(exc: OperationalError) -> bool:
    """SQLite's "database is locked": another process held the write lock past the timeout."""
    return "is locked" in str(exc).lower()


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        config: WorkerConfig | None = None,
        run_schedule: bool = True,
    ):
        self.worker_id = (worker_id or new_worker_id())[:64]
        self.config = config or worker_config()
        self.run_schedule = run_schedule
        self.done = 0  # messages handled and jobs run
        self._counted = 0  # of `done`, already added to this worker's beat row
        self._stop = threading.Event()
        self._last_beat = 0.0

    # -- the loop -------------------------------------------------------------------------

    def stop(self) -> None:
        """Finish the message or job in hand, then leave the loop (SIGTERM, Ctrl-C)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, until_idle: bool = False, max_seconds: float | None = None) -> int:
        """Work until stopped (or, with `until_idle`, until nothing is due); returns the number
        of messages handled and jobs run."""
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
            log.info(
                "worker %s stopped after %s message(s) and job run(s)", self.worker_id, self.done
            )
        return self.done

    def run_once(self) -> bool:
        """Run the due jobs, then deliver the oldest due message that no other worker took
        first; False when there was nothing to do (or the database was busy: next round)."""
        ran = 0
        if self.run_schedule:
            ran += self._guarded(self.run_jobs)
        if not self.stopping:
            ran += self._guarded(self.deliver_next)
        return ran > 0

    def run_jobs(self) -> int:
        return len(schedule.run_due(worker_id=self.worker_id, config=self.config))

    def deliver_next(self) -> int:
        """Deliver one due message, oldest first; 0 when none was left for this worker."""
        due = due_messages(database_now()).order_by("next_attempt_at", "id")
        for pk in due.values_list("pk", flat=True)[:CANDIDATES]:
            outcome = deliver(pk, worker_id=self.worker_id, config=self.config)
            if outcome.state != "skipped":  # skipped: another worker claimed it first
                return 1
        return 0

    def _guarded(self, step) -> int:
        """Run one step of the round; a failure costs the round, never the worker (what the
        step held stays leased and is taken up again when its lease runs out)."""
        try:
            done = step()
        except OperationalError as exc:
            if not is_locked(exc):
                log.exception("worker %s: database error", self.worker_id)
            return 0  # SQLite busy: try again next round
        except Exception:
            log.exception("worker %s: %s failed", self.worker_id, step.__name__)
            return 0
        self.done += done
        return done

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
                tasks_done=F("tasks_done") + (self.done - self._counted),
                **({"stopped_at": now} if stopped else {}),
            )
            self._counted = self.done
        except OperationalError as exc:
            if not is_locked(exc):
                raise


def is_alive(beat: WorkerBeat, now: dt.datetime) -> bool:
    """A worker is taken for alive while it beat recently and did not say it stopped."""
    return beat.stopped_at is None and now - beat.seen_at <= dt.timedelta(
        seconds=max(6 * BEAT_SECONDS, 30)
    )
