"""The background tasks (django-tasks): each takes an id or a name and calls a service."""

from __future__ import annotations

import datetime as dt

from django_tasks import TaskContext, task

from . import schedule
from .delivery import deliver

# Periodic jobs go before deliveries, so a long queue of mail never holds up the sweep that
# recovers lost work or the SLA watch.
JOB_PRIORITY = 50


@task(takes_context=True)
def deliver_message(context: TaskContext, message_pk: int) -> str:
    """Deliver one outbox message (a no-op when it is not due or no longer waiting)."""
    worker_ids = context.task_result.worker_ids
    return deliver(message_pk, worker_id=worker_ids[-1] if worker_ids else "").state


@task(priority=JOB_PRIORITY)
def run_scheduled_job(name: str, at: str | None = None) -> str:
    """Run one periodic job (the SLA watch, the sweep, the daily digest, pruning); `at` (ISO
    8601) when it repeats a lost run, for the moment that run was due."""
    return schedule.run_job(name, dt.datetime.fromisoformat(at) if at else None)
