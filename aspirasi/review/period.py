"""The period a review covers: a month, a semester (January–June, July–December), a year or a
custom range of days, always [start, end) in the faculty's days (its time zone), so a figure
means the days the officials see on their screens, on either database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

MONTH = "month"
SEMESTER = "semester"
YEAR = "year"
CUSTOM = "custom"
# A trend shows at least this many months, ending with the period's last month: one month
# alone says nothing about a direction.
TREND_MONTHS = 12


def faculty_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=faculty_zone())


def first_of_next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # the first day after the period

    @property
    def start_at(self) -> dt.datetime:
        return midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return midnight(self.end)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return date_format(self.start, "F Y")
        if self.kind == SEMESTER:
            return _("Semester %(half)s %(year)s (%(first)s–%(last)s)") % {
                "half": 1 if self.start.month == 1 else 2,
                "year": self.start.year,
                "first": date_format(self.start, "F"),
                "last": date_format(self.last_day, "F"),
            }
        if self.kind == YEAR:
            return str(self.start.year)
        return f"{date_format(self.start)} – {date_format(self.last_day)}"

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        months, day = [], self.start.replace(day=1)
        while day < self.end:
            months.append(day)
            day = first_of_next_month(day)
        return months

    def trend_months(self) -> list[dt.date]:
        """The whole months of the trend: the period's months, reaching back to twelve."""
        months = self.months()
        while len(months) < TREND_MONTHS:
            first = months[0]
            months.insert(0, (first - dt.timedelta(days=1)).replace(day=1))
        return months

    def trend(self) -> Period:
        """The whole months the trend covers, as a period of their own."""
        months = self.trend_months()
        return Period(CUSTOM, months[0], first_of_next_month(months[-1]))


def month(year: int, number: int) -> Period:
    start = dt.date(year, number, 1)
    return Period(MONTH, start, first_of_next_month(start))


def semester(year: int, half: int) -> Period:
    """Half 1: January–June; half 2: July–December."""
    if half not in (1, 2):
        raise ValueError(f"a semester is half 1 or 2, not {half!r}")
    start = dt.date(year, 1 if half == 1 else 7, 1)
    end = dt.date(year, 7, 1) if half == 1 else dt.date(year + 1, 1, 1)
    return Period(SEMESTER, start, end)


def year(number: int) -> Period:
    return Period(YEAR, dt.date(number, 1, 1), dt.date(number + 1, 1, 1))


def custom(first_day: dt.date, last_day: dt.date) -> Period:
    """From the first to the last day, both included."""
    if last_day < first_day:
        raise ValueError("the last day is before the first")
    return Period(CUSTOM, first_day, last_day + dt.timedelta(days=1))
