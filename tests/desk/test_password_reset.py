"""A forgotten password: the official asks for a link by e-mail address and gets it through the
outbox; the link works once and for an hour only, and its e-mail's body is blanked once
delivered. The page never tells whether an account uses the address, and requests are limited
per client address and per e-mail address."""

import datetime as dt

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from aspirasi.notifications.models import Kind, Message
from aspirasi.officials.models import LanguagePreference
from tests.desk.passwords import choose_password, link_path, token_of
from tests.factories import make_official
from tests.public.helpers import fresh_limits  # noqa: F401 (fixture used by name)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits", "mail_settings")]
OLD_PASSWORD = "rahasia-demo-123"
NEW_PASSWORD = "Mahakam-Tepian-2027"


@pytest.fixture
def kabag():
    user = make_official("kabag", "kabag_tu")
    user.email = "kabag@ft.example"
    user.save()
    return user


def ask_for_link(client, email="kabag@ft.example", address="198.51.100.7"):
    return client.post(reverse("desk:password_reset"), {"email": email}, REMOTE_ADDR=address)


def signs_in(client, password, username="kabag") -> bool:
    client.logout()
    client.post(reverse("desk:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def delivered_link(client, mail_server, drain) -> str:
    assert ask_for_link(client).status_code == 302
    drain()
    [mail] = mail_server.to("kabag@ft.example")
    return link_path(mail.text)


def test_the_link_goes_through_the_outbox_and_its_body_is_blanked_once_delivered(
    client, kabag, mail_server, drain
):
    response = ask_for_link(client, email="  KaBag@FT.example ")
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:password_reset_sent")

    [message] = Message.objects.filter(kind=Kind.PASSWORD_LINK)
    path = link_path(message.text_body)
    token = token_of(path)
    assert message.to == "kabag@ft.example" and message.forget_body
    assert token not in message.key and token not in message.message_id
    assert token not in message.subject
    drain()

    [mail] = mail_server.to("kabag@ft.example")
    assert mail.language == "id"
    assert mail.subject == "[Aspirasi FT Unmul] Pilih kata sandi baru untuk Aspirasi"
    assert "Yth. Kabag," in mail.text and "kabag" in mail.text
    assert link_path(mail.text) == path and path in mail.html
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.text_body == "" and message.html_body == ""
    assert not Message.objects.filter(text_body__contains=token).exists()
    assert not Message.objects.filter(html_body__contains=token).exists()


def test_the_link_sets_a_new_password_and_works_only_once(client, kabag, mail_server, drain):
    path = delivered_link(client, mail_server, drain)

    chosen = choose_password(client, path, NEW_PASSWORD)

    assert chosen.status_code == 302 and chosen["Location"] == reverse("desk:login")
    assert signs_in(client, NEW_PASSWORD)
    assert not signs_in(client, OLD_PASSWORD)
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert "Tautan ini tidak berlaku" in again.content.decode()


def test_the_new_password_must_pass_the_validators(client, kabag, mail_server, drain):
    path = delivered_link(client, mail_server, drain)

    refused = choose_password(client, path, "kabag")

    assert refused.status_code == 200
    assert refused.context["form"].errors["new_password2"]
    assert "Kata sandi terlalu pendek" in refused.content.decode()
    assert signs_in(client, OLD_PASSWORD)


@pytest.mark.parametrize("minutes, works", [(59, True), (61, False)])
def test_the_link_runs_out_after_an_hour(
    client, kabag, mail_server, drain, monkeypatch, settings, minutes, works
):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    path = delivered_link(client, mail_server, drain)
    later = default_token_generator._now() + dt.timedelta(minutes=minutes)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)

    opened = client.get(path, follow=True)

    assert opened.context["validlink"] is works


def test_an_address_no_account_uses_gets_the_same_answer_and_no_mail(client, kabag):
    unknown = ask_for_link(client, email="orang.lain@example.com")
    known = ask_for_link(client)

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert list(Message.objects.values_list("to", flat=True)) == ["kabag@ft.example"]
    page = client.get(unknown["Location"]).content.decode()
    assert "60 menit" in page


def test_a_switched_off_account_gets_no_link_and_its_old_link_does_nothing(
    client, kabag, mail_server, drain
):
    path = delivered_link(client, mail_server, drain)
    kabag.is_active = False
    kabag.save()

    assert client.get(path, follow=True).context["validlink"] is False
    assert ask_for_link(client).status_code == 302
    assert Message.objects.filter(kind=Kind.PASSWORD_LINK).count() == 1


def test_requests_are_limited_per_client_address(client, kabag, settings):
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "password_reset": (2, 3600)}
    for n in range(2):
        assert ask_for_link(client, email=f"orang{n}@example.com").status_code == 302

    refused = ask_for_link(client)

    assert refused.status_code == 429
    assert "Terlalu banyak percobaan dari sambungan Anda" in refused.content.decode()
    assert not Message.objects.exists()
    assert ask_for_link(client, address="198.51.100.8").status_code == 302


def test_requests_are_limited_per_e_mail_address_without_saying_so(client, kabag, settings):
    limits = settings.ASPIRASI_RATE_LIMITS
    settings.ASPIRASI_RATE_LIMITS = {**limits, "password_reset_email": (2, 3600)}
    answers = [ask_for_link(client, address=f"198.51.100.{n}") for n in range(4)]

    assert [a.status_code for a in answers] == [302] * 4
    assert Message.objects.filter(kind=Kind.PASSWORD_LINK).count() == 2


def test_an_official_who_prefers_english_gets_the_link_in_english(
    client, kabag, mail_server, drain
):
    LanguagePreference.objects.create(user=kabag, language="en")
    ask_for_link(client)
    drain()

    [mail] = mail_server.to("kabag@ft.example")

    assert mail.language == "en"
    assert mail.subject == "[Aspirasi FT Unmul] Choose a new password for Aspirasi"
    assert "Dear Kabag," in mail.text
    assert "The link works once, for 60 minutes." in mail.text
