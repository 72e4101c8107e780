"""The step-1 register: each channel, who looks after it, whether it is in use and whether it
works. Seen by the clerk (and their Plh) and the office admin; kept by the office admin."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from aspirasi.cases.choices import Channel
from aspirasi.channels import register as register_module
from aspirasi.channels.health import report_health
from aspirasi.channels.models import ChannelHealth, ChannelKeeper
from tests.factories import make_acting, make_case, make_user

pytestmark = pytest.mark.django_db

REGISTER = reverse("channels:register")
LOGIN = reverse("desk:login")


def edit_url(channel: str) -> str:
    return reverse("channels:keeper_edit", args=[channel])


def rows(response) -> dict:
    return {row.channel.value: row for row in response.context["rows"]}


def test_the_clerk_sees_every_channel_of_the_faculty_but_cannot_edit(client, officials):
    client.force_login(officials["clerk"])

    response = client.get(REGISTER)

    assert response.status_code == 200
    assert set(rows(response)) == set(Channel.values)
    assert not response.context["may_keep"]
    assert edit_url("email") not in response.content.decode()
    assert client.get(edit_url("email")).status_code == 403
    response = client.post(edit_url("email"), {"in_use": "", "keeper": ""})
    assert response.status_code == 403
    assert not ChannelKeeper.objects.exists()


def test_the_clerks_plh_sees_the_register(client, officials):
    plh = make_user("plh_kasubbag")
    make_acting(plh, "kasubbag", timezone.localdate(), timezone.localdate())
    client.force_login(plh)

    assert client.get(REGISTER).status_code == 200


@pytest.mark.parametrize("persona", ["wd1", "wd3", "dean", "outsider"])
def test_others_are_refused(client, officials, persona):
    client.force_login(officials[persona])

    assert client.get(REGISTER).status_code == 403
    assert client.get(edit_url("website")).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(client, officials):
    for url in (REGISTER, edit_url("website")):
        response = client.get(url)
        assert response["Location"] == f"{LOGIN}?next={url}"


def test_the_office_admin_names_a_keeper_and_takes_a_channel_out_of_use(client, officials):
    web_admin = make_user("pak_it", first_name="Pak IT")
    client.force_login(officials["kabag"])

    response = client.post(
        edit_url("website"), {"in_use": "on", "keeper": web_admin.pk, "note": "Server FT"}
    )
    assert response.status_code == 302
    response = client.post(edit_url("facebook"), {"in_use": "", "keeper": ""})
    assert response.status_code == 302

    response = client.get(REGISTER)
    register = rows(response)
    assert register["website"].keeper.keeper == web_admin
    assert register["facebook"].state == "off"
    assert response.context["may_keep"]
    assert "Pak IT" in response.content.decode()


def test_the_superuser_keeps_the_register_too(client, officials):
    client.force_login(get_user_model().objects.create_superuser("root", password="x-12345678"))

    assert client.get(edit_url("email")).status_code == 200
    assert client.get(edit_url("merpati")).status_code == 404


def test_email_shows_its_intake_and_sending_health(client, officials):
    report_health("email", "intake", ok=True, detail="IMAP: 2 message(s) taken in")
    report_health("email", "send", ok=False, detail="SMTP 421 try again later")
    client.force_login(officials["clerk"])

    response = client.get(REGISTER)

    email = rows(response)["email"]
    assert email.state == "failing"
    assert {p.probe for p in email.probes} == {"intake", "send"}
    assert "SMTP 421 try again later" in response.content.decode()


def test_a_probe_that_stopped_reporting_is_shown_as_silent(client, officials):
    report_health("email", "intake", ok=True, now=timezone.now() - dt.timedelta(days=2))
    client.force_login(officials["clerk"])

    assert rows(client.get(REGISTER))["email"].state == "silent"


def test_the_web_form_is_probed_and_its_last_aspiration_shown(client, officials):
    case, _ = make_case()
    client.force_login(officials["clerk"])

    response = client.get(REGISTER)

    website = rows(response)["website"]
    assert website.state == "ok"
    probe = ChannelHealth.objects.get(channel="website", probe="form")
    assert probe.ok and "HTTP 200" in probe.detail
    assert website.last_case_at == case.arrived_at
    assert rows(response)["telepon"].state == "unchecked"


def test_a_broken_web_form_shows_as_failing(client, officials, monkeypatch):
    def broken(request):
        raise RuntimeError("template missing")

    monkeypatch.setattr(register_module, "resolve", lambda url: SimpleNamespace(func=broken))
    client.force_login(officials["clerk"])

    response = client.get(REGISTER)

    assert rows(response)["website"].state == "failing"
    assert "template missing" in ChannelHealth.objects.get(channel="website").detail


def test_the_register_link_shows_only_to_those_allowed(client, officials):
    link = f'href="{REGISTER}"'
    for persona, shown in [("clerk", True), ("kabag", True), ("wd1", False)]:
        client.force_login(officials[persona])
        assert (link in client.get(reverse("desk:inbox")).content.decode()) is shown, persona
