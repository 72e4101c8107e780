"""Officials and their positions, kept by the office admin: appoint, hand over, end, correct.
Cases wait on positions, so a hand-over moves the waiting work to the new holder at once."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from aspirasi.cases.models import Aspiration, StepRecord
from aspirasi.officials.capacity import capacities
from aspirasi.officials.models import Holding
from aspirasi.sop.registry import current_sop
from tests.factories import make_case, make_user, step_with

pytestmark = pytest.mark.django_db

OFFICIALS = reverse("administration:officials")
INBOX = reverse("desk:inbox")
DAY = dt.timedelta(days=1)


def today() -> dt.date:
    return timezone.localdate()


def holding_of(user, position: str) -> Holding:
    return Holding.objects.get(user=user, position=position, ends_on__isnull=True)


def act(client, case, action: str, **fields):
    data = {f"{action}-version": case.version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(reverse("desk:act", args=[case.tracking_code, action]), data)


def test_the_list_shows_every_position_of_the_sop_with_its_holder_and_waiting_cases(
    client, officials
):
    make_case()
    client.force_login(officials["kabag"])

    response = client.get(OFFICIALS)

    assert response.status_code == 200
    rows = {row.position.code: row for row in response.context["rows"]}
    assert set(rows) == set(current_sop().positions)
    assert [h.user for h in rows["kasubbag"].holders] == [officials["clerk"]]
    assert rows["kasubbag"].waiting == 1
    assert rows["dekan"].waiting == 0


def test_new_holder_sees_and_acts_on_the_old_holders_waiting_case_at_once(client, officials):
    case, _ = make_case()  # waits on the Kasubbag to be received
    successor = make_user("pak_budi", first_name="Budi")
    old = officials["clerk"]
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:handover", args=[holding_of(old, "kasubbag").pk]),
        {"successor": successor.pk, "from_date": today().isoformat(), "title": "Budi, S.T."},
    )

    assert response.status_code == 302
    assert holding_of(successor, "kasubbag").starts_on == today()
    assert Holding.objects.get(user=old, position="kasubbag").ends_on == today() - DAY

    # The new holder finds the case in the inbox and moves it on.
    client.force_login(successor)
    inbox = client.get(INBOX)
    assert [row["code"] for row in inbox.context["rows"]] == [case.tracking_code]
    assert act(client, case, "receive").status_code == 302
    record = StepRecord.objects.get(aspiration=case)
    assert (record.step, record.actor, record.position) == (
        step_with("receive"),
        successor,
        "kasubbag",
    )

    # The old holder neither sees nor may act on it any more.
    client.force_login(old)
    fresh = Aspiration.objects.get(pk=case.pk)
    assert client.get(INBOX).status_code == 403
    assert act(client, fresh, "defer").status_code == 403
    assert Aspiration.objects.get(pk=case.pk).version == fresh.version


def test_hand_over_from_a_later_day_keeps_the_old_holder_until_then(client, officials):
    successor = make_user("pak_budi")
    next_monday = today() + dt.timedelta(days=7 - today().weekday())
    client.force_login(officials["kabag"])

    client.post(
        reverse("administration:handover", args=[holding_of(officials["dean"], "dekan").pk]),
        {"successor": successor.pk, "from_date": next_monday.isoformat()},
    )

    assert "dekan" in capacities(officials["dean"])
    assert "dekan" not in capacities(successor)
    assert "dekan" in capacities(successor, next_monday)
    assert "dekan" not in capacities(officials["dean"], next_monday)


def test_hand_over_to_the_same_person_is_refused_with_a_field_error(client, officials):
    client.force_login(officials["kabag"])
    holding = holding_of(officials["wd1"], "wd1")

    response = client.post(
        reverse("administration:handover", args=[holding.pk]),
        {"successor": officials["wd1"].pk, "from_date": today().isoformat()},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["successor"]
    assert Holding.objects.filter(position="wd1").count() == 1


def test_admin_appoints_a_second_kasubbag(client, officials):
    newcomer = make_user("bu_rina", first_name="Rina")
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:holding_new"),
        {"user": newcomer.pk, "position": "kasubbag", "starts_on": today().isoformat()},
    )

    assert response.status_code == 302
    assert "kasubbag" in capacities(newcomer)
    assert "kasubbag" in capacities(officials["clerk"])


def test_appointing_someone_to_a_position_they_already_hold_is_refused(client, officials):
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:holding_new"),
        {"user": officials["wd2"].pk, "position": "wd2", "starts_on": today().isoformat()},
    )

    assert response.status_code == 400
    assert officials["wd2"].first_name in response.context["form"].errors["position"][0]


def test_the_office_admin_cannot_appoint_themself(client, officials):
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:holding_new"),
        {"user": officials["kabag"].pk, "position": "dekan", "starts_on": today().isoformat()},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["user"]
    assert "dekan" not in capacities(officials["kabag"])


def test_ending_a_holding_today_takes_the_cases_away_at_once_and_warns_nobody_is_left(
    client, officials
):
    client.force_login(officials["kabag"])
    holding = holding_of(officials["wd3"], "wd3")

    response = client.post(
        reverse("administration:holding_end", args=[holding.pk]),
        {"leaves_on": today().isoformat()},
        follow=True,
    )

    assert response.status_code == 200
    assert capacities(officials["wd3"]) == {}
    levels = [m.level_tag for m in response.context["messages"]]
    assert levels == ["success", "warning"]


def test_ending_a_holding_before_it_began_is_refused(client, officials):
    client.force_login(officials["kabag"])
    holding = Holding.objects.create(
        user=make_user("calon"), position="wd1", starts_on=today() + dt.timedelta(days=10)
    )

    response = client.post(
        reverse("administration:holding_end", args=[holding.pk]),
        {"leaves_on": today().isoformat()},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["leaves_on"]
    holding.refresh_from_db()
    assert holding.ends_on is None


def test_correcting_a_holding_with_its_end_before_its_start_is_refused(client, officials):
    client.force_login(get_user_model().objects.create_superuser("root", password="x-123456789"))
    holding = holding_of(officials["dean"], "dekan")

    response = client.post(
        reverse("administration:holding_edit", args=[holding.pk]),
        {"title": "Prof. Dekan", "starts_on": "2024-05-01", "ends_on": "2024-04-30"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]

    response = client.post(
        reverse("administration:holding_edit", args=[holding.pk]),
        {"title": "Prof. Dekan", "starts_on": "2024-05-01", "ends_on": ""},
    )
    assert response.status_code == 302
    holding.refresh_from_db()
    assert (holding.title, holding.starts_on) == ("Prof. Dekan", dt.date(2024, 5, 1))
