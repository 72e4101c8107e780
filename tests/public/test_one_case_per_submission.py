"""One case per submission: the public form carries a signed one-time key that needs no
session; a double click, a refresh or a replayed POST shows the first sending's receipt and
opens nothing more, even twenty identical POSTs at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from aspirasi.cases.models import Aspiration
from aspirasi.sop.registry import ensure_first_revision
from aspirasi.web import once
from tests.factories import category, seed_categories

SUBMIT = reverse("public:submit")


def form(**overrides) -> dict:
    return {
        "once": once.issue("submit"),
        "privacy": "biasa",
        "customer_name": "Dewi",
        "customer_email": "dewi@example.ac.id",
        "category": category("akademik").pk,
        "subject": "Nilai belum keluar",
        "body": "Nilai Kalkulus II belum muncul di SIA.",
        **overrides,
    }


@pytest.mark.django_db
def test_showing_the_form_writes_nothing_and_needs_no_session(client):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert once.read(response.context["form"]["once"].value(), "submit")
    assert 'name="once"' in response.content.decode()  # the key is in the page the browser sends


@pytest.mark.django_db
def test_the_same_form_sent_twice_makes_one_case_and_shows_the_first_receipt(client, fresh_limits):
    data = form()
    first = Client().post(SUBMIT, data)
    again = Client().post(SUBMIT, data)  # a replay, from anywhere, with the same key
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    case = Aspiration.objects.get()
    assert case.tracking_code in first["Location"]
    receipt = Client().get(first["Location"])
    assert receipt.status_code == 200 and receipt.context["case"] == case
    # Refreshing the receipt is a GET: nothing is sent again.
    Client().get(first["Location"])
    assert Aspiration.objects.count() == 1
    # The receipt's link opens the case.
    link = receipt.context["link"].removeprefix("http://testserver")
    assert Client().get(link).status_code == 200


@pytest.mark.django_db
def test_a_form_without_a_valid_key_comes_back_with_the_text_kept(client, fresh_limits):
    for key in ("", "palsu", once.issue("clarify")):
        response = Client().post(SUBMIT, form(once=key))
        assert response.status_code == 400
        page = response.content.decode()
        assert "Nilai Kalkulus II belum muncul di SIA." in page
        assert "terlalu lama" in page
        assert once.read(response.context["form"]["once"].value(), "submit")
    assert not Aspiration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_posts_at_once_make_one_case(settings, fresh_limits):
    settings.ASPIRASI_RATE_LIMITS = {**settings.ASPIRASI_RATE_LIMITS, "submit": (100, 3600)}
    # Committed data: an earlier transactional test emptied the tables.
    seed_categories()
    ensure_first_revision()
    data = form()

    def send(_n):
        try:
            return Client().post(SUBMIT, data)["Location"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        locations = list(pool.map(send, range(20)))
    assert Aspiration.objects.count() == 1
    assert len(set(locations)) == 1


@pytest.mark.django_db
def test_an_expired_form_says_so_in_indonesian_and_gives_the_text_back(fresh_limits):
    browser = Client(enforce_csrf_checks=True)
    browser.get(SUBMIT)
    browser.cookies.pop("csrftoken", None)  # the cookie is gone: the form cannot be checked
    response = browser.post(SUBMIT, form(customer_password="x"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulir sudah kedaluwarsa" in page
    assert "Nilai Kalkulus II belum muncul di SIA." in page  # what was typed, to copy back
    assert "customer_password" not in page
    assert not Aspiration.objects.exists()


@pytest.mark.django_db
def test_a_clarification_sent_twice_is_added_once(fresh_limits):
    from tests.factories import make_case

    case, secret = make_case()
    track = reverse("public:track", args=[case.tracking_code, secret])
    key = Client().get(track).context["clarification_form"]["once"].value()
    url = reverse("public:clarify", args=[case.tracking_code, secret])
    for _ in range(2):
        response = Client().post(url, {"once": key, "text": "Nomor kursi saya 12."})
        assert response.status_code == 302
    assert case.clarifications.count() == 1
