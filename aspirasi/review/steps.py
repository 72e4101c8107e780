"""How the steps were done in a period, per step and per official, against the SOP's standards.

Counting rules (shown on the page):
- a step counts in the period in which it finished (its record's `done_at`);
- times are working time of the faculty calendar, as each record measured it when the step was
  done (`working_seconds`), against the standard of the case's own revision (`standard_seconds`);
- within standard = records that met their standard / records whose standard sets a limit:
  a step "as needed" (no limit) counts as passed through but not in compliance (decision 6),
  and closures outside the flow are not steps at all (decision 14, counted apart);
- median and 90th percentile by nearest rank: the value at rank ⌈p·n/100⌉ of the n sorted times;
- where most time is lost: the step with the largest total working time beyond its standard
  (the sum, over the records that missed it, of time taken minus the standard); a tie goes to
  the step that comes first in the flow.

Counts and sums are aggregated in the database, grouped by the step's stable key (the same
step in every revision). The percentiles are taken in Python over the period's times, read in
one ordered query: one integer per record, fine at the faculty's volumes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from aspirasi.cases.choices import RecordKind
from aspirasi.cases.models import StepRecord
from aspirasi.sop.definition import Sop

from .figures import Row, ending_label
from .period import Period
from .scope import Filters, newest_first

MEASURES = {
    "passed": Count("id"),
    "met": Count("id", filter=Q(met=True)),
    "limited": Count("id", filter=Q(standard_seconds__isnull=False)),
    "excess": Sum(
        F("working_seconds") - F("standard_seconds"),
        filter=Q(working_seconds__gt=F("standard_seconds")),
        output_field=IntegerField(),
    ),
}


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        """To one decimal, half up; None when there is nothing to share."""
        if not self.whole:
            return None
        value = Decimal(100 * self.part) / Decimal(self.whole)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Performance:
    passed: int = 0
    met: int = 0
    limited: int = 0  # records whose standard sets a limit
    excess: int = 0  # working seconds beyond the standard, summed
    median: int | None = None
    p90: int | None = None

    @property
    def within_standard(self) -> Share:
        return Share(self.met, self.limited)

    @property
    def late(self) -> int:
        """Records that missed their standard."""
        return self.limited - self.met

    @property
    def as_needed(self) -> int:
        """Records of a step whose standard is "as needed": outside compliance."""
        return self.passed - self.limited


@dataclass(frozen=True)
class StepName:
    key: str
    number: int
    label: str
    # The revision the words come from, when the reference revision has no such step.
    revision: int | None = None


@dataclass(frozen=True)
class StepRow:
    name: StepName
    performance: Performance
    # The archive search for the cases behind the row (trail_search).
    search: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def late_search(self) -> dict[str, str]:
        return {**self.search, "late": "on"}


@dataclass(frozen=True)
class OfficialRow:
    user_id: int
    name: str
    position: str
    position_name: str
    performance: Performance
    most_time_lost_at: StepName | None = field(default=None)
    search: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def late_search(self) -> dict[str, str]:
        return {**self.search, "late": "on"}


def trail_search(period: Period, filters: Filters, **record: str) -> dict[str, str]:
    """The archive search for the cases with a step record finished in the period that
    matches `record` (trail_step, official, position): all of them on one record."""
    return {
        **filters.search_params(),
        "done_from": period.start.isoformat(),
        "done_to": period.last_day.isoformat(),
        **record,
    }


def nearest_rank(ordered: list[int], percent: int) -> int | None:
    """The `percent`-th percentile of sorted values by nearest rank: the value at rank
    ⌈percent·n/100⌉ (1-based), so it is always one of the values."""
    if not ordered:
        return None
    return ordered[rank_of(percent, len(ordered)) - 1]


def rank_of(percent: int, size: int) -> int:
    """The nearest rank ⌈percent·size/100⌉, 1-based, at least 1."""
    return max(1, -(-percent * size // 100))


def finished_steps(period: Period, filters: Filters) -> QuerySet[StepRecord]:
    """The step records (not closures) that finished in the period."""
    return StepRecord.objects.filter(
        filters.on_cases("aspiration"),
        kind=RecordKind.STEP,
        done_at__gte=period.start_at,
        done_at__lt=period.end_at,
    )


def _performances(records: QuerySet[StepRecord], *group: str) -> dict[tuple, Performance]:
    """Performance per group, counted in the database, percentiles picked there too."""
    counted = records.order_by().values(*group).annotate(**MEASURES)
    picked = percentiles(records, group, (50, 90))
    result = {}
    for row in counted:
        key = tuple(row[g] for g in group)
        result[key] = Performance(
            passed=row["passed"],
            met=row["met"],
            limited=row["limited"],
            excess=row["excess"] or 0,
            median=picked.get((key, 50)),
            p90=picked.get((key, 90)),
        )
    return result


def percentiles(
    records: QuerySet[StepRecord], group: tuple[str, ...], wanted: tuple[int, ...]
) -> dict[tuple[tuple, int], int]:
    """{(group key, percent): working seconds} by nearest rank, as `nearest_rank` defines it:
    the database numbers each group's times in order and returns only the rows at the wanted
    ranks, so a year of records is never read into Python."""
    partition = [F(name) for name in group]
    ranked = records.order_by().annotate(
        rank=Window(RowNumber(), partition_by=partition, order_by=F("working_seconds").asc()),
        size=Window(Count("id"), partition_by=partition),
    )
    # Nearest rank ⌈p·n/100⌉ in integers: (p·n + 99) // 100, at least 1 since n >= 1.
    at_rank = {p: (F("size") * p + 99) / 100 for p in wanted}
    condition = Q()
    for expression in at_rank.values():
        condition |= Q(rank=expression)
    rows = ranked.filter(condition).values_list(*group, "rank", "size", "working_seconds")
    found = {}
    for *key, rank, size, seconds in rows:
        for percent in wanted:
            if rank == rank_of(percent, size):
                found[(tuple(key), percent)] = seconds
    return found


def step_names(sop: Sop, keys: Iterable[str]) -> dict[str, StepName]:
    """Each key's number and label in the reference revision, else in the newest revision
    that has it."""
    names = {}
    for key in keys:
        step, source = sop.steps_by_key.get(key), None
        if step is None:
            source = next((o for o in newest_first() if key in o.steps_by_key), None)
            step = source.steps_by_key[key] if source else None
        if step is None:
            names[key] = StepName(key, 0, key)
        else:
            names[key] = StepName(key, step.number, step.label, source.revision if source else None)
    return names


def flow_order(name: StepName) -> tuple:
    """The reference revision's steps in their order, then the others by their number."""
    return (name.revision is not None, name.number, name.key)


def by_step(period: Period, filters: Filters, sop: Sop) -> list[StepRow]:
    performances = _performances(finished_steps(period, filters), "step_key")
    names = step_names(sop, [key for (key,) in performances])
    rows = [
        StepRow(names[key], performance, trail_search(period, filters, trail_step=key))
        for (key,), performance in performances.items()
    ]
    return sorted(rows, key=lambda row: flow_order(row.name))


def overall(period: Period, filters: Filters) -> Performance:
    """Every step record of the period together (no percentiles: steps of ten minutes and of
    a day do not make one distribution)."""
    totals = finished_steps(period, filters).aggregate(**MEASURES)
    return Performance(
        passed=totals["passed"],
        met=totals["met"],
        limited=totals["limited"],
        excess=totals["excess"] or 0,
    )


def closures_outside_flow(period: Period, filters: Filters, sop: Sop) -> list[Row]:
    """Closures outside the flow done in the period, per closure: counted apart from the
    steps and their compliance (decision 14). Each closure of the reference revision is shown,
    even at 0."""
    records = StepRecord.objects.filter(
        filters.on_cases("aspiration"),
        kind=RecordKind.CLOSURE,
        done_at__gte=period.start_at,
        done_at__lt=period.end_at,
    )
    counts = {name: 0 for name in sop.closures}
    for row in records.order_by().values("action").annotate(n=Count("id")):
        counts[row["action"]] = row["n"]
    return [Row(name, ending_label(sop, name), n) for name, n in counts.items()]


def most_time_lost(rows: list[StepRow]) -> StepRow | None:
    """The step with the largest total time beyond standard; rows come in flow order, and
    max() keeps the first of equals."""
    losing = [row for row in rows if row.performance.excess > 0]
    return max(losing, key=lambda row: row.performance.excess) if losing else None


def by_official(period: Period, filters: Filters, sop: Sop) -> list[OfficialRow]:
    """Per official and the position they acted in (a Plh's records count under the position
    they acted for), with the step where they lost the most time."""
    records = finished_steps(period, filters)
    performances = _performances(records, "actor_id", "position")
    worst = _worst_step_per_official(records, sop)
    users = get_user_model().objects.in_bulk({actor for actor, _position in performances})
    rows = []
    for (actor, position), performance in performances.items():
        user = users[actor]
        rows.append(
            OfficialRow(
                user_id=actor,
                name=user.get_full_name() or user.get_username(),
                position=position,
                position_name=position_name(sop, position),
                performance=performance,
                most_time_lost_at=worst.get((actor, position)),
                search=trail_search(period, filters, official=str(actor), position=position),
            )
        )
    order = {code: index for index, code in enumerate(sop.positions)}
    return sorted(rows, key=lambda r: (order.get(r.position, len(order)), r.name, r.user_id))


def _worst_step_per_official(records: QuerySet[StepRecord], sop: Sop) -> dict:
    losses = (
        records.filter(working_seconds__gt=F("standard_seconds"))
        .order_by()
        .values("actor_id", "position", "step_key")
        .annotate(excess=MEASURES["excess"])
    )
    per_official: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for row in losses:
        per_official[(row["actor_id"], row["position"])].append((row["excess"], row["step_key"]))
    names = step_names(sop, {key for found in per_official.values() for _e, key in found})
    worst = {}
    for official, found in per_official.items():
        ranked = sorted(found, key=lambda item: (-item[0], flow_order(names[item[1]])))
        worst[official] = names[ranked[0][1]]
    return worst


def position_name(sop: Sop, code: str) -> str:
    for definition in [sop, *newest_first()]:
        if code in definition.positions:
            return definition.positions[code].name
    return code
