"""What needs the management's attention: what is overdue now, the escalations to the Dean and
the validation rounds that failed, with their reasons.

Escalations and failed validations are found by what the case's own revision says of the
action (its `kind`, its `verdict`), never by an action's name: a revision may rename them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from aspirasi.cases.choices import Status
from aspirasi.cases.models import Aspiration, StepRecord
from aspirasi.sop.definition import Action, Sop
from aspirasi.sop.registry import sop_of_revision

from .figures import Row
from .period import Period
from .scope import Filters, revision_scope
from .steps import StepName, finished_steps, flow_order, position_name, step_names

ESCALATION = "escalation"  # the action kind that passes a case to the Dean (SOP file)
INVALID = "invalid"  # the verdict of a validation round that failed (SOP file)


@dataclass(frozen=True)
class Overdue:
    total: int
    by_step: list[tuple[StepName, int]]
    by_position: list[Row]
    search: dict[str, str] = field(compare=False)


@dataclass(frozen=True)
class Escalations:
    total: int
    by_position: list[Row]


@dataclass(frozen=True)
class FailedRound:
    aspiration_id: int
    tracking_code: str
    step: StepName
    done_at: dt.datetime
    actor_name: str
    reason: str


@dataclass(frozen=True)
class FailedValidations:
    total: int
    by_step: list[tuple[StepName, int]]
    rounds: list[FailedRound]  # every case's; the page shows those the reader may read


def overdue_now(filters: Filters, sop: Sop, now: dt.datetime) -> Overdue:
    """Open cases past their step's due time now, whatever the period (a case at a step "as
    needed" has no due time and is never overdue)."""
    cases = Aspiration.objects.filter(filters.on_cases(), status=Status.OPEN, step_due_at__lt=now)
    per_key: dict[str, int] = {}
    at_steps = cases.order_by().values("revision_id", "current_step").annotate(n=Count("id"))
    for row in at_steps:
        key = sop_of_revision(row["revision_id"]).step_key(row["current_step"])
        per_key[key] = per_key.get(key, 0) + row["n"]
    at_positions = cases.order_by().values("current_position").annotate(n=Count("id"))
    return Overdue(
        total=sum(per_key.values()),
        by_step=_by_step(sop, per_key),
        by_position=_position_rows(sop, {r["current_position"]: r["n"] for r in at_positions}),
        search={**filters.search_params(), "overdue": "on"},
    )


def overdue_cases(filters: Filters, now: dt.datetime) -> QuerySet[Aspiration]:
    """The cases overdue_now counts, the longest overdue first."""
    return Aspiration.objects.filter(
        filters.on_cases(), status=Status.OPEN, step_due_at__lt=now
    ).order_by("step_due_at", "pk")


def escalated_cases(period: Period, filters: Filters) -> QuerySet[Aspiration]:
    """The cases of the escalations counted in the period (a case escalated twice is one)."""
    records = _records_of_actions(period, filters, lambda action: action.kind == ESCALATION)
    return Aspiration.objects.filter(pk__in=records.values("aspiration_id")).order_by(
        "arrived_at", "pk"
    )


def escalations(period: Period, filters: Filters, sop: Sop) -> Escalations:
    """Records, finished in the period, of an action the case's revision marks as an
    escalation (decision 2, path C), per position that escalated."""
    records = _records_of_actions(period, filters, lambda action: action.kind == ESCALATION)
    per_position = records.order_by().values("position").annotate(n=Count("id"))
    counts = {row["position"]: row["n"] for row in per_position}
    return Escalations(total=sum(counts.values()), by_position=_position_rows(sop, counts))


def failed_validations(period: Period, filters: Filters, sop: Sop) -> FailedValidations:
    """Validation rounds, judged in the period, whose verdict was "does not fit" (decision 3),
    with the reason written down (the record's note)."""
    records = _records_of_actions(period, filters, lambda action: action.verdict == INVALID)
    rows = list(
        records.order_by("done_at", "id").values(
            "aspiration_id",
            "aspiration__tracking_code",
            "step_key",
            "done_at",
            "actor_name",
            "note",
        )
    )
    names = step_names(sop, {row["step_key"] for row in rows})
    per_key: dict[str, int] = {}
    for row in rows:
        per_key[row["step_key"]] = per_key.get(row["step_key"], 0) + 1
    return FailedValidations(
        total=len(rows),
        by_step=_by_step(sop, per_key),
        rounds=[
            FailedRound(
                aspiration_id=row["aspiration_id"],
                tracking_code=row["aspiration__tracking_code"],
                step=names[row["step_key"]],
                done_at=row["done_at"],
                actor_name=row["actor_name"],
                reason=row["note"],
            )
            for row in rows
        ],
    )


def _records_of_actions(
    period: Period, filters: Filters, test: Callable[[Action], bool]
) -> QuerySet[StepRecord]:
    """The period's step records of the actions that pass `test` in their case's revision."""
    condition = Q(pk__in=[])
    for pk, definition in revision_scope(filters):
        for step in definition.case_steps():
            names = [action.name for action in step.actions if test(action)]
            if names:
                condition |= Q(aspiration__revision_id=pk, step_key=step.key, action__in=names)
    return finished_steps(period, filters).filter(condition)


def _by_step(sop: Sop, per_key: dict[str, int]) -> list[tuple[StepName, int]]:
    names = step_names(sop, per_key)
    return sorted(((names[k], n) for k, n in per_key.items()), key=lambda i: flow_order(i[0]))


def _position_rows(sop: Sop, counts: dict[str, int]) -> list[Row]:
    order = {code: index for index, code in enumerate(sop.positions)}
    codes = sorted(counts, key=lambda code: (order.get(code, len(order)), code))
    return [Row(code, position_name(sop, code), counts[code]) for code in codes]
