"""The worker's periodic jobs, run by the workers themselves (worker.py calls `run_due`).

A due job is taken the way a message is (delivery.claim): a conditional UPDATE sets a lease on
its row only where `next_run_at` has come and no other worker holds a live lease, so with several
workers exactly one runs it. The holder runs it inline; only when the run is over, and only if it
still holds the lease, does it move `next_run_at` on, free the lease and record how it went. A job
that raised is recorded as failed and moved on like any other run: the admin sees the error and
the next run comes as scheduled.

A worker killed mid-run moves nothing: once its lease runs out another worker (or itself,
restarted) runs the job again, so the daily digest is not lost for the day. Every job may run
twice without harm: the digest's messages are keyed per official and day, the SLA watch's per
visit and level. The lease (config.job_lease_seconds) must outlast the longest run; a run that
outlives it may overlap with its repeat, which those keys make harmless too.

"now" is the database's clock (clock.py), as for the outbox's leases."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from .clock import database_now
from .config import WorkerConfig, current_config
from .models import ScheduledJob

log = logging.getLogger("aspirasi.notifications")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[dt.datetime], str]
    # When the job is next due, given the moment its run started.
    next_after: Callable[[dt.datetime, WorkerConfig], dt.datetime]
    first_at: Callable[[dt.datetime, WorkerConfig], dt.datetime]


def _every(field: str) -> Callable[[dt.datetime, WorkerConfig], dt.datetime]:
    return lambda now, config: now + dt.timedelta(seconds=getattr(config, field))


def _now(now: dt.datetime, config: WorkerConfig) -> dt.datetime:
    return now


def _next_working_morning(now: dt.datetime, config: WorkerConfig) -> dt.datetime:
    from aspirasi.clock.calendar import faculty_calendar

    local = timezone.localtime(now)
    tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), local.tzinfo)
    return faculty_calendar().next_opening(tomorrow)


def _this_or_next_opening(now: dt.datetime, config: WorkerConfig) -> dt.datetime:
    from aspirasi.clock.calendar import faculty_calendar

    return faculty_calendar().next_opening(now)


def _sla_watch(now: dt.datetime) -> str:
    from .sla import watch_deadlines

    return f"{len(watch_deadlines(now=now))} warning(s)"


def _digest(now: dt.datetime) -> str:
    from .digest import send_daily_digests

    return f"{send_daily_digests(now=now)} digest(s)"


# The nightly backup, at this hour of the faculty's night (when nobody works).
BACKUP_HOUR = 1


def _next_night(now: dt.datetime, config: WorkerConfig) -> dt.datetime:
    local = timezone.localtime(now)
    tonight = local.replace(hour=BACKUP_HOUR, minute=0, second=0, microsecond=0)
    return tonight if tonight > local else tonight + dt.timedelta(days=1)


def _first_backup(now: dt.datetime, config: WorkerConfig) -> dt.datetime:
    """At once when the backup directory holds no archive yet, else tonight."""
    from pathlib import Path

    from django.conf import settings

    from aspirasi.backups.archive import latest_backup

    directory = settings.ASPIRASI_BACKUP_DIR
    if directory and latest_backup(Path(directory)) is None:
        return now
    return _next_night(now, config)


def _backup(now: dt.datetime) -> str:
    from pathlib import Path

    from django.conf import settings

    from aspirasi.backups.archive import make_backup, prune

    if not settings.ASPIRASI_BACKUP_DIR:
        return "no backup directory set (ASPIRASI_BACKUP_DIR)"
    key = settings.ASPIRASI_BACKUP_KEY_FILE
    path = make_backup(Path(settings.ASPIRASI_BACKUP_DIR), key_file=Path(key) if key else None)
    deleted = prune(path.parent, settings.ASPIRASI_BACKUP_KEEP)
    return f"{path.name}; {len(deleted)} old archive(s) deleted"


JOBS: dict[str, Job] = {
    job.name: job
    for job in [
        Job("sla_watch", _sla_watch, _every("sla_watch_seconds"), _now),
        Job("daily_digest", _digest, _next_working_morning, _this_or_next_opening),
        Job("backup", _backup, _next_night, _first_backup),
    ]
}


def ensure_jobs(now: dt.datetime | None = None, config: WorkerConfig | None = None) -> None:
    """Create the rows of jobs that have none yet (first start, or a job added since), and drop
    the rows of jobs that no longer exist (they would wait on the status page forever)."""
    now = now or database_now()
    config = config or current_config()
    ScheduledJob.objects.exclude(name__in=list(JOBS)).delete()
    ScheduledJob.objects.bulk_create(
        [
            ScheduledJob(name=job.name, next_run_at=job.first_at(now, config))
            for job in JOBS.values()
        ],
        ignore_conflicts=True,
    )


def run_due(
    *, worker_id: str, config: WorkerConfig | None = None, now: dt.datetime | None = None
) -> list[str]:
    """Run each due job whose lease this worker wins, one after another; returns their names.

    `now` (tests) stands for the database's clock; by default it is read anew for each job, so a
    long run does not make the next job's lease start in the past.
    """
    config = config or current_config()
    due = ScheduledJob.objects.filter(name__in=list(JOBS), next_run_at__lte=now or database_now())
    ran = []
    for name in due.values_list("name", flat=True):
        moment = now or database_now()
        until = take(name, worker_id=worker_id, now=moment, config=config)
        if until is not None:
            run_job(name, worker_id=worker_id, until=until, now=moment, config=config)
            ran.append(name)
    return ran


def take(
    name: str, *, worker_id: str, now: dt.datetime, config: WorkerConfig
) -> dt.datetime | None:
    """Lease the job's due run; returns the lease's end when this worker's UPDATE matched the row
    (the run is its to do), None when the job is not due or another worker holds it."""
    until = now + config.job_lease
    taken = (
        ScheduledJob.objects.filter(name=name, next_run_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=until, leased_by=worker_id[:64], last_started_at=now)
    )
    return until if taken == 1 else None


def run_job(
    name: str, *, worker_id: str, until: dt.datetime, now: dt.datetime, config: WorkerConfig
) -> bool:
    """Run a job this worker leased (until `until`) at `now`, then record how it went; a job
    that raises is recorded as failed, not repeated. Returns whether the lease still held."""
    try:
        result = JOBS[name].run(now)
    except Exception:
        log.exception("job %s failed", name)
        outcome = {
            "last_ok": False,
            "last_error": traceback.format_exc()[-4000:],
            "failures": F("failures") + 1,
        }
    else:
        outcome = {"last_ok": True, "last_result": result[:300], "last_error": ""}
    # Only the lease's holder moves the job on: if the run outlived its lease, the worker that
    # took it over records its own run.
    recorded = ScheduledJob.objects.filter(
        name=name, leased_by=worker_id[:64], lease_until=until
    ).update(
        next_run_at=JOBS[name].next_after(now, config),
        lease_until=None,
        leased_by="",
        last_finished_at=timezone.now(),
        **outcome,
    )
    if recorded != 1:
        log.warning("job %s outlived its lease; its run is recorded by another worker", name)
    return recorded == 1
