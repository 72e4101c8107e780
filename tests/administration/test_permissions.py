"""Who may open the office screens: the superuser and the Kabag TU (holder or Plh)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aspirasi.clock.models import CalendarDay
from aspirasi.officials.models import Acting, Holding
from tests.factories import make_acting, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("desk:login")


def pages() -> list[str]:
    holding = Holding.objects.get(position="dekan")
    acting = make_acting(make_user("plh_wd1"), "wd1", timezone.localdate(), timezone.localdate())
    day = CalendarDay.objects.create(date=dt.date(2027, 3, 3), kind="off")
    return [
        reverse("administration:home"),
        reverse("administration:officials"),
        reverse("administration:holding_new"),
        reverse("administration:holding_edit", args=[holding.pk]),
        reverse("administration:holding_end", args=[holding.pk]),
        reverse("administration:handover", args=[holding.pk]),
        reverse("administration:actings"),
        reverse("administration:acting_new"),
        reverse("administration:acting_edit", args=[acting.pk]),
        reverse("administration:categories"),
        reverse("administration:category_new"),
        reverse("administration:category_edit", args=[1]),
        reverse("administration:calendar"),
        reverse("administration:calendar_day_new"),
        reverse("administration:calendar_day_edit", args=[day.pk]),
        reverse("administration:accounts"),
        reverse("administration:account_new"),
        reverse("administration:account_off", args=[holding.user_id]),
        reverse("administration:account_on", args=[holding.user_id]),
    ]


def test_anonymous_visitor_is_sent_to_the_login(client, officials):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{LOGIN}?next={url}", url


@pytest.mark.parametrize("persona", ["clerk", "wd1", "wd2", "wd3", "dean", "outsider"])
def test_officials_other_than_the_kabag_are_refused(client, officials, persona):
    client.force_login(officials[persona])
    for url in pages():
        assert client.get(url).status_code == 403, url
    acting = Acting.objects.get()
    assert client.post(reverse("administration:acting_delete", args=[acting.pk])).status_code == 403
    assert Acting.objects.exists()


def test_the_kabag_the_plh_kabag_and_the_superuser_may_open_every_page(client, officials):
    plh = make_user("plh_kabag")
    make_acting(plh, "kabag_tu", timezone.localdate(), timezone.localdate())
    root = get_user_model().objects.create_superuser("root", password="x-123456789")
    urls = pages()
    for user in (officials["kabag"], plh, root):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)


def test_a_former_kabag_is_refused(client, officials):
    holding = Holding.objects.get(user=officials["kabag"])
    holding.ends_on = timezone.localdate() - dt.timedelta(days=1)
    holding.save()
    client.force_login(officials["kabag"])

    assert client.get(reverse("administration:home")).status_code == 403


def test_forms_need_the_csrf_token(officials):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:calendar_day_new"), {"date": "2027-03-03", "kind": "off"}
    )

    assert response.status_code == 403
    assert not CalendarDay.objects.exists()
    page = client.get(reverse("administration:calendar_day_new")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_nav_link_shows_only_to_those_allowed(client, officials):
    link = reverse("administration:home")
    client.force_login(officials["kabag"])
    assert f'href="{link}"' in client.get(reverse("desk:inbox")).content.decode()
    client.force_login(officials["clerk"])
    assert f'href="{link}"' not in client.get(reverse("desk:inbox")).content.decode()
