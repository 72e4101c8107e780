"""Acting officials (Plh): who acts for which position, from and to which day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.officials.capacity import capacities
from aspirasi.officials.models import Acting
from tests.factories import make_acting, make_user

pytestmark = pytest.mark.django_db

NEW = reverse("administration:acting_new")
LIST = reverse("administration:actings")


def today() -> dt.date:
    return timezone.localdate()


def next_week() -> tuple[dt.date, dt.date]:
    monday = today() + dt.timedelta(days=7 - today().weekday())
    return monday, monday + dt.timedelta(days=4)


def test_admin_names_an_acting_dean_for_next_week(client, officials):
    lecturer = make_user("aminah", first_name="Aminah")
    monday, friday = next_week()
    client.force_login(officials["kabag"])

    response = client.post(
        NEW,
        {
            "user": lecturer.pk,
            "position": "dekan",
            "starts_on": monday.isoformat(),
            "ends_on": friday.isoformat(),
            "note": "ST 12/UN17.9/2026",
        },
    )

    assert response.status_code == 302
    acting = Acting.objects.get()
    assert (acting.user, acting.position, acting.starts_on, acting.ends_on) == (
        lecturer,
        "dekan",
        monday,
        friday,
    )
    assert "dekan" not in capacities(lecturer)
    assert capacities(lecturer, monday)["dekan"].acting
    assert lecturer.first_name in client.get(LIST).content.decode()


def test_an_acting_period_ending_before_it_starts_is_refused(client, officials):
    monday, friday = next_week()
    client.force_login(officials["kabag"])

    response = client.post(
        NEW,
        {
            "user": officials["wd1"].pk,
            "position": "dekan",
            "starts_on": friday.isoformat(),
            "ends_on": monday.isoformat(),
        },
    )

    assert response.status_code == 400
    # The page is in Indonesian by default, and so is the message beside the field.
    assert response.context["form"].errors["ends_on"] == ["Tanggal akhir sebelum tanggal mulai."]
    assert not Acting.objects.exists()


def test_nobody_acts_for_a_position_they_hold(client, officials):
    monday, friday = next_week()
    client.force_login(officials["kabag"])

    response = client.post(
        NEW,
        {
            "user": officials["wd1"].pk,
            "position": "wd1",
            "starts_on": monday.isoformat(),
            "ends_on": friday.isoformat(),
        },
    )

    assert response.status_code == 400
    assert officials["wd1"].first_name in response.context["form"].errors["position"][0]


def test_two_overlapping_periods_for_the_same_person_and_position_are_refused(client, officials):
    monday, friday = next_week()
    make_acting(officials["wd1"], "dekan", monday, friday)
    client.force_login(officials["kabag"])

    response = client.post(
        NEW,
        {
            "user": officials["wd1"].pk,
            "position": "dekan",
            "starts_on": friday.isoformat(),
            "ends_on": (friday + dt.timedelta(days=3)).isoformat(),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["starts_on"]


def test_missing_fields_are_named_in_indonesian(client, officials):
    client.force_login(officials["kabag"])

    response = client.post(NEW, {"user": "", "position": "dekan"})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["user"] == ["Bidang ini tidak boleh kosong."]
    assert 'lang="id"' in response.content.decode()


def test_admin_changes_and_removes_an_acting_official(client, officials):
    monday, friday = next_week()
    acting = make_acting(officials["wd2"], "dekan", monday, friday)
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:acting_edit", args=[acting.pk]),
        {
            "user": officials["wd2"].pk,
            "position": "dekan",
            "starts_on": monday.isoformat(),
            "ends_on": (friday + dt.timedelta(days=3)).isoformat(),
            "note": "diperpanjang",
        },
    )
    assert response.status_code == 302
    acting.refresh_from_db()
    assert (acting.ends_on, acting.note) == (friday + dt.timedelta(days=3), "diperpanjang")

    response = client.post(reverse("administration:acting_delete", args=[acting.pk]))
    assert response.status_code == 302
    assert not Acting.objects.exists()


def test_the_office_admin_cannot_name_themself_plh(client, officials):
    monday, friday = next_week()
    client.force_login(officials["kabag"])

    response = client.post(
        NEW,
        {
            "user": officials["kabag"].pk,
            "position": "dekan",
            "starts_on": monday.isoformat(),
            "ends_on": friday.isoformat(),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["user"]
