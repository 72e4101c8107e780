"""The receipt slip for a customer at the counter (step 2 typed in by the clerk): the tracking
code, when it arrived and a QR code of the secret link. Only the secret's hash is stored, so the
slip can be printed only right after intake, by the clerk who entered it, in that browser."""

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from aspirasi.cases.choices import Channel, Privacy
from aspirasi.cases.models import Aspiration
from aspirasi.cases.tracking import hash_secret
from aspirasi.printing.handoff import COOKIE, SALT
from aspirasi.web import once
from tests.factories import TUESDAY_9, WITA, category, make_case, make_official

from .pdfs import indonesian, read, served_pdf, when

pytestmark = pytest.mark.django_db

INTAKE = reverse("desk:manual_intake")
ARRIVED = TUESDAY_9 - dt.timedelta(days=1)


def intake(client, **overrides):
    data = {
        "channel": Channel.IN_PERSON,
        "arrived_at": ARRIVED.astimezone(WITA).strftime("%Y-%m-%dT%H:%M"),
        "privacy": Privacy.ANONYMOUS,
        "category": category("kemahasiswaan").pk,
        "subject": "Beasiswa PPA",
        "body": "Kapan pencairan beasiswa PPA semester ini?",
        "once": once.issue("manual_intake"),
    }
    data.update(overrides)
    response = client.post(INTAKE, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Aspiration.objects.get(subject=data["subject"]), response


def receipt_url(case) -> str:
    return reverse("printing:receipt_pdf", args=[case.tracking_code])


def case_page(client, case) -> str:
    return client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()


def test_after_intake_the_clerk_prints_a_slip_with_the_code_and_a_qr_of_the_secret_link(
    client, officials
):
    client.force_login(officials["clerk"])
    case, response = intake(client)
    # The redirect to the case page is unchanged; the secret rides along in a cookie only.
    assert response["Location"] == reverse("desk:case", args=[case.tracking_code])
    cookie = response.cookies[COOKIE]
    assert cookie["path"] == reverse("desk:case", args=[case.tracking_code])
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) == 15 * 60

    page = case_page(client, case)
    assert f'href="{receipt_url(case)}"' in page
    assert indonesian("Print the receipt slip (PDF)") in page

    slip = client.get(receipt_url(case))
    text = served_pdf(slip, f"tanda-terima-{case.tracking_code}.pdf")

    secret = signing.loads(cookie.value, salt=SALT)["secret"]
    assert hash_secret(secret) == case.secret_hash
    assert case.tracking_code in text
    assert when(ARRIVED) in text
    assert "TANDA TERIMA ASPIRASI" in text and "UNIVERSITAS MULAWARMAN" in text
    assert "Clerk, Kasubbag Akademik dan Kemahasiswaan" in text  # who received it
    # The QR code is an image on the slip.
    (page_one,) = read(slip.content).pages
    assert len(page_one.images) == 1
    # Choice: the key is printed for typing on the lookup page; the whole link only as the QR.
    lookup = "http://testserver" + reverse("public:track_lookup")
    link = "http://testserver" + reverse("public:track", args=[case.tracking_code, secret])
    assert secret in text and lookup in text
    assert link not in text
    # The link on the slip opens the case for the customer.
    client.logout()
    assert client.get(reverse("public:track", args=[case.tracking_code, secret])).status_code == 200


def test_nothing_secret_is_stored_on_the_server(client, officials):
    client.force_login(officials["clerk"])
    case, response = intake(client)
    secret = signing.loads(response.cookies[COOKIE].value, salt=SALT)["secret"]
    client.get(receipt_url(case))

    for session in Session.objects.all():
        assert secret not in str(session.get_decoded())
    row = Aspiration.objects.filter(pk=case.pk).values().get()
    assert all(secret not in str(value) for value in row.values())


class SignedSixteenMinutesAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 16 * 60)


def test_the_slip_is_gone_once_the_minutes_have_passed(client, officials):
    client.force_login(officials["clerk"])
    case, response = intake(client)
    payload = signing.loads(response.cookies[COOKIE].value, salt=SALT)
    # A browser that kept the cookie past its 15 minutes.
    client.cookies[COOKIE] = SignedSixteenMinutesAgo(salt=SALT).sign_object(payload)

    slip = client.get(receipt_url(case))
    page = case_page(client, case)
    with override_settings(ASPIRASI_RECEIPT_MINUTES=20):
        assert client.get(receipt_url(case)).status_code == 200  # the limit is a setting

    assert slip.status_code == 410
    assert indonesian("The receipt slip can no longer be printed") in slip.content.decode()
    assert "print-receipt" not in page


def test_another_official_or_another_case_gets_no_slip(client, officials):
    client.force_login(officials["clerk"])
    case, response = intake(client)
    other, _ = make_case()

    # The same browser's cookie does not open another case's slip.
    assert client.get(receipt_url(other)).status_code == 410
    # Another clerk with the cookie (a shared counter computer) gets none either.
    client.force_login(make_official("kasubbag2", "kasubbag"))
    client.cookies[COOKIE] = response.cookies[COOKIE].value
    assert client.get(receipt_url(case)).status_code == 410
    assert "print-receipt" not in case_page(client, case)


def test_a_forged_cookie_prints_nothing(client, officials):
    client.force_login(officials["clerk"])
    case, _ = make_case()
    client.cookies[COOKIE] = signing.dumps(
        {"code": case.tracking_code, "secret": "guessed", "user": officials["clerk"].pk}, salt=SALT
    )

    assert client.get(receipt_url(case)).status_code == 410
    client.cookies[COOKIE] = "not-even-signed"
    assert client.get(receipt_url(case)).status_code == 410
