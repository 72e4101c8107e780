"""When the site's mail server checks senders (SPF, DKIM, DMARC) and says so in an
Authentication-Results header under its own name (ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID), a message
whose From it could not verify joins no case and gets no receipt: it opens a case of its own,
flagged for the clerk, whose receipt is held back."""

import pytest
from django.urls import reverse

from aspirasi.mailintake.authentication import sender_verdict
from aspirasi.mailintake.intake import receive_mail
from aspirasi.mailintake.models import InboundMail
from aspirasi.mailintake.reading import read_message
from aspirasi.notifications.models import Message
from tests.factories import TUESDAY_9

from .mails import mail, receipt_of

pytestmark = pytest.mark.django_db

OURS = "mx.ft.unmul.ac.id"
PASS = (
    f"{OURS}; spf=pass smtp.mailfrom=students.unmul.ac.id;"
    " dmarc=pass header.from=students.unmul.ac.id"
)
FAIL = (
    f"{OURS}; spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=evil.example;\n"
    "\tdkim=none; dmarc=fail (p=none dis=none) header.from=students.unmul.ac.id"
)


@pytest.fixture(autouse=True)
def trusted_mta(settings):
    settings.ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID = OURS


def checked(*results: str, **kwargs) -> bytes:
    headers = kwargs.pop("headers", {})
    raw = mail(headers=headers, **kwargs)
    return b"".join(b"Authentication-Results: " + r.encode() + b"\n" for r in results) + raw


def test_a_sender_that_fails_dmarc_joins_no_case_and_gets_no_receipt(client, officials):
    case = receive_mail(checked(PASS), now=TUESDAY_9).mail.aspiration
    receipt = receipt_of(case)
    link = next(w for w in receipt.text_body.split() if "/lacak/" in w)
    assert receipt.state == Message.State.PENDING

    # Answers our receipt and even quotes its link: still not proof of who sent it.
    forged = checked(
        FAIL,
        subject="Re: Aspirasi Anda",
        body=f"Hapus saja.\n> {link}\n",
        headers={"In-Reply-To": receipt.message_id},
    )
    received = receive_mail(forged, now=TUESDAY_9)
    new = received.mail.aspiration
    assert received.mail.outcome == InboundMail.Outcome.OPENED and new != case
    assert received.mail.unverified and received.mail.refers_to == case
    assert "dmarc=fail" in received.mail.note
    assert not case.clarifications.exists()
    held = receipt_of(new)
    assert (held.state, held.held_reason) == ("held", Message.HeldReason.UNVERIFIED_SENDER)
    assert held.text_body == "" and held.html_body == ""

    client.force_login(officials["clerk"])
    page = client.get(reverse("desk:case", args=[new.tracking_code])).content.decode()
    assert 'id="unverified-sender"' in page and 'id="held-mail"' in page
    page = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert 'id="unverified-sender"' not in page and 'id="held-mail"' not in page


def test_a_verified_sender_is_answered_as_usual():
    received = receive_mail(checked(PASS), now=TUESDAY_9)
    assert not received.mail.unverified
    assert receipt_of(received.mail.aspiration).state == Message.State.PENDING


def test_without_a_trusted_server_no_header_is_read(settings):
    settings.ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID = ""
    received = receive_mail(checked(FAIL), now=TUESDAY_9)
    assert not received.mail.unverified
    assert receipt_of(received.mail.aspiration).state == Message.State.PENDING


@pytest.mark.parametrize(
    "results, verified",
    [
        ([PASS], True),
        ([FAIL], False),
        # No DMARC verdict: SPF or DKIM must have passed for the From's own domain.
        ([f"{OURS}; spf=pass smtp.mailfrom=siti.rahma@students.unmul.ac.id"], True),
        ([f"{OURS}; spf=pass smtp.mailfrom=mail.students.unmul.ac.id; dmarc=none"], True),
        ([f"{OURS}; spf=pass smtp.mailfrom=bulk-sender.example; dkim=none"], False),
        ([f"{OURS}; spf=softfail; dkim=pass header.d=unmul.ac.id"], True),
        ([f"{OURS}; spf=none; dkim=pass header.d=other.example"], False),
        ([f"{OURS}; none"], False),
        # Another server's word counts for nothing, and neither does no word at all.
        ([PASS.replace(OURS, "mx.evil.example")], False),
        ([], False),
        # A copy under our name that slipped in from outside cannot outvote our own failure.
        ([FAIL, PASS], False),
    ],
)
def test_the_verdict_is_read_from_the_trusted_header_only(results, verified):
    verdict = sender_verdict(read_message(checked(*results)))
    assert verdict is not None and verdict.verified is verified, verdict
