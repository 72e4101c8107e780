"""Working time: Monday to Friday 07:30-16:00 Asia/Makassar, without holidays.

A time standard is counted from the moment a case reaches a step; outside working time the count
starts at the next opening (SOP decision 6). All datetimes in and out are timezone-aware.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

import holidays

# Guard against a calendar with no working days at all, which would loop forever.
_MAX_DAYS_SCANNED = 3660


@dataclass(frozen=True)
class WorkingCalendar:
    timezone: ZoneInfo = ZoneInfo("Asia/Makassar")
    opens: dt.time = dt.time(7, 30)
    closes: dt.time = dt.time(16, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    extra_days_off: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()
    country: str = "ID"
    holiday_categories: tuple[str, ...] = ("public", "government")
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def _holidays(self) -> holidays.HolidayBase:
        return national_holidays(self.country, self.holiday_categories)

    @property
    def seconds_per_day(self) -> int:
        return _seconds(self.closes) - _seconds(self.opens)

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            if day in self.extra_working_days:
                cached = True
            elif day in self.extra_days_off or day.weekday() not in self.weekdays:
                cached = False
            else:
                cached = day not in self._holidays
            self._cache[day] = cached
        return cached

    def _window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(day, self.opens, self.timezone),
            dt.datetime.combine(day, self.closes, self.timezone),
        )

    def _working_days_from(self, day: dt.date) -> Iterable[dt.date]:
        """Working days from `day` on, for as long as asked. The guard is on the gap between two
        working days, not on the whole span, so a long standard is never cut off."""
        gap = 0
        while True:
            if self.is_working_day(day):
                gap = 0
                yield day
            else:
                gap += 1
                if gap >= _MAX_DAYS_SCANNED:
                    raise ValueError("the working calendar has no working day in ten years")
            day += dt.timedelta(days=1)

    def add(self, start: dt.datetime, working_seconds: int) -> dt.datetime:
        """The moment `working_seconds` of working time have passed since `start`.

        1. Move to local time; if outside working time, move to the next opening.
        2. Spend what is left of that day's window; if it is enough, the answer lies in it.
        3. Otherwise go on to the next working day's opening and repeat.
        """
        if working_seconds < 0:
            raise ValueError("working time to add cannot be negative")
        local = _aware(start).astimezone(self.timezone)
        # timedelta arithmetic is exact to the microsecond; floats drift, and between() would
        # then be a second short of what add() added.
        remaining = dt.timedelta(seconds=working_seconds)
        for day in self._working_days_from(local.date()):
            opening, closing = self._window(day)
            cursor = max(local, opening) if day == local.date() else opening
            if cursor >= closing:
                continue
            available = closing - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        raise AssertionError("unreachable")

    def between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working seconds from `start` to `end` (0 if end is not after start)."""
        start = _aware(start).astimezone(self.timezone)
        end = _aware(end).astimezone(self.timezone)
        if end <= start:
            return 0
        total = dt.timedelta(0)
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                opening, closing = self._window(day)
                lo, hi = max(opening, start), min(closing, end)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total // dt.timedelta(seconds=1)

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself when it is within working time, else the next opening."""
        return self.add(moment, 0)


@cache
def national_holidays(country: str, categories: tuple[str, ...]) -> holidays.HolidayBase:
    """Building the table costs most of a second, so it is built once per process; it fills
    in further years by itself as they are asked for."""
    return holidays.country_holidays(country, categories=categories, language="id")


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("working time needs timezone-aware datetimes")
    return value
