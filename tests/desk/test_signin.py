"""Staff sign-in: guessing is slowed per address and per user name, but a stranger who knows an
official's user name cannot keep them out: the right password from an address that has not been
guessing still signs in. The name typed stays; the Django admin uses the same door."""

import pytest
from django.urls import reverse

from tests.factories import make_official
from tests.public.helpers import fresh_limits  # noqa: F401 (fixture used by name)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]
PASSWORD = "rahasia-demo-123"  # tests.factories.make_user's default
KABAGS_OWN_ADDRESS = "192.0.2.10"


@pytest.fixture
def kabag():
    return make_official("kabag", "kabag_tu")


@pytest.fixture
def small_limits(settings):
    settings.ASPIRASI_RATE_LIMITS = {
        **settings.ASPIRASI_RATE_LIMITS,
        "signin": (5, 900),
        "signin_user": (3, 900),
        "signin_user_address": (2, 900),
    }


def sign_in(client, password, username="kabag", address="198.51.100.1"):
    return client.post(
        reverse("desk:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_right_password_signs_in(client, kabag):
    assert sign_in(client, PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_stranger_failing_from_many_addresses_does_not_lock_the_kabag_out(
    client, kabag, small_limits
):
    for n in range(20):  # far past the name's limit, each address within its own
        assert sign_in(client, f"tebakan{n}", address=f"203.0.113.{n}").status_code == 200

    response = sign_in(client, PASSWORD, address=KABAGS_OWN_ADDRESS)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_kabag_mistyping_once_while_guessed_at_still_gets_in(client, kabag, small_limits):
    for n in range(10):
        sign_in(client, f"tebakan{n}", address=f"203.0.113.{n}")
    assert sign_in(client, "salah-ketik", address=KABAGS_OWN_ADDRESS).status_code == 200

    assert sign_in(client, PASSWORD, address=KABAGS_OWN_ADDRESS).status_code == 302


def test_while_a_name_is_guessed_at_each_address_gets_only_a_few_tries_at_it(
    client, kabag, small_limits
):
    for n in range(3):  # the name reaches its limit
        sign_in(client, f"tebakan{n}", address=f"203.0.113.{n}")
    guesser = "203.0.113.99"
    for n in range(2):
        assert sign_in(client, f"lagi{n}", address=guesser).status_code == 200

    refused = sign_in(client, PASSWORD, address=guesser)

    # Refused unchecked, even with the right password: this address was guessing.
    assert refused.status_code == 429
    assert not signed_in(client)
    page = refused.content.decode()
    assert "Terlalu banyak gagal masuk ke nama pengguna ini" in page and 'value="kabag"' in page
    assert reverse("desk:password_reset") in page
    # The same address is not held back at another name.
    make_official("wd1", "wd1")
    assert sign_in(client, PASSWORD, username="wd1", address=guesser).status_code == 302


def test_one_address_guessing_many_names_is_stopped(client, kabag, small_limits):
    guesser = "203.0.113.50"
    for n in range(5):
        assert sign_in(client, "salah", username=f"orang{n}", address=guesser).status_code == 200

    refused = sign_in(client, PASSWORD, address=guesser)

    assert refused.status_code == 429
    assert not signed_in(client)
    assert "Terlalu banyak percobaan dari sambungan Anda" in refused.content.decode()
    assert sign_in(client, PASSWORD, address=KABAGS_OWN_ADDRESS).status_code == 302


def test_one_address_guessing_one_name_is_stopped_at_the_names_limit(client, kabag, small_limits):
    guesser = "203.0.113.77"
    for n in range(3):
        assert sign_in(client, f"tebakan{n}", address=guesser).status_code == 200

    assert sign_in(client, PASSWORD, address=guesser).status_code == 429
    assert sign_in(client, PASSWORD, address=KABAGS_OWN_ADDRESS).status_code == 302


def test_a_name_typed_in_capitals_counts_as_the_same_name(client, kabag, small_limits):
    for n in range(3):
        sign_in(client, f"tebakan{n}", username="KaBaG", address=f"203.0.113.{n}")
    guesser = "203.0.113.99"
    for n in range(2):
        sign_in(client, f"lagi{n}", username="KABAG", address=guesser)

    assert sign_in(client, PASSWORD, address=guesser).status_code == 429


def test_a_switched_off_account_cannot_sign_in(client, kabag):
    kabag.is_active = False
    kabag.save()

    response = sign_in(client, PASSWORD)

    assert response.status_code == 200
    assert not signed_in(client)


def test_the_sign_in_page_offers_a_forgotten_password_link(client):
    page = client.get(reverse("desk:login")).content.decode()
    assert f'href="{reverse("desk:password_reset")}"' in page
    assert "Lupa kata sandi?" in page


def test_the_django_admin_signs_in_through_the_same_door(client):
    assert reverse("admin:login") == reverse("admin_login") == "/admin/login/"
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200
    assert page.templates[0].name == "desk/login.html"
