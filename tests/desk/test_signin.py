"""Staff sign-in: guessing a password is cut off per user name and per address; the name typed
stays; a right password within the limits signs in; the Django admin uses the same door."""

import pytest
from django.urls import reverse

from tests.factories import make_official
from tests.public.helpers import fresh_limits  # noqa: F401 (fixture used by name)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]
PASSWORD = "rahasia-demo-123"  # tests.factories.make_user's default


@pytest.fixture
def kabag():
    return make_official("kabag", "kabag_tu")


def sign_in(client, password, username="kabag", **extra):
    return client.post(reverse("desk:login"), {"username": username, "password": password}, **extra)


def test_a_right_password_signs_in(client, kabag):
    assert sign_in(client, PASSWORD).status_code == 302


def test_guessing_one_name_is_cut_off_even_for_the_right_password(client, kabag, settings):
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "signin_user": (3, 900)}
    for n in range(3):
        assert sign_in(client, f"tebakan{n}", REMOTE_ADDR=f"10.0.0.{n}").status_code == 200

    refused = sign_in(client, PASSWORD, REMOTE_ADDR="10.0.0.9")

    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    page = refused.content.decode()
    assert "Terlalu banyak percobaan" in page and 'value="kabag"' in page
    # Another account is not held back by it.
    make_official("wd1", "wd1")
    assert sign_in(client, PASSWORD, username="wd1").status_code == 302


def test_guessing_from_one_address_is_cut_off(client, kabag, settings):
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "signin": (3, 900)}
    for n in range(3):
        sign_in(client, "salah", username=f"orang{n}")
    assert sign_in(client, PASSWORD).status_code == 429
    assert sign_in(client, PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_the_django_admin_signs_in_through_the_same_door(client):
    assert reverse("admin:login") == reverse("admin_login") == "/admin/login/"
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200
    assert page.templates[0].name == "desk/login.html"
