"""Build the faculty's working calendar from settings and the days the admin keeps."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import CalendarDay
from .working_time import WorkingCalendar


def national_calendar() -> WorkingCalendar:
    """The faculty's opening hours on weekdays without national holidays, before the days the
    faculty keeps itself. The opening hours are the one source of a working day's length."""
    opens, closes = settings.ASPIRASI_WORKING_HOURS
    return WorkingCalendar(
        timezone=ZoneInfo(settings.TIME_ZONE),
        opens=dt.time.fromisoformat(opens),
        closes=dt.time.fromisoformat(closes),
    )


def faculty_calendar() -> WorkingCalendar:
    """The calendar in force now. Cheap enough to build per operation (one small query)."""
    off, working = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (off if kind == CalendarDay.Kind.DAY_OFF else working).add(day)
    return replace(
        national_calendar(), extra_days_off=frozenset(off), extra_working_days=frozenset(working)
    )
