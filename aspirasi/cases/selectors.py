"""Reads that screens (and later reports) share, each with the joins it needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aspirasi.clock.calendar import faculty_calendar
from aspirasi.clock.working_time import WorkingCalendar
from aspirasi.officials.capacity import capacities
from aspirasi.sop.definition import Sop
from aspirasi.sop.registry import approved_revisions, sop_of_revision

from .choices import Status
from .models import Aspiration, Clarification, StepRecord


def customer_view(case: Aspiration) -> dict:
    """What the customer may see of their own case: never notes or supporting information."""
    return {
        "case": case,
        "status": case.customer_status,
        "holder": case.position_name,
        "due_at": case.step_due_at,
        "responses": case.responses.filter(published_at__isnull=False).order_by("published_at"),
        "holding_messages": case.trail.exclude(customer_message="")
        .order_by("seq")
        .values("done_at", "customer_message"),
    }


class CaseQuery(Protocol):
    """Narrows a set of cases (the desk's filter form builds one; words need the search index,
    which sits above the case record, so only its shape is known here)."""

    def apply(self, cases: QuerySet[Aspiration]) -> QuerySet[Aspiration]: ...


def inbox_for(
    user,
    on: dt.date | None = None,
    filters: CaseQuery | None = None,
    *,
    positions: Iterable[str] | None = None,
) -> QuerySet[Aspiration]:
    """Open cases waiting on the positions the user holds or acts for, the most urgent first;
    `filters` (step, category, channel, customer type, arrival dates, words) narrow them.
    `positions` spares the look-up when the caller already has the user's capacities.

    Read from the partial index asp_inbox_status_pos_due: one range per position, already in
    due-time order, and the paging COUNT never leaves the index."""
    positions = list(capacities(user, on) if positions is None else positions)
    cases = (
        Aspiration.objects.filter(status=Status.OPEN, current_position__in=positions)
        .select_related("category")
        .order_by(F("step_due_at").asc(nulls_last=True), "id")
    )
    return filters.apply(cases) if filters is not None else cases


def clarified_at_this_step(cases) -> set[int]:
    """The cases (of a page) whose customer sent a clarification since the case reached its
    current step: the holder has not seen it in a step they did. One query for the page."""
    arrived = {case.pk: case.step_arrived_at for case in cases if case.step_arrived_at}
    if not arrived:
        return set()
    # No ordering: the model's would join the cases to sort by theirs.
    sent = (
        Clarification.objects.filter(aspiration_id__in=arrived)
        .order_by()
        .values_list("aspiration_id", "received_at")
    )
    return {pk for pk, received_at in sent if received_at >= arrived[pk]}


DUE_SOON_SHARE = 0.8

# The words for due_mark's answers, wherever a mark is shown (inbox, digest).
DUE_MARK_LABELS = {
    "overdue": gettext_lazy("overdue"),
    "due_soon": gettext_lazy("due soon"),
    "on_time": gettext_lazy("on time"),
}


def due_mark(
    case: Aspiration, now: dt.datetime | None = None, calendar: WorkingCalendar | None = None
) -> str:
    """on_time, due_soon (80% of the standard's working time used) or overdue.

    `calendar` may be a lazy object: it is only consulted for a case not yet overdue."""
    if not case.step_due_at or not case.step_arrived_at:
        return "on_time"
    now = now or timezone.now()
    if now > case.step_due_at:
        return "overdue"
    if not (case.step and case.step.time.is_limited):
        return "on_time"
    calendar = calendar if calendar is not None else faculty_calendar()
    standard = case.step.time.working_seconds(calendar.seconds_per_day)
    used = calendar.between(case.step_arrived_at, now)
    return "due_soon" if used >= DUE_SOON_SHARE * standard else "on_time"


def trail_of(case: Aspiration) -> QuerySet[StepRecord]:
    return case.trail.select_related("actor").order_by("seq")


def at_steps(pick: Callable[[Sop], Iterable[int]]) -> Q:
    """Cases standing at the steps `pick` chooses in each case's own revision (the reporting
    step is 12 in one revision and 13 in another)."""
    condition = Q(pk__in=[])
    for revision in approved_revisions():
        numbers = list(pick(sop_of_revision(revision)))
        if numbers:
            condition |= Q(revision_id=revision, current_step__in=numbers)
    return condition


def at_step_key(key: str) -> Q:
    """Cases standing at the step with this key, whatever its number in their revision."""
    return at_steps(lambda sop: [sop.steps_by_key[key].number] if key in sop.steps_by_key else [])


def reportable_cases(user, *, positions: Iterable[str] | None = None) -> QuerySet[Aspiration]:
    """Cases at a reporting step whose position the user may act for (step 12)."""
    return inbox_for(user, positions=positions).filter(at_steps(Sop.reporting_steps))
