"""The SLA watch: warn before a step is due, and when it is overdue (decision 16).

1. Take the open cases whose current step has a time standard and no overdue warning yet for
   this visit (a visit: the case, the step, and when it reached the step).
2. Past its due time, a visit is overdue. Otherwise it is nearly due once DUE_SOON_SHARE of the
   standard's working time is used (the inbox's "due soon" mark uses the same rule); wall-clock
   time is an upper bound of working time, so most cases are passed over without the calendar.
3. Record the warning (an overdue one settles the visit's "due soon" warning, so a waiting
   visit has one warning to show); the unique constraint on (visit, level) makes it once per
   visit and level, whoever else runs the watch at the same moment. Its messages are enqueued
   in the same transaction: to whoever holds the position today (its Plh included) and, when
   overdue, to the holders of the position's superior (the lines in the SOP file).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from aspirasi.cases.choices import Status
from aspirasi.cases.models import Aspiration
from aspirasi.cases.selectors import DUE_SOON_SHARE
from aspirasi.clock.calendar import faculty_calendar
from aspirasi.sop.registry import current_sop

from . import compose
from .models import DeadlineWarning
from .outbox import enqueue
from .recipients import officials_of

Level = DeadlineWarning.Level


def watch_deadlines(*, now: dt.datetime | None = None) -> list[DeadlineWarning]:
    """Raise the warnings due at `now`; returns the ones raised by this call."""
    now = now or timezone.now()
    calendar = faculty_calendar()
    visit = DeadlineWarning.objects.filter(
        aspiration=OuterRef("pk"),
        step=OuterRef("current_step"),
        step_arrived_at=OuterRef("step_arrived_at"),
    )
    cases = list(
        Aspiration.objects.filter(
            status=Status.OPEN,
            step_due_at__isnull=False,
            step_arrived_at__isnull=False,
            step_arrived_at__lte=now,
        )
        .annotate(
            warned_overdue=Exists(visit.filter(level=Level.OVERDUE)),
            warned_soon=Exists(visit.filter(level=Level.DUE_SOON)),
        )
        .filter(warned_overdue=False)
        .select_related("category")
        .order_by("step_due_at", "pk")
    )
    raised = []
    for case in cases:
        if now > case.step_due_at:
            level = Level.OVERDUE
        elif case.warned_soon:
            continue
        else:
            step = case.sop.step(case.current_step)
            standard = step.time.working_seconds(calendar.seconds_per_day)
            if not standard:
                continue
            threshold = DUE_SOON_SHARE * standard
            if (now - case.step_arrived_at).total_seconds() < threshold:
                continue
            if calendar.between(case.step_arrived_at, now) < threshold:
                continue
            level = Level.DUE_SOON
        warning = _raise(case, level, now)
        if warning is not None:
            raised.append(warning)
    return raised


def _raise(case: Aspiration, level: str, now: dt.datetime) -> DeadlineWarning | None:
    position = case.sop.positions.get(case.current_position) or current_sop().positions.get(
        case.current_position
    )
    superior = (position.superior if position else None) or ""
    try:
        with transaction.atomic():
            if not _still_at_visit(case):
                return None  # moved on since the watch read it: nothing to warn about
            warning = DeadlineWarning.objects.create(
                aspiration=case,
                step=case.current_step,
                step_arrived_at=case.step_arrived_at,
                position=case.current_position,
                superior_position=superior if level == Level.OVERDUE else "",
                level=level,
                due_at=case.step_due_at,
                raised_at=now,
            )
            if level == Level.OVERDUE:  # it now speaks for the visit
                DeadlineWarning.objects.filter(
                    aspiration=case,
                    step=case.current_step,
                    step_arrived_at=case.step_arrived_at,
                    level=Level.DUE_SOON,
                    settled_at__isnull=True,
                ).update(settled_at=now)
            _send(warning, case, now)
    except IntegrityError:
        return None  # raised before, by this watch or another worker's
    return warning


def _still_at_visit(case: Aspiration) -> bool:
    """Locks the case while it is still at the visit the watch read. The engine settles a
    visit's warnings in the transaction that moves the case on; with the row locked here, a
    warning is either written before that move (and settled by it) or not at all."""
    return (
        Aspiration.objects.select_for_update()
        .filter(
            pk=case.pk,
            status=Status.OPEN,
            current_step=case.current_step,
            step_arrived_at=case.step_arrived_at,
        )
        .exists()
    )


def _send(warning: DeadlineWarning, case: Aspiration, now: dt.datetime) -> None:
    on = timezone.localdate(now)
    told = set()
    for user in officials_of(warning.position, on):
        told.add(user.pk)
        enqueue(
            compose.deadline_warning(warning, case, user, as_superior=False),
            key=f"warning:{warning.pk}:user{user.pk}",
            aspiration=case,
            now=now,
        )
    if warning.superior_position:
        for user in officials_of(warning.superior_position, on):
            if user.pk in told:
                continue  # a Plh of both desks hears it once
            enqueue(
                compose.deadline_warning(warning, case, user, as_superior=True),
                key=f"warning:{warning.pk}:superior:user{user.pk}",
                aspiration=case,
                now=now,
            )
