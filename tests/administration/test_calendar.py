"""The faculty's own days off and working days, on top of the national calendar."""

import datetime as dt

import pytest
from django.urls import reverse

from aspirasi.clock.calendar import faculty_calendar
from aspirasi.clock.models import CalendarDay

pytestmark = pytest.mark.django_db

NEW = reverse("administration:calendar_day_new")
LIST = reverse("administration:calendar")

A_WEDNESDAY = dt.date(2027, 3, 3)
A_SATURDAY = dt.date(2027, 3, 6)
NEW_YEAR = dt.date(2027, 1, 1)


def test_admin_adds_a_day_off_and_the_working_time_skips_it(client, officials):
    client.force_login(officials["kabag"])

    response = client.post(
        NEW, {"date": A_WEDNESDAY.isoformat(), "kind": "off", "note": "Dies natalis FT"}
    )

    assert response.status_code == 302
    assert CalendarDay.objects.get().note == "Dies natalis FT"
    assert not faculty_calendar().is_working_day(A_WEDNESDAY)
    assert "Dies natalis FT" in client.get(LIST).content.decode()


def test_admin_makes_a_saturday_a_working_day(client, officials):
    client.force_login(officials["kabag"])

    response = client.post(NEW, {"date": A_SATURDAY.isoformat(), "kind": "working"})

    assert response.status_code == 302
    assert faculty_calendar().is_working_day(A_SATURDAY)


@pytest.mark.parametrize(
    ("day", "kind"),
    [(A_SATURDAY, "off"), (NEW_YEAR, "off"), (A_WEDNESDAY, "working")],
    ids=["weekend-off", "holiday-off", "weekday-working"],
)
def test_a_day_that_changes_nothing_is_refused(client, officials, day, kind):
    client.force_login(officials["kabag"])

    response = client.post(NEW, {"date": day.isoformat(), "kind": kind})

    assert response.status_code == 400
    assert response.context["form"].errors["date"]
    assert not CalendarDay.objects.exists()


def test_the_same_day_twice_is_refused_with_a_pointer_to_edit_it(client, officials):
    CalendarDay.objects.create(date=A_WEDNESDAY, kind="off")
    client.force_login(officials["kabag"])

    response = client.post(NEW, {"date": A_WEDNESDAY.isoformat(), "kind": "off"})

    assert response.status_code == 400
    assert len(response.context["form"].errors["date"]) == 1


def test_admin_edits_and_removes_a_day(client, officials):
    day = CalendarDay.objects.create(date=A_WEDNESDAY, kind="off", note="salah")
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:calendar_day_edit", args=[day.pk]),
        {"date": A_WEDNESDAY.isoformat(), "kind": "off", "note": "Rapat senat"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.note == "Rapat senat"

    response = client.post(reverse("administration:calendar_day_delete", args=[day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert faculty_calendar().is_working_day(A_WEDNESDAY)
