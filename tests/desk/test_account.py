"""My account: every signed-in official sees who they are here and changes their own password
(the old one first, the new one through the project's validators), staying signed in."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db
OLD_PASSWORD = "rahasia-demo-123"
NEW_PASSWORD = "Mahakam-Tepian-2027"


def change(client, old, new, again=None):
    return client.post(
        reverse("desk:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def signs_in(client, username, password) -> bool:
    client.logout()
    client.post(reverse("desk:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_my_account_shows_who_i_am_and_links_from_the_menu(client, officials):
    client.force_login(officials["wd1"])

    page = client.get(reverse("desk:account"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Akun saya" in text and "wd1" in text and "Wakil Dekan I" in text
    assert f'href="{reverse("desk:password_change")}"' in text
    inbox = client.get(reverse("desk:inbox")).content.decode()
    assert f'href="{reverse("desk:account")}"' in inbox


def test_an_official_changes_their_password_and_stays_signed_in(client, officials):
    client.force_login(officials["clerk"])

    response = change(client, OLD_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("desk:account")
    assert client.get(reverse("desk:inbox")).status_code == 200  # still signed in
    assert signs_in(client, "clerk", NEW_PASSWORD)
    assert not signs_in(client, "clerk", OLD_PASSWORD)


def test_a_wrong_old_password_is_refused_beside_its_field(client, officials):
    client.force_login(officials["clerk"])

    response = change(client, "bukan-sandi-lama", NEW_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert "Sandi lama Anda yang dimasukkan salah" in response.content.decode()
    assert signs_in(client, "clerk", OLD_PASSWORD)


@pytest.mark.parametrize(
    "new, message",
    [("clerk123", "terlalu mirip"), ("password", "terlalu umum"), ("Ab1-", "terlalu pendek")],
)
def test_a_weak_new_password_is_refused_by_the_validators(client, officials, new, message):
    client.force_login(officials["clerk"])

    response = change(client, OLD_PASSWORD, new)

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert message in response.content.decode()
    assert signs_in(client, "clerk", OLD_PASSWORD)


def test_someone_without_a_position_yet_changes_their_password(client, db):
    newcomer = make_user("pendatang")
    client.force_login(newcomer)

    assert client.get(reverse("desk:account")).status_code == 200
    assert change(client, OLD_PASSWORD, NEW_PASSWORD).status_code == 302
    assert signs_in(client, "pendatang", NEW_PASSWORD)


def test_the_account_pages_need_a_sign_in_and_are_never_cached(client, officials):
    for url in (reverse("desk:account"), reverse("desk:password_change")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("desk:login"))
    client.force_login(officials["wd2"])
    page = client.get(reverse("desk:password_change"))
    assert "no-store" in page["Cache-Control"]
