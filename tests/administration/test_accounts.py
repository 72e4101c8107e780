"""The office admin keeps the accounts: makes one (with an initial password, or a link for the
official to choose their own), switches it off (it can no longer sign in) and on again, never
deletes it. Every change is checked, each complaint beside its field, in Indonesian; nobody
switches off their own account, and only the office admin opens these screens."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from aspirasi.notifications.models import Kind, Message
from tests.desk.passwords import choose_password, link_path

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "rahasia-demo-123"
INITIAL = "Sungai-Karang-Mumus-9"


def new_account(client, **overrides):
    data = {
        "name": "Rina Marlina, S.T.",
        "username": "rina",
        "email": "rina@ft.example",
        "password_choice": "password",
        "password": INITIAL,
    }
    data.update(overrides)
    return client.post(reverse("administration:account_new"), data)


def signs_in(username, password) -> bool:
    client = Client()
    client.post(reverse("desk:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def errors_of(response) -> dict:
    return response.context["form"].errors


@pytest.fixture
def kabag_client(client, officials):
    client.force_login(officials["kabag"])
    return client


def test_the_list_shows_every_account_with_its_positions(kabag_client, officials):
    page = kabag_client.get(reverse("administration:accounts"))

    assert page.status_code == 200
    rows = {row.user.username: row for row in page.context["rows"]}
    assert rows["wd1"].positions == ["Wakil Dekan I (Akademik)"]
    assert rows["outsider"].positions == []
    text = page.content.decode()
    assert "Kabag Tata Usaha" in text and "Akun" in text
    assert reverse("administration:account_off", args=[officials["wd1"].pk]) in text
    # No way offered to switch oneself off.
    assert reverse("administration:account_off", args=[officials["kabag"].pk]) not in text


def test_the_admin_makes_an_account_with_an_initial_password(kabag_client):
    response = new_account(kabag_client, username="  Rina ")

    assert response.status_code == 302
    user = User.objects.get(username="rina")
    assert user.get_full_name() == "Rina Marlina, S.T." and user.email == "rina@ft.example"
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert not Message.objects.exists()
    assert signs_in("rina", INITIAL)


def test_the_admin_makes_an_account_whose_official_chooses_their_password_by_link(
    kabag_client, mail_server, drain
):
    response = new_account(kabag_client, password_choice="link", password="")

    assert response.status_code == 302
    user = User.objects.get(username="rina")
    assert not user.has_usable_password()
    [message] = Message.objects.filter(kind=Kind.PASSWORD_LINK, to="rina@ft.example")
    assert message.forget_body
    drain()
    [mail] = mail_server.to("rina@ft.example")
    assert "Akun Aspirasi Anda" in mail.subject and "rina" in mail.text
    message.refresh_from_db()
    assert message.text_body == ""

    kabag_client.logout()
    chosen = choose_password(kabag_client, link_path(mail.text), "Tenggarong-Kutai-44")

    assert chosen.status_code == 302
    assert signs_in("rina", "Tenggarong-Kutai-44")


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"username": "WD1"}, "username", "Akun lain sudah memakai nama pengguna ini."),
        ({"username": "rina marlina"}, "username", "Gunakan hanya huruf kecil, angka"),
        ({"username": ""}, "username", "Bidang ini tidak boleh kosong."),
        ({"email": "bukan-alamat"}, "email", "alamat email yang valid"),
        ({"name": ""}, "name", "Bidang ini tidak boleh kosong."),
        ({"password": ""}, "password", "Ketik kata sandi awal, atau pilih mengirim tautan."),
        ({"password": "marlina2027"}, "password", "terlalu mirip"),
        ({"password": "12345678"}, "password", "terlalu umum"),
    ],
)
def test_a_new_account_is_checked_field_by_field(kabag_client, overrides, field, message):
    response = new_account(kabag_client, **overrides)

    assert response.status_code == 400
    assert field in errors_of(response)
    assert message in " ".join(errors_of(response)[field])
    assert message in response.content.decode()
    assert not User.objects.filter(first_name="Rina Marlina, S.T.").exists()


def test_an_e_mail_address_another_account_uses_is_refused(kabag_client, officials):
    officials["wd2"].email = "wd2@ft.example"
    officials["wd2"].save()

    response = new_account(kabag_client, email="WD2@ft.example")

    assert response.status_code == 400
    assert errors_of(response)["email"] == ["Akun lain sudah memakai alamat surel ini."]


def test_a_switched_off_official_can_no_longer_sign_in_and_is_signed_out(kabag_client, officials):
    wd3 = officials["wd3"]
    their_session = Client()
    their_session.force_login(wd3)
    assert their_session.get(reverse("desk:inbox")).status_code == 200
    url = reverse("administration:account_off", args=[wd3.pk])
    assert kabag_client.get(url).status_code == 200

    response = kabag_client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("administration:accounts")
    wd3.refresh_from_db()
    assert not wd3.is_active and User.objects.filter(pk=wd3.pk).exists()
    assert not signs_in("wd3", PASSWORD)
    assert their_session.get(reverse("desk:inbox")).status_code == 302
    text = response.content.decode()
    assert "Wd3 tidak dapat masuk lagi." in text
    assert "masih memegang Wakil Dekan III" in text  # its cases would wait unseen


def test_a_switched_off_account_is_switched_on_again(kabag_client, officials):
    wd3 = officials["wd3"]
    kabag_client.post(reverse("administration:account_off", args=[wd3.pk]))
    assert not signs_in("wd3", PASSWORD)

    response = kabag_client.post(reverse("administration:account_on", args=[wd3.pk]))

    assert response.status_code == 302
    wd3.refresh_from_db()
    assert wd3.is_active
    assert signs_in("wd3", PASSWORD)


def test_the_admin_cannot_switch_off_their_own_account(kabag_client, officials):
    response = kabag_client.post(
        reverse("administration:account_off", args=[officials["kabag"].pk])
    )

    assert response.status_code == 400
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri" in response.content.decode()
    officials["kabag"].refresh_from_db()
    assert officials["kabag"].is_active


def test_switching_twice_is_refused_with_a_reason(kabag_client, officials):
    wd2 = officials["wd2"]
    again = kabag_client.post(reverse("administration:account_on", args=[wd2.pk]))
    assert again.status_code == 400
    assert "Akun ini sudah dapat masuk." in again.content.decode()
    kabag_client.post(reverse("administration:account_off", args=[wd2.pk]))
    twice = kabag_client.post(reverse("administration:account_off", args=[wd2.pk]))
    assert twice.status_code == 400
    assert "Akun ini sudah dinonaktifkan." in twice.content.decode()


def test_the_office_admin_cannot_switch_off_the_system_administrator(kabag_client):
    root = User.objects.create_superuser("root", password="x-123456789")

    response = kabag_client.post(reverse("administration:account_off", args=[root.pk]))

    assert response.status_code == 400
    root.refresh_from_db()
    assert root.is_active


def account_pages(user) -> list[str]:
    return [
        reverse("administration:accounts"),
        reverse("administration:account_new"),
        reverse("administration:account_off", args=[user.pk]),
        reverse("administration:account_on", args=[user.pk]),
    ]


@pytest.mark.parametrize("persona", ["clerk", "wd1", "dean", "outsider"])
def test_officials_other_than_the_office_admin_get_403(client, officials, persona):
    client.force_login(officials[persona])
    target = officials["wd2"]
    for url in account_pages(target):
        assert client.get(url).status_code == 403, url
    for url in account_pages(target)[1:]:  # the forms
        assert client.post(url).status_code == 403, url
    assert new_account(client).status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert not User.objects.filter(username="rina").exists()


def test_an_anonymous_visitor_is_sent_to_the_sign_in(client, officials):
    for url in account_pages(officials["wd2"]):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("desk:login"))


def test_the_account_screens_are_linked_from_the_office_pages(kabag_client):
    page = kabag_client.get(reverse("administration:home")).content.decode()
    assert f'href="{reverse("administration:accounts")}"' in page
