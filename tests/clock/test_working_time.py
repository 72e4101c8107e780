"""Working time as SOP decision 6 reads it: Monday-Friday 07:30-16:00 Asia/Makassar, without
Indonesia's public holidays, cuti bersama and the faculty's own days off.

Pure: no database. The calendar is built directly; `faculty_calendar()` is tested in
test_calendar.py.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aspirasi.clock.working_time import WorkingCalendar

WITA = ZoneInfo("Asia/Makassar")
UTC = dt.UTC
TEN_MINUTES = 600
ONE_DAY = 30_600  # 1 hari = 8.5 working hours
CALENDAR = WorkingCalendar()


def wita(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WITA)


# An ordinary working week with no holiday: 2026-11-02 (Monday) to 2026-11-06 (Friday).
MONDAY = wita(2026, 11, 2)
TUESDAY_14 = wita(2026, 11, 3, 14, 0)
FRIDAY_14 = wita(2026, 11, 6, 14, 0)


# ---------------------------------------------------------------------------------------------
# The examples of decision 6


def test_one_day_reaching_tuesday_14_is_due_wednesday_14():
    assert CALENDAR.add(TUESDAY_14, ONE_DAY) == wita(2026, 11, 4, 14, 0)


def test_one_day_reaching_friday_14_is_due_monday_14():
    assert CALENDAR.add(FRIDAY_14, ONE_DAY) == wita(2026, 11, 9, 14, 0)


def test_ten_minutes_reaching_at_15_55_is_due_07_35_next_working_day():
    assert CALENDAR.add(wita(2026, 11, 3, 15, 55), TEN_MINUTES) == wita(2026, 11, 4, 7, 35)


def test_ten_minutes_reaching_friday_15_55_is_due_monday_07_35():
    assert CALENDAR.add(wita(2026, 11, 6, 15, 55), TEN_MINUTES) == wita(2026, 11, 9, 7, 35)


def test_one_day_is_eight_and_a_half_working_hours():
    assert CALENDAR.seconds_per_day == ONE_DAY
    assert CALENDAR.add(wita(2026, 11, 3, 7, 30), ONE_DAY) == wita(2026, 11, 3, 16, 0)


def test_ten_minutes_within_the_day_are_ten_clock_minutes():
    assert CALENDAR.add(wita(2026, 11, 3, 9, 0), TEN_MINUTES) == wita(2026, 11, 3, 9, 10)


def test_a_standard_ending_exactly_at_closing_is_due_at_closing():
    assert CALENDAR.add(wita(2026, 11, 3, 15, 50), TEN_MINUTES) == wita(2026, 11, 3, 16, 0)


# ---------------------------------------------------------------------------------------------
# Reaching a step outside working time: the count starts at the next opening


def test_ten_minutes_reaching_before_07_30_is_due_07_40():
    assert CALENDAR.add(wita(2026, 11, 3, 6, 0), TEN_MINUTES) == wita(2026, 11, 3, 7, 40)


def test_ten_minutes_reaching_exactly_at_07_30_is_due_07_40():
    assert CALENDAR.add(wita(2026, 11, 3, 7, 30), TEN_MINUTES) == wita(2026, 11, 3, 7, 40)


def test_ten_minutes_reaching_at_16_00_is_due_07_40_next_working_day():
    assert CALENDAR.add(wita(2026, 11, 3, 16, 0), TEN_MINUTES) == wita(2026, 11, 4, 7, 40)


def test_one_day_reaching_after_16_00_is_due_at_closing_of_the_next_working_day():
    assert CALENDAR.add(wita(2026, 11, 3, 19, 45), ONE_DAY) == wita(2026, 11, 4, 16, 0)


def test_ten_minutes_reaching_just_before_midnight_is_due_07_40_next_morning():
    assert CALENDAR.add(wita(2026, 11, 3, 23, 59, 59), TEN_MINUTES) == wita(2026, 11, 4, 7, 40)


def test_ten_minutes_reaching_on_saturday_is_due_monday_07_40():
    assert CALENDAR.add(wita(2026, 11, 7, 10, 0), TEN_MINUTES) == wita(2026, 11, 9, 7, 40)


def test_one_day_reaching_on_sunday_is_due_monday_16_00():
    assert CALENDAR.add(wita(2026, 11, 8, 12, 0), ONE_DAY) == wita(2026, 11, 9, 16, 0)


def test_next_opening_is_the_moment_itself_within_working_time():
    assert CALENDAR.next_opening(TUESDAY_14) == TUESDAY_14


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (wita(2026, 11, 3, 5, 0), wita(2026, 11, 3, 7, 30)),
        (wita(2026, 11, 3, 16, 0), wita(2026, 11, 4, 7, 30)),
        (wita(2026, 11, 6, 18, 0), wita(2026, 11, 9, 7, 30)),
        (wita(2026, 11, 7, 9, 0), wita(2026, 11, 9, 7, 30)),
    ],
    ids=["before-07-30", "at-16-00", "friday-evening", "saturday"],
)
def test_next_opening_outside_working_time(moment, opening):
    assert CALENDAR.next_opening(moment) == opening


def test_weekends_are_not_working_days():
    assert [CALENDAR.is_working_day(MONDAY.date() + dt.timedelta(days=n)) for n in range(7)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


# ---------------------------------------------------------------------------------------------
# Public holidays and cuti bersama (2026-03-18..24: Nyepi and Idul Fitri)


def test_nyepi_and_idul_fitri_week_is_off_both_holidays_and_cuti_bersama():
    off = [dt.date(2026, 3, d) for d in range(18, 25)]
    assert [CALENDAR.is_working_day(d) for d in off] == [False] * 7
    assert CALENDAR.is_working_day(dt.date(2026, 3, 17))
    assert CALENDAR.is_working_day(dt.date(2026, 3, 25))


def test_holidays_carry_their_indonesian_names():
    assert CALENDAR.holiday_name(dt.date(2026, 3, 19)) == "Hari Suci Nyepi"
    assert "Cuti Bersama" in CALENDAR.holiday_name(dt.date(2026, 3, 20))
    assert "Idul Fitri" in CALENDAR.holiday_name(dt.date(2026, 3, 23))
    assert CALENDAR.holiday_name(dt.date(2026, 3, 17)) is None


def test_ten_minutes_on_tuesday_before_nyepi_at_15_55_is_due_25_march_07_35():
    assert CALENDAR.add(wita(2026, 3, 17, 15, 55), TEN_MINUTES) == wita(2026, 3, 25, 7, 35)


def test_one_day_reaching_tuesday_before_nyepi_14_is_due_25_march_14():
    assert CALENDAR.add(wita(2026, 3, 17, 14, 0), ONE_DAY) == wita(2026, 3, 25, 14, 0)


def test_a_case_reaching_a_step_during_the_holidays_starts_counting_on_25_march():
    assert CALENDAR.next_opening(wita(2026, 3, 21, 10, 0)) == wita(2026, 3, 25, 7, 30)
    assert CALENDAR.add(wita(2026, 3, 19, 10, 0), TEN_MINUTES) == wita(2026, 3, 25, 7, 40)


def test_one_day_from_friday_before_independence_day_is_due_tuesday():
    # 2026-08-17 (Monday) is Hari Kemerdekaan, a public holiday.
    assert CALENDAR.add(wita(2026, 8, 14, 14, 0), ONE_DAY) == wita(2026, 8, 18, 14, 0)


def test_one_day_from_wednesday_before_christmas_cuti_bersama_is_due_monday():
    # 2026-12-24 (Thursday) is cuti bersama, 2026-12-25 (Friday) Christmas.
    assert CALENDAR.add(wita(2026, 12, 23, 14, 0), ONE_DAY) == wita(2026, 12, 28, 14, 0)


def test_cuti_bersama_counts_only_with_the_government_category():
    public_only = WorkingCalendar(holiday_categories=("public",))
    assert not public_only.is_working_day(dt.date(2026, 3, 19))  # Nyepi itself
    assert public_only.is_working_day(dt.date(2026, 3, 20))  # cuti bersama
    assert not CALENDAR.is_working_day(dt.date(2026, 3, 20))


# ---------------------------------------------------------------------------------------------
# The faculty's own days: extra days off and extra working days


def test_an_extra_day_off_pushes_one_day_from_tuesday_14_to_thursday_14():
    calendar = WorkingCalendar(extra_days_off=frozenset({dt.date(2026, 11, 4)}))
    assert not calendar.is_working_day(dt.date(2026, 11, 4))
    assert calendar.add(TUESDAY_14, ONE_DAY) == wita(2026, 11, 5, 14, 0)


def test_an_extra_day_off_on_the_day_after_a_holiday_extends_the_break():
    calendar = WorkingCalendar(extra_days_off=frozenset({dt.date(2026, 3, 25)}))
    assert calendar.add(wita(2026, 3, 17, 15, 55), TEN_MINUTES) == wita(2026, 3, 26, 7, 35)


def test_a_saturday_the_faculty_works_counts_one_day_from_friday_14_to_saturday_14():
    saturday = dt.date(2026, 11, 7)
    calendar = WorkingCalendar(extra_working_days=frozenset({saturday}))
    assert calendar.is_working_day(saturday)
    assert calendar.add(FRIDAY_14, ONE_DAY) == wita(2026, 11, 7, 14, 0)
    assert calendar.add(wita(2026, 11, 6, 15, 55), TEN_MINUTES) == wita(2026, 11, 7, 7, 35)
    assert calendar.between(FRIDAY_14, wita(2026, 11, 9, 14, 0)) == 2 * ONE_DAY


def test_a_holiday_the_faculty_works_is_a_working_day():
    calendar = WorkingCalendar(extra_working_days=frozenset({dt.date(2026, 8, 17)}))
    assert calendar.is_working_day(dt.date(2026, 8, 17))
    assert calendar.add(wita(2026, 8, 14, 14, 0), ONE_DAY) == wita(2026, 8, 17, 14, 0)


# ---------------------------------------------------------------------------------------------
# between(): working seconds between two moments


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (TUESDAY_14, wita(2026, 11, 3, 14, 10), TEN_MINUTES),
        (TUESDAY_14, wita(2026, 11, 4, 14, 0), ONE_DAY),
        (FRIDAY_14, wita(2026, 11, 9, 14, 0), ONE_DAY),
        (wita(2026, 11, 3, 15, 0), wita(2026, 11, 4, 8, 30), 2 * 3600),
        (wita(2026, 11, 3, 16, 30), wita(2026, 11, 4, 7, 0), 0),
        (wita(2026, 11, 7, 8, 0), wita(2026, 11, 8, 20, 0), 0),
        (wita(2026, 11, 7, 8, 0), wita(2026, 11, 9, 8, 0), 1800),
        (wita(2026, 11, 2, 0, 0), wita(2026, 11, 9, 0, 0), 5 * ONE_DAY),
        (wita(2026, 3, 17, 15, 55), wita(2026, 3, 25, 7, 35), TEN_MINUTES),
        (wita(2026, 3, 16, 7, 30), wita(2026, 3, 27, 16, 0), 5 * ONE_DAY),
    ],
    ids=[
        "ten-minutes",
        "tuesday-to-wednesday",
        "over-a-weekend",
        "over-a-night",
        "night-only",
        "weekend-only",
        "saturday-to-monday-08-00",
        "a-whole-week",
        "over-nyepi-and-idul-fitri",
        "two-weeks-with-seven-days-off",
    ],
)
def test_between_counts_only_working_time(start, end, seconds):
    assert CALENDAR.between(start, end) == seconds


def test_between_is_zero_when_the_end_is_not_after_the_start():
    assert CALENDAR.between(TUESDAY_14, TUESDAY_14) == 0
    assert CALENDAR.between(TUESDAY_14, TUESDAY_14 - dt.timedelta(hours=3)) == 0


def test_between_respects_extra_days_off_and_extra_working_days():
    calendar = WorkingCalendar(
        extra_days_off=frozenset({dt.date(2026, 11, 4)}),
        extra_working_days=frozenset({dt.date(2026, 11, 7)}),
    )
    # Tue 14:00 -> Mon 14:00: Tue 2h, Wed off, Thu, Fri, Sat full, Mon 6.5h.
    assert calendar.between(TUESDAY_14, wita(2026, 11, 9, 14, 0)) == 4 * ONE_DAY


# ---------------------------------------------------------------------------------------------
# Time zones


def test_a_timezone_naive_moment_is_refused():
    naive = dt.datetime(2026, 11, 3, 14, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.add(naive, TEN_MINUTES)
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.between(naive, FRIDAY_14)
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.between(TUESDAY_14, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.next_opening(naive)


def test_a_moment_in_utc_is_read_as_makassar_time():
    tuesday_14_utc = dt.datetime(2026, 11, 3, 6, 0, tzinfo=UTC)
    due = CALENDAR.add(tuesday_14_utc, ONE_DAY)
    assert due == wita(2026, 11, 4, 14, 0)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_a_utc_moment_late_on_monday_is_tuesday_morning_in_makassar():
    # 23:50 UTC Monday is 07:50 WITA Tuesday: within working time, not after closing.
    assert CALENDAR.add(dt.datetime(2026, 11, 2, 23, 50, tzinfo=UTC), TEN_MINUTES) == wita(
        2026, 11, 3, 8, 0
    )


def test_a_utc_moment_on_friday_evening_is_saturday_in_makassar():
    # 20:00 UTC Friday is 04:00 WITA Saturday: the count starts on Monday.
    assert CALENDAR.next_opening(dt.datetime(2026, 11, 6, 20, 0, tzinfo=UTC)) == wita(
        2026, 11, 9, 7, 30
    )


def test_between_accepts_moments_in_different_timezones():
    start = dt.datetime(2026, 11, 3, 6, 0, tzinfo=UTC)  # 14:00 WITA
    end = dt.datetime(2026, 11, 4, 13, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # 14:00 WITA
    assert CALENDAR.between(start, end) == ONE_DAY


# ---------------------------------------------------------------------------------------------
# Properties over random moments and durations (2025-2028)

moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2028, 12, 31),
    timezones=st.sampled_from([WITA, UTC, ZoneInfo("Asia/Jakarta")]),
)
durations = st.integers(min_value=0, max_value=40 * ONE_DAY)


def _is_working_moment(calendar: WorkingCalendar, moment: dt.datetime) -> bool:
    local = moment.astimezone(calendar.timezone)
    return calendar.is_working_day(local.date()) and calendar.opens <= local.time() <= (
        calendar.closes
    )


@settings(max_examples=200, deadline=None)
@given(start=moments, seconds=durations)
def test_between_a_moment_and_its_due_time_is_the_standard(start, seconds):
    assert CALENDAR.between(start, CALENDAR.add(start, seconds)) == seconds


@settings(max_examples=100, deadline=None)
@given(start=moments, seconds=durations)
def test_a_due_time_lies_in_working_time_and_not_before_the_start(start, seconds):
    due = CALENDAR.add(start, seconds)
    assert due >= start
    assert _is_working_moment(CALENDAR, due)
    assert due.tzinfo == WITA


@settings(max_examples=100, deadline=None)
@given(start=moments, first=durations, second=st.integers(min_value=1, max_value=10 * ONE_DAY))
def test_adding_in_two_parts_is_adding_the_sum(start, first, second):
    assert CALENDAR.add(CALENDAR.add(start, first), second) == CALENDAR.add(start, first + second)


@settings(max_examples=100, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_between_adds_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted([a, b, c])
    # Whole seconds only: between() counts whole working seconds.
    a, b, c = (m.replace(microsecond=0) for m in (a, b, c))
    assert CALENDAR.between(a, c) == CALENDAR.between(a, b) + CALENDAR.between(b, c)


@settings(max_examples=100, deadline=None)
@given(
    start=moments,
    seconds=durations,
    days_off=st.frozensets(
        st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2029, 12, 31)), max_size=30
    ),
    working=st.frozensets(
        st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2029, 12, 31)), max_size=10
    ),
)
def test_between_and_add_agree_with_the_faculty_days(start, seconds, days_off, working):
    calendar = WorkingCalendar(extra_days_off=days_off, extra_working_days=working)
    due = calendar.add(start, seconds)
    assert calendar.between(start, due) == seconds
    assert _is_working_moment(calendar, due)


# ---------------------------------------------------------------------------------------------
# Guards


def test_negative_working_time_is_refused():
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add(TUESDAY_14, -1)


def test_a_standard_longer_than_ten_calendar_years_is_still_counted():
    # 3,000 working days is well over ten calendar years; only a gap with no working day at
    # all may stop the count.
    start = wita(2026, 11, 3, 7, 30)
    due = CALENDAR.add(start, 3000 * ONE_DAY)
    assert due.year >= 2038
    assert _is_working_moment(CALENDAR, due)


def test_a_calendar_with_no_working_days_stops_instead_of_looping():
    calendar = WorkingCalendar(weekdays=frozenset())
    with pytest.raises(ValueError, match="no working day"):
        calendar.add(TUESDAY_14, TEN_MINUTES)
