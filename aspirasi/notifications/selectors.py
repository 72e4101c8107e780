"""Reads for the notification screens: an official's warnings, the worker's state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, Min, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aspirasi.cases.choices import Status
from aspirasi.cases.models import Aspiration
from aspirasi.channels.models import ChannelHealth
from aspirasi.officials.capacity import capacities
from aspirasi.sop.registry import current_sop

from .models import DeadlineWarning, Message, ScheduledJob, WorkerBeat
from .worker import is_alive

State = Message.State
Level = DeadlineWarning.Level

WARNINGS_SHOWN_DAYS = 30


def warnings_for(
    user,
    *,
    on: dt.date | None = None,
    days: int = WARNINGS_SHOWN_DAYS,
    positions: list[str] | None = None,
):
    """Warnings addressed to the desks the user holds or acts for today: their own steps, and
    as superior the overdue steps of the desks below them. Newest first. `positions`: the
    user's positions today, when the caller has already read them."""
    if positions is None:
        positions = list(capacities(user, on))
    since = timezone.now() - dt.timedelta(days=days)
    return (
        DeadlineWarning.objects.filter(
            Q(position__in=positions) | Q(superior_position__in=positions, level=Level.OVERDUE),
            raised_at__gte=since,
        )
        # Not select_related: joined before the sort and LIMIT, the cases of every matching
        # warning were read (PostgreSQL hashed the whole case table); a second query fetches
        # only the shown page's cases by primary key.
        .prefetch_related("aspiration")
        .order_by("-raised_at", "-id")
    )


def still_waiting(warning: DeadlineWarning) -> bool:
    """The case is still at the visit the warning was about."""
    case = warning.aspiration
    return (
        case.status == Status.OPEN
        and case.current_step == warning.step
        and case.step_arrived_at == warning.step_arrived_at
    )


@dataclass(frozen=True)
class OpenWarnings:
    """For the inbox: how many step visits the official was warned about that still wait, and
    the first few of them, the overdue first."""

    count: int
    first: list[DeadlineWarning]


def open_warnings_for(
    user, *, on: dt.date | None = None, positions: list[str] | None = None, shown: int = 5
) -> OpenWarnings:
    # Still waiting is decided by the database (the case is open at the warned visit), so the
    # inbox reads small tuples of the waiting warnings only, and whole rows for the few shown.
    # A correlated EXISTS, not a join: the planner must start from the official's few recent
    # warnings (by position and date), not from every open case (SQLite did, given a join).
    if positions is None:
        positions = list(capacities(user, on))
    # A waiting case sits at one of the user's desks (their own warnings) or at a desk they are
    # the superior of (the overdue ones told to them): naming those desks lets the database
    # read only their open cases, from the inbox index.
    below = {p.code for p in current_sop().positions.values() if p.superior in positions}
    still_there = Aspiration.objects.filter(
        pk=OuterRef("aspiration_id"),
        status=Status.OPEN,
        current_position__in=set(positions) | below,
        current_step=OuterRef("step"),
        step_arrived_at=OuterRef("step_arrived_at"),
    )
    waiting = warnings_for(user, on=on, positions=positions).filter(Exists(still_there))
    # One read of small tuples (no dates: turning thousands into datetimes costs more than
    # the query), sorted by the database: the overdue first, then by due time. One line per
    # visit: a still-waiting warning is about its case's current visit, so visits are cases
    # here, and an overdue warning makes the earlier "due soon" one moot.
    rows = (
        waiting.prefetch_related(None)
        .order_by(Case(When(level=Level.OVERDUE, then=0), default=1), "due_at", "id")
        .values_list("id", "aspiration_id")
    )
    cases, first_ids = set(), []
    for warning_id, case_id in rows:
        if case_id not in cases:
            cases.add(case_id)
            if len(first_ids) < shown:
                first_ids.append(warning_id)
    by_id = DeadlineWarning.objects.select_related("aspiration").in_bulk(first_ids)
    first = [by_id[pk] for pk in first_ids]
    return OpenWarnings(len(cases), first)


@dataclass(frozen=True)
class WorkerStatus:
    now: dt.datetime
    counts: dict[str, int]
    oldest_waiting: dt.datetime | None
    sent_last_day: int
    failing: QuerySet[Message]
    rejected: QuerySet[Message]
    jobs: list[ScheduledJob]
    workers: list[tuple[WorkerBeat, bool]]
    tasks: dict[str, int]
    failed_tasks: QuerySet[DBTaskResult]
    channel_health: list[ChannelHealth]

    @property
    def queue_length(self) -> int:
        return self.counts.get(State.PENDING, 0) + self.counts.get(State.SENDING, 0)

    @property
    def workers_alive(self) -> int:
        return sum(1 for _beat, alive in self.workers if alive)


def worker_status(now: dt.datetime | None = None) -> WorkerStatus:
    now = now or timezone.now()
    counts = dict(Message.objects.values_list("state").annotate(n=Count("pk")).order_by())
    waiting = Message.objects.filter(state__in=[State.PENDING, State.SENDING])
    tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return WorkerStatus(
        now=now,
        counts=counts,
        oldest_waiting=waiting.aggregate(oldest=Min("created_at"))["oldest"],
        sent_last_day=Message.objects.filter(
            state=State.SENT, sent_at__gte=now - dt.timedelta(days=1)
        ).count(),
        # Waiting after at least one failed attempt: the mail server or an address is in trouble.
        failing=waiting.filter(attempts__gt=0).exclude(last_error="").order_by("-attempts")[:20],
        rejected=Message.objects.filter(state=State.REJECTED).order_by("-id")[:20],
        jobs=list(ScheduledJob.objects.all()),
        workers=[(beat, is_alive(beat, now)) for beat in WorkerBeat.objects.all()[:20]],
        tasks=tasks,
        failed_tasks=DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by(
            "-finished_at"
        )[:10],
        channel_health=list(ChannelHealth.objects.filter(channel="email")),
    )
