"""The faculty's calendar in force: settings plus the days the admin keeps (CalendarDay)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aspirasi.clock.calendar import faculty_calendar
from aspirasi.clock.models import CalendarDay

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
ONE_DAY = 30_600


def wita(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


def test_with_no_days_kept_the_faculty_calendar_is_the_national_one():
    calendar = faculty_calendar()
    assert calendar.timezone == WITA
    assert (calendar.opens, calendar.closes) == (dt.time(7, 30), dt.time(16, 0))
    assert calendar.extra_days_off == frozenset()
    assert calendar.extra_working_days == frozenset()
    assert not calendar.is_working_day(dt.date(2026, 3, 20))  # cuti bersama Idul Fitri
    assert calendar.add(wita(2026, 11, 3, 14, 0), ONE_DAY) == wita(2026, 11, 4, 14, 0)


def test_a_day_off_kept_by_the_admin_is_not_a_working_day():
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 4), kind=CalendarDay.Kind.DAY_OFF, note="Dies Natalis"
    )
    calendar = faculty_calendar()
    assert calendar.extra_days_off == frozenset({dt.date(2026, 11, 4)})
    assert not calendar.is_working_day(dt.date(2026, 11, 4))
    assert calendar.add(wita(2026, 11, 3, 14, 0), ONE_DAY) == wita(2026, 11, 5, 14, 0)


def test_a_saturday_kept_as_a_working_day_counts():
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 7), kind=CalendarDay.Kind.WORKING_DAY, note="Wisuda"
    )
    calendar = faculty_calendar()
    assert calendar.extra_working_days == frozenset({dt.date(2026, 11, 7)})
    assert calendar.add(wita(2026, 11, 6, 14, 0), ONE_DAY) == wita(2026, 11, 7, 14, 0)


def test_days_off_and_working_days_are_read_together():
    CalendarDay.objects.create(date=dt.date(2026, 11, 4), kind=CalendarDay.Kind.DAY_OFF)
    CalendarDay.objects.create(date=dt.date(2026, 11, 5), kind=CalendarDay.Kind.DAY_OFF)
    CalendarDay.objects.create(date=dt.date(2026, 11, 7), kind=CalendarDay.Kind.WORKING_DAY)
    calendar = faculty_calendar()
    assert calendar.extra_days_off == frozenset({dt.date(2026, 11, 4), dt.date(2026, 11, 5)})
    assert calendar.extra_working_days == frozenset({dt.date(2026, 11, 7)})
    # Tue 14:00 + 1 hari: Tue 2 h, Wed and Thu off, Fri 6.5 h -> Fri 14:00.
    assert calendar.add(wita(2026, 11, 3, 14, 0), ONE_DAY) == wita(2026, 11, 6, 14, 0)


def test_a_day_added_later_is_seen_by_the_next_calendar_built():
    before = faculty_calendar()
    CalendarDay.objects.create(date=dt.date(2026, 11, 4), kind=CalendarDay.Kind.DAY_OFF)
    assert before.is_working_day(dt.date(2026, 11, 4))
    assert not faculty_calendar().is_working_day(dt.date(2026, 11, 4))


def test_working_hours_come_from_settings(settings):
    settings.ASPIRASI_WORKING_HOURS = ("08:00", "15:00")
    calendar = faculty_calendar()
    assert calendar.seconds_per_day == 7 * 3600
    assert calendar.add(wita(2026, 11, 3, 14, 55), 600) == wita(2026, 11, 4, 8, 5)
