"""Month by month, for the trend: aspirations received, steps finished and the share within
standard (the counting rules of steps.py), and the IKM. Whole calendar months of the faculty's
time zone, grouped in the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aspirasi.survey import ikm
from aspirasi.survey.elements import FIELDS

from .figures import arrivals
from .period import Period, faculty_zone
from .satisfaction import surveys
from .scope import Filters
from .steps import MEASURES, Share, finished_steps


@dataclass(frozen=True)
class Month:
    start: dt.date
    received: int
    passed: int
    met: int
    limited: int
    index: ikm.Index | None

    @property
    def within_standard(self) -> Share:
        return Share(self.met, self.limited)


def monthly(period: Period, filters: Filters) -> list[Month]:
    trend = period.trend()
    zone = faculty_zone()

    def by_month(rows, field: str):
        return rows.order_by().annotate(month=TruncMonth(field, tzinfo=zone)).values("month")

    received = {
        _day(r["month"]): r["n"]
        for r in by_month(arrivals(trend, filters), "arrived_at").annotate(n=Count("id"))
    }
    steps = {
        _day(r["month"]): r
        for r in by_month(finished_steps(trend, filters), "done_at").annotate(**MEASURES)
    }
    answers = defaultdict(list)
    rated = surveys(trend, filters).annotate(month=TruncMonth("submitted_at", tzinfo=zone))
    for month, *row in rated.order_by().values_list("month", *FIELDS):
        answers[_day(month)].append(row)
    return [
        Month(
            start=month,
            received=received.get(month, 0),
            passed=steps.get(month, {}).get("passed", 0),
            met=steps.get(month, {}).get("met", 0),
            limited=steps.get(month, {}).get("limited", 0),
            index=ikm.index(answers.get(month, [])),
        )
        for month in period.trend_months()
    ]


def _day(value: dt.datetime | dt.date) -> dt.date:
    """The first day of the month a truncated value stands for, in the faculty's days."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, faculty_zone()).date()
    return value
