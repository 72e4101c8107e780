"""Saved replies per category: kept by the clerk, the Kabag TU and the admin; offered beside the
response forms, readable without JavaScript."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from aspirasi.cases.models import Category
from aspirasi.cases.walking import holder_of, walk_case
from aspirasi.replies.models import SavedReply
from tests.factories import make_acting, make_case

pytestmark = pytest.mark.django_db

LIST = reverse("replies:list")
NEW = reverse("replies:new")


def edit_url(reply) -> str:
    return reverse("replies:edit", args=[reply.pk])


def delete_url(reply) -> str:
    return reverse("replies:delete", args=[reply.pk])


def a_reply(**fields) -> SavedReply:
    data = {
        "category": Category.objects.get(code="akademik"),
        "title": "Jadwal ujian susulan",
        "text": "Jadwal ujian susulan diumumkan di laman fakultas.",
    }
    data.update(fields)
    return SavedReply.objects.create(**data)


def form_data(**fields) -> dict:
    data = {
        "category": str(Category.objects.get(code="keuangan").pk),
        "title": "Keringanan UKT",
        "text": "Keringanan UKT diajukan lewat SIA menu Keuangan.",
        "active": "on",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("persona", ["clerk", "kabag"])
def test_the_clerk_and_the_kabag_keep_saved_replies(client, officials, persona):
    client.force_login(officials[persona])

    assert client.get(LIST).status_code == 200
    response = client.post(NEW, form_data())
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    assert reply.title == "Keringanan UKT" and reply.active
    assert reply.updated_by == officials[persona]

    response = client.post(edit_url(reply), form_data(title="Keringanan UKT 50%", active=""))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.title == "Keringanan UKT 50%" and not reply.active
    assert "Keringanan UKT 50%" in client.get(LIST).content.decode()

    assert client.post(delete_url(reply)).status_code == 302
    assert not SavedReply.objects.exists()


def test_the_admin_keeps_saved_replies_without_holding_a_position(client, officials):
    admin = get_user_model().objects.create_superuser("admin", password="rahasia-demo-123")
    client.force_login(admin)

    assert client.post(NEW, form_data()).status_code == 302
    assert SavedReply.objects.count() == 1


def test_an_acting_clerk_keeps_them_too_for_their_period(client, officials):
    today = dt.date.today()
    make_acting(officials["wd3"], "kasubbag", today - dt.timedelta(days=1), today)
    client.force_login(officials["wd3"])

    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("persona", ["wd1", "dean", "outsider"])
def test_other_officials_and_outsiders_may_not_change_them(client, officials, persona):
    reply = a_reply()
    client.force_login(officials[persona])

    assert client.get(LIST).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    assert client.post(edit_url(reply), form_data(title="Diubah")).status_code == 403
    assert client.post(delete_url(reply)).status_code == 403
    reply.refresh_from_db()
    assert reply.title == "Jadwal ujian susulan"
    assert SavedReply.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, officials):
    reply = a_reply()
    response = client.post(delete_url(reply))
    assert response.status_code == 302 and reverse("desk:login") in response["Location"]
    assert SavedReply.objects.filter(pk=reply.pk).exists()


def test_an_incomplete_reply_is_refused_field_by_field_and_keeps_what_was_typed(client, officials):
    client.force_login(officials["clerk"])

    response = client.post(NEW, form_data(title="", text="Teks yang sudah diketik."))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Bidang ini tidak boleh kosong." in html  # Django's own Indonesian
    assert "Teks yang sudah diketik." in html
    assert not SavedReply.objects.exists()


def test_the_answer_form_offers_the_categorys_active_replies_to_copy(client, officials):
    mine = a_reply(title="Ujian susulan", text="Ujian susulan <b>Senin</b> depan.")
    general = a_reply(category=None, title="Salam penutup", text="Terima kasih atas aspirasinya.")
    a_reply(title="Usang", text="Teks lama.", active=False)
    a_reply(category=Category.objects.get(code="keuangan"), title="UKT", text="Teks UKT.")
    case, _ = make_case()  # an academic case
    case = walk_case(case, until="answer")
    client.force_login(holder_of(case, timezone.localdate()))

    page = client.get(reverse("desk:case", args=[case.tracking_code]))

    html = page.content.decode()
    assert list(page.context["saved_replies"]) == [mine, general]
    # Without JavaScript the texts are there to copy, escaped like every text.
    assert "Ujian susulan &lt;b&gt;Senin&lt;/b&gt; depan." in html
    assert "Terima kasih atas aspirasinya." in html
    assert "Teks lama." not in html and "Teks UKT." not in html
    # The picker points at the answer form's response field, and loads its small script.
    assert 'data-reply-target="id_answer-text"' in html
    assert "replies/picker.js" in html
    assert reverse("replies:list") in html  # the clerk, who answers, may keep them


def test_no_picker_where_no_response_is_written(client, officials):
    a_reply()
    case, _ = make_case()
    client.force_login(holder_of(case, timezone.localdate()))

    page = client.get(reverse("desk:case", args=[case.tracking_code]))  # to receive only
    assert case.step.action("receive") is not None

    assert page.context["saved_replies"] == []
    assert "saved-replies" not in page.content.decode()
