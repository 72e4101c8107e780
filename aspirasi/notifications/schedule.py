"""The worker's periodic jobs. Django's task API has no scheduler, so each worker's loop calls
`tick()`: a job that is due is enqueued as a task by whichever worker first moves its
`next_run_at` on (a conditional UPDATE), so with several workers each run happens once.

A run whose worker died with it (its task left RUNNING past the stale time, or marked lost by
the sweep) is run again by the sweep, for the moment it was due: the daily digest is not lost for
the day. Every job may run twice without harm: the digest's messages are keyed per official and
day, the SLA watch's per visit and level, and the sweep and pruning only tidy up.

"now" is the database's clock (clock.py), as for the outbox's leases."""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .clock import database_now
from .config import WorkerConfig, current_config
from .models import ScheduledJob

# Finished task records are kept this long for the admin's status page, then pruned.
KEEP_TASK_RESULTS = dt.timedelta(days=30)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[dt.datetime], str]
    # When the job is next due, given the moment it was enqueued.
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


def _sweep(now: dt.datetime) -> str:
    from .delivery import recover_lost_work

    messages = recover_lost_work(now=now)
    repeated = recover_lost_runs(now=now)
    result = f"{messages} message(s) given a new task"
    if repeated:
        result += f"; run again: {', '.join(repeated)}"
    return result


def _sla_watch(now: dt.datetime) -> str:
    from .sla import watch_deadlines

    return f"{len(watch_deadlines(now=now))} warning(s)"


def _digest(now: dt.datetime) -> str:
    from .digest import send_daily_digests

    return f"{send_daily_digests(now=now)} digest(s)"


def _prune(now: dt.datetime) -> str:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - KEEP_TASK_RESULTS,
    ).delete()
    return f"{deleted} old task record(s) removed"


JOBS: dict[str, Job] = {
    job.name: job
    for job in [
        Job("outbox_sweep", _sweep, _every("sweep_seconds"), _now),
        Job("sla_watch", _sla_watch, _every("sla_watch_seconds"), _now),
        Job("daily_digest", _digest, _next_working_morning, _this_or_next_opening),
        Job("prune", _prune, lambda now, config: now + dt.timedelta(days=1), _now),
    ]
}


def ensure_jobs(now: dt.datetime | None = None, config: WorkerConfig | None = None) -> None:
    """Create the rows of jobs that have none yet (first start, or a job added since)."""
    now = now or database_now()
    config = config or current_config()
    ScheduledJob.objects.bulk_create(
        [
            ScheduledJob(name=job.name, next_run_at=job.first_at(now, config))
            for job in JOBS.values()
        ],
        ignore_conflicts=True,
    )


def tick(now: dt.datetime | None = None, config: WorkerConfig | None = None) -> list[str]:
    """Enqueue each due job that no other worker enqueued first; returns their names."""
    from .tasks import run_scheduled_job

    now = now or database_now()
    config = config or current_config()
    enqueued = []
    due = ScheduledJob.objects.filter(next_run_at__lte=now, name__in=list(JOBS))
    for name, at in due.values_list("name", "next_run_at"):
        with transaction.atomic():
            claimed = ScheduledJob.objects.filter(name=name, next_run_at=at).update(
                next_run_at=JOBS[name].next_after(now, config), last_enqueued_at=now
            )
            if claimed == 1:
                result = run_scheduled_job.enqueue(name)
                ScheduledJob.objects.filter(name=name).update(task_id=str(result.id))
                enqueued.append(name)
    return enqueued


def recover_lost_runs(
    *, now: dt.datetime | None = None, config: WorkerConfig | None = None
) -> list[str]:
    """Enqueue again each job whose latest run was lost with its worker; returns their names.

    Lost: its task is still RUNNING longer than the stale time (config.stale_task_seconds), or
    was marked lost by the sweep (delivery.recover_lost_work). A run that failed with an error
    is not repeated (the admin sees the error; the next run comes as scheduled), nor one still
    waiting or running within the stale time. The repeat runs for the lost run's moment, so a
    digest repeated at 07:46 is the digest of that morning and skips whoever already has it.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .delivery import WORKER_LOST, _mark_lost
    from .tasks import run_scheduled_job

    now = now or database_now()
    config = config or current_config()
    stale_before = now - dt.timedelta(seconds=config.stale_task_seconds)
    repeated = []
    for job in ScheduledJob.objects.filter(name__in=list(JOBS)).exclude(task_id=""):
        task = DBTaskResult.objects.filter(pk=job.task_id).first()
        if task is None:
            continue  # finished long ago and pruned
        stale = task.status == TaskResultStatus.RUNNING and task.started_at < stale_before
        lost = task.status == TaskResultStatus.FAILED and task.exception_class_path == WORKER_LOST
        if not (stale or lost):
            continue
        at = job.last_enqueued_at or now
        with transaction.atomic():
            _mark_lost(DBTaskResult.objects.filter(pk=task.pk), now)
            result = run_scheduled_job.enqueue(job.name, at.isoformat())
            if (
                ScheduledJob.objects.filter(name=job.name, task_id=job.task_id).update(
                    task_id=str(result.id)
                )
                != 1
            ):
                transaction.set_rollback(True)  # another sweep repeated it first
                continue
        repeated.append(job.name)
    return repeated


def run_job(name: str, now: dt.datetime | None = None) -> str:
    """Run a job (at `now`, by default the database's clock) and record how it went."""
    job = JOBS[name]
    now = now or database_now()
    rows = ScheduledJob.objects.filter(name=name)
    rows.update(last_started_at=now)
    try:
        result = job.run(now)
    except Exception:
        rows.update(
            last_finished_at=timezone.now(),
            last_ok=False,
            last_error=traceback.format_exc()[-4000:],
            failures=F("failures") + 1,
        )
        raise
    rows.update(
        last_finished_at=timezone.now(), last_ok=True, last_result=result[:300], last_error=""
    )
    return result
