"""Reads for the notification screens: an official's warnings, the worker's state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from aspirasi.cases.access import of_readable_cases, reach
from aspirasi.cases.choices import Status
from aspirasi.channels.models import ChannelHealth
from aspirasi.officials.capacity import capacities

from .models import DeadlineWarning, Message, ScheduledJob, WorkerBeat
from .worker import is_alive

State = Message.State
Level = DeadlineWarning.Level

WARNINGS_SHOWN_DAYS = 30


def warnings_for(user, *, on: dt.date | None = None, days: int = WARNINGS_SHOWN_DAYS):
    """Warnings addressed to the desks the user holds or acts for today: their own steps, and
    as superior the overdue steps of the desks below them; only of cases the user may read
    (decision 11). Newest first."""
    positions = list(capacities(user, on))
    since = timezone.now() - dt.timedelta(days=days)
    return (
        DeadlineWarning.objects.filter(
            Q(position__in=positions) | Q(superior_position__in=positions, level=Level.OVERDUE),
            of_readable_cases(user, on, held=positions),
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
    """The warnings of visits still waiting at the user's desks (or overdue at the desks below
    theirs), however old: the engine settles a warning when its case moves on, and an overdue
    warning settles its visit's "due soon" one, so each unsettled warning is one waiting visit.
    Only of cases the user may read (decision 11). Both reads use the partial indexes of
    unsettled warnings, never the cases table."""
    if positions is None:
        positions = list(capacities(user, on))
    if not positions:
        return OpenWarnings(0, [])
    # "Unsettled" inside each branch of the OR: SQLite then searches each branch's partial
    # index by position; written once outside, it scanned all unsettled warnings (4 ms at
    # 100,000 cases, against 0.2).
    unsettled = Q(settled_at__isnull=True)
    waiting = DeadlineWarning.objects.filter(
        (Q(position__in=positions) & unsettled)
        | (
            Q(superior_position__in=positions, level=Level.OVERDUE)
            & unsettled
            & _readable_below(user, on, positions)
        )
    )
    count = waiting.count()
    if not count:
        return OpenWarnings(0, [])
    # Overdue first ("overdue" sorts after "due_soon"), then by due time. The few shown are
    # picked in a subquery, so only they are joined to their cases (SQLite joined all first),
    # and only the fields the inbox's list shows are read.
    order = ("-level", "due_at", "id")
    picked = waiting.order_by(*order).values("pk")[:shown]
    first = sorted(
        DeadlineWarning.objects.filter(pk__in=picked)
        .select_related("aspiration")
        .only("level", "step", "due_at", "aspiration__tracking_code"),
        key=lambda w: (w.level != Level.OVERDUE, w.due_at, w.pk),
    )
    return OpenWarnings(count, first)


def _readable_below(user, on: dt.date | None, positions: list[str]) -> Q:
    """Of the warnings sent up to a superior, those whose case the user may read (decision 11).
    An unsettled warning's visit still waits at the warning's position, so that position says
    it without reading the cases: a case waiting below the user's desks is one they read. (A
    warning on one's own desk is of a case waiting there, which they read too.)"""
    scope = reach(user, on, held=positions)
    return Q() if scope.every_case else Q(position__in=sorted(scope.waiting))


def held_messages_of(case) -> list[Message]:
    """What the outbox held back from the case's customer (outbox.py), oldest first; the body
    is not read (a held receipt's is blank anyway)."""
    return list(
        Message.objects.filter(aspiration=case, state=State.HELD)
        .only("kind", "held_reason", "created_at")
        .order_by("created_at", "id")
    )


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
        channel_health=list(ChannelHealth.objects.filter(channel="email")),
    )
