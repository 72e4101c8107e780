"""What came in during a period and how it ended: aspirations received by channel, category and
customer type; how the period's aspirations ended (the SOP's paths, the closures outside the
flow, still open); the follow-ups among them. Every case counts, whoever reads (decision 11):
the cases behind a figure are reached through the archive search, which lists only what the
reader may read, so each row carries that search's query parameters."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from aspirasi.cases.choices import Channel, CustomerType, Status
from aspirasi.cases.models import Aspiration, Category
from aspirasi.sop.definition import Sop

from .period import Period
from .scope import Filters, newest_first

NOT_GIVEN = _("Not given")


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    # The archive search's query parameters for the cases behind the figure; None where the
    # search has no such filter (a customer type not given).
    search: dict[str, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Intake:
    total: int
    by_channel: list[Row]
    by_category: list[Row]
    by_customer_type: list[Row]
    search: dict[str, str] = field(compare=False)


@dataclass(frozen=True)
class Outcomes:
    """How the aspirations received in the period ended, as things stand now."""

    paths: list[Row]
    closures: list[Row]  # outside the flow (decision 14)
    still_open: Row

    @property
    def total(self) -> int:
        return sum(r.count for r in self.paths + self.closures) + self.still_open.count


def arrivals(period: Period, filters: Filters) -> QuerySet[Aspiration]:
    """The aspirations received in the period: by when they really arrived (decision 17)."""
    return Aspiration.objects.filter(
        filters.on_cases(), arrived_at__gte=period.start_at, arrived_at__lt=period.end_at
    )


def arrival_search(period: Period, filters: Filters, **more: str) -> dict[str, str]:
    """The archive search for the period's arrivals (its dates include both ends)."""
    return {
        **filters.search_params(),
        "arrived_from": period.start.isoformat(),
        "arrived_to": period.last_day.isoformat(),
        **more,
    }


def _counts(cases: QuerySet[Aspiration], *fields: str) -> dict:
    rows = cases.order_by().values(*fields).annotate(n=Count("id"))
    return {tuple(r[f] for f in fields) if len(fields) > 1 else r[fields[0]]: r["n"] for r in rows}


def received(period: Period, filters: Filters) -> Intake:
    cases = arrivals(period, filters)
    by_channel = _counts(cases, "channel")
    by_category = _counts(cases, "category")
    by_type = _counts(cases, "customer_type")

    def row(name: str, key: str, label: str, count: int) -> Row:
        return Row(key, label, count, arrival_search(period, filters, **{name: key}))

    types = [
        row("customer_type", code, label, by_type.get(code, 0))
        for code, label in CustomerType.choices
    ]
    if by_type.get(""):
        # Anonymous customers give no type; the search cannot ask for "none given".
        types.append(Row("", str(NOT_GIVEN), by_type[""]))
    return Intake(
        total=sum(by_channel.values()),
        by_channel=[row("channel", c, label, by_channel.get(c, 0)) for c, label in Channel.choices],
        by_category=[
            row("category", c.code, c.name, by_category.get(c.pk, 0))
            for c in Category.objects.order_by("order", "code")
            if c.active or by_category.get(c.pk)
        ],
        by_customer_type=types,
        search=arrival_search(period, filters),
    )


def outcomes(period: Period, filters: Filters, sop: Sop) -> Outcomes:
    """Each path and closure of the reference revision is shown, even at 0; one known only to
    another revision is added with its words from there."""
    counts = _counts(arrivals(period, filters), "status", "closure")
    paths = {code: 0 for code in sop.paths}
    closures = {name: 0 for name in sop.closures}
    for (status, closure), n in counts.items():
        if status != Status.CLOSED:
            continue
        if closure in sop.paths or _is_path_elsewhere(closure):
            paths[closure] = paths.get(closure, 0) + n
        else:
            closures[closure] = closures.get(closure, 0) + n

    def row(code: str, n: int) -> Row:
        return Row(code, ending_label(sop, code), n, arrival_search(period, filters, closure=code))

    open_count = sum(n for (status, _closure), n in counts.items() if status == Status.OPEN)
    return Outcomes(
        paths=[row(code, n) for code, n in paths.items()],
        closures=[row(name, n) for name, n in closures.items()],
        still_open=Row(
            Status.OPEN,
            str(_("Still open")),
            open_count,
            arrival_search(period, filters, status=Status.OPEN),
        ),
    )


def _is_path_elsewhere(code: str) -> bool:
    return any(code in other.paths for other in newest_first())


def ending_label(sop: Sop, code: str) -> str:
    for definition in [sop, *newest_first()]:
        ending = definition.paths.get(code) or definition.closures.get(code)
        if ending is not None:
            return ending.label
    return code


def follow_ups(period: Period, filters: Filters) -> int:
    """Aspirations received in the period that follow up a closed case (decision 15)."""
    return arrivals(period, filters).filter(follow_up_of__isnull=False).count()
