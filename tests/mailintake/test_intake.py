"""E-mail intake: an e-mail opens a case waiting to be received, like the web form; a reply
joins its case only when it proves it belongs there (it answers our e-mail from the case's own
address, or quotes the case's secret link), never by a tracking code and a From; machines' mail
is set aside; nothing is lost or taken twice."""

import datetime as dt
import email
from email.message import EmailMessage

import pytest
from django.urls import reverse

from aspirasi.cases.choices import Channel, Privacy, Status
from aspirasi.cases.engine import ActionInput
from aspirasi.cases.models import Aspiration, Clarification
from aspirasi.cases.tracking import find_by_code_and_secret
from aspirasi.cases.walking import walk_case
from aspirasi.mailintake import intake
from aspirasi.mailintake.intake import NotAMessage, receive_mail
from aspirasi.mailintake.models import InboundMail
from aspirasi.notifications.models import Message
from tests.factories import TUESDAY_9, act, make_case, step_with

from .mails import CUSTOMER, CUSTOMER_ADDRESS, mail, receipt_of

pytestmark = pytest.mark.django_db

LATER = TUESDAY_9 + dt.timedelta(hours=3)


def opened(raw: bytes, now=TUESDAY_9) -> Aspiration:
    received = receive_mail(raw, now=now)
    assert received.mail.outcome == InboundMail.Outcome.OPENED, received.mail.note
    return received.mail.aspiration


def test_an_email_opens_a_normal_case_waiting_for_the_clerk_to_receive_it():
    raw = mail()
    received = receive_mail(raw, now=TUESDAY_9)
    case = received.mail.aspiration
    assert not received.duplicate
    assert (case.channel, case.privacy, case.category.code) == (
        Channel.EMAIL,
        Privacy.NORMAL,
        "lainnya",
    )
    assert (case.current_step, case.current_position) == (step_with("receive"), "kasubbag")
    assert case.customer_email == CUSTOMER_ADDRESS
    assert case.customer_name == "Siti Rahma"
    assert case.subject == "Jadwal ujian susulan"
    assert case.body == "Kapan jadwal ujian susulan Teknik Sipil diumumkan?"
    assert case.arrived_at == TUESDAY_9
    assert bytes(received.mail.raw) == raw and received.mail.size == len(raw)


def test_the_sender_gets_the_tracking_code_and_private_link_by_reply():
    case = opened(mail())
    receipt = receipt_of(case)
    assert receipt.to == CUSTOMER_ADDRESS
    assert case.tracking_code in receipt.subject
    link = next(w for w in receipt.text_body.split() if "/lacak/" in w)
    code, secret = link.rstrip("/").split("/")[-2:]
    assert find_by_code_and_secret(code, secret) == case
    assert Message.objects.filter(to=CUSTOMER_ADDRESS).count() == 1


def in_thread_of(case) -> dict[str, str]:
    """The threading headers of a reply to the case's receipt."""
    ours = receipt_of(case).message_id
    return {"In-Reply-To": ours, "References": ours}


def secret_link_of(case) -> str:
    """The secret link the receipt carries (its body is kept until it is delivered)."""
    return next(w for w in receipt_of(case).text_body.split() if "/lacak/" in w)


def test_a_reply_to_our_receipt_joins_the_case_as_a_clarification():
    case = opened(mail())
    reply = mail(
        subject=f"Re: [{case.tracking_code}] Jadwal",
        body="Saya dari angkatan 2023.",
        headers=in_thread_of(case),
    )
    received = receive_mail(reply, now=LATER)
    assert received.mail.outcome == InboundMail.Outcome.JOINED
    assert received.mail.aspiration == case
    clarification = Clarification.objects.get(aspiration=case)
    assert clarification.text == "Saya dari angkatan 2023."
    assert clarification.source == "email"
    assert clarification.email_message_id == received.mail.message_id
    assert received.mail.clarification == clarification
    assert Aspiration.objects.count() == 1
    # A clarification gets no receipt of its own: only the case's first one exists.
    assert Message.objects.filter(to=CUSTOMER_ADDRESS).count() == 1


def test_a_forged_from_with_a_guessed_code_joins_nothing():
    case = opened(mail())
    # Codes are numbered one after another: anyone can write the next one into a subject, and
    # anyone can write the customer's address into From.
    forged = mail(subject=f"Re: [{case.tracking_code}] Jadwal", body="Tolong hapus kasus ini.")
    received = receive_mail(forged, now=LATER)
    assert received.mail.outcome == InboundMail.Outcome.OPENED
    new = received.mail.aspiration
    assert new != case and received.mail.refers_to == case
    assert not case.clarifications.exists()
    assert case.tracking_code in new.body and case.tracking_code in received.mail.note


def test_a_reply_quoting_the_secret_link_joins_the_case_from_any_address():
    case = opened(mail())
    link = secret_link_of(case)
    body = (
        "Nomor ruangannya C-201.\n\n"
        "Pada Sel, 3 Nov 2026, Aspirasi FT Unmul menulis:\n"
        f"> Buka kasus Anda: {link}\n"
    )
    reply = mail(sender="Siti <siti.lain@gmail.com>", subject="Re: Aspirasi Anda", body=body)
    received = receive_mail(reply, now=LATER)
    assert received.mail.outcome == InboundMail.Outcome.JOINED
    assert received.mail.aspiration == case
    assert case.clarifications.get().text == "Nomor ruangannya C-201."


def test_a_reply_quoting_the_secret_link_only_in_its_html_joins_the_case():
    case = opened(mail())
    html = f'<p>Ruang C-201.</p><blockquote><a href="{secret_link_of(case)}">Buka</a></blockquote>'
    reply = mail(subject="Re: Aspirasi Anda", body="Ruang C-201.", html=html)
    assert receive_mail(reply, now=LATER).mail.aspiration == case


def test_the_secret_link_of_an_anonymous_case_joins_nothing():
    case, secret = make_case(privacy=Privacy.ANONYMOUS, now=TUESDAY_9)
    link = reverse("public:track", args=[case.tracking_code, secret])
    received = receive_mail(mail(subject="Tambahan", body=f"Kasus saya: {link}"), now=LATER)
    # The sender's address must never be tied to a case that keeps no identity.
    assert received.mail.outcome == InboundMail.Outcome.OPENED
    assert received.mail.refers_to is None and not case.clarifications.exists()


def test_a_link_with_a_wrong_secret_joins_nothing():
    case = opened(mail())
    wrong = secret_link_of(case).rstrip("/")[:-4] + "AAAA/"
    received = receive_mail(mail(subject="Re: Aspirasi", body=f"> {wrong}"), now=LATER)
    assert received.mail.outcome == InboundMail.Outcome.OPENED
    assert received.mail.aspiration != case and not case.clarifications.exists()


def test_a_reply_to_our_receipt_joins_the_case_by_its_in_reply_to():
    case = opened(mail())
    ours = receipt_of(case).message_id
    reply = mail(
        subject="Re: Aspirasi Anda",
        body="Tambahan: ujiannya mata kuliah Statika.",
        headers={"In-Reply-To": ours, "References": ours},
    )
    received = receive_mail(reply, now=LATER)
    assert received.mail.outcome == InboundMail.Outcome.JOINED
    assert received.mail.aspiration == case
    assert case.clarifications.get().text == "Tambahan: ujiannya mata kuliah Statika."


def test_a_reply_threaded_only_through_references_joins_the_case():
    case = opened(mail())
    ours = receipt_of(case).message_id
    reply = mail(
        subject="Re: Aspirasi Anda",
        headers={"References": f"<first@students.unmul.ac.id> {ours} <other@example.com>"},
    )
    assert receive_mail(reply, now=LATER).mail.aspiration == case


def test_a_reply_from_another_address_opens_a_new_case_that_mentions_the_code():
    case = opened(mail())
    ours = receipt_of(case).message_id
    other = mail(
        sender="Budi <budi@example.com>",
        subject=f"Re: [{case.tracking_code}] Jadwal",
        body="Saya juga menunggu jadwal itu.",
        headers={"In-Reply-To": ours},
    )
    received = receive_mail(other, now=LATER)
    assert received.mail.outcome == InboundMail.Outcome.OPENED
    new = received.mail.aspiration
    assert new != case and received.mail.refers_to == case
    assert case.tracking_code in new.body
    assert new.customer_email == "budi@example.com"
    assert not case.clarifications.exists()
    # Budi gets a receipt for his own case only.
    assert receipt_of(new).to == "budi@example.com"
    assert case.tracking_code not in receipt_of(new).subject


def close_on_path_a(case, at=TUESDAY_9):
    return walk_case(case, path="A", start=at, texts={"response": "Jadwal diumumkan Senin depan."})


def test_a_reply_to_a_recently_closed_case_opens_a_follow_up_then_joins_it(officials):
    case = close_on_path_a(opened(mail()))
    assert case.status == Status.CLOSED
    code_subject = f"Re: [{case.tracking_code}] Jadwal"
    thread = in_thread_of(case)
    first = receive_mail(
        mail(subject=code_subject, body="Senin kapan?", headers=thread),
        now=LATER + dt.timedelta(days=2),
    )
    follow_up = first.mail.aspiration
    assert first.mail.outcome == InboundMail.Outcome.OPENED
    assert follow_up.follow_up_of == case and first.mail.refers_to == case
    assert follow_up.channel == Channel.EMAIL
    assert receipt_of(follow_up).to == CUSTOMER_ADDRESS
    # The next reply in the old thread belongs to the open follow-up, not to a third case.
    second = receive_mail(
        mail(subject=code_subject, body="Jam berapa?", headers=thread),
        now=LATER + dt.timedelta(days=3),
    )
    assert second.mail.outcome == InboundMail.Outcome.JOINED
    assert second.mail.aspiration == follow_up
    assert Aspiration.objects.count() == 2


def test_a_reply_to_a_case_closed_long_ago_opens_a_new_case_that_mentions_the_code(officials):
    case = close_on_path_a(opened(mail()))
    late = receive_mail(
        mail(
            subject=f"Re: [{case.tracking_code}] Jadwal",
            body="Masih belum jelas.",
            headers=in_thread_of(case),
        ),
        now=LATER + dt.timedelta(days=20),
    )
    new = late.mail.aspiration
    assert late.mail.outcome == InboundMail.Outcome.OPENED
    assert new.follow_up_of is None and late.mail.refers_to == case
    assert case.tracking_code in new.body and "14" in new.body


def test_a_reply_to_a_case_closed_as_spam_opens_a_new_case_not_a_follow_up(officials):
    case = act(opened(mail()), "spam", ActionInput(reason="Iklan."))
    reply = receive_mail(
        mail(subject="Re: Jadwal", body="Kenapa ditutup?", headers=in_thread_of(case)), now=LATER
    )
    new = reply.mail.aspiration
    assert reply.mail.outcome == InboundMail.Outcome.OPENED
    assert new.follow_up_of is None and case.tracking_code in new.body


def test_a_case_takes_one_follow_up_only(officials):
    case = close_on_path_a(opened(mail()))
    subject, thread = f"Re: [{case.tracking_code}] Jadwal", in_thread_of(case)
    first = receive_mail(mail(subject=subject, body="Senin kapan?", headers=thread), now=LATER)
    follow_up = first.mail.aspiration
    assert follow_up.follow_up_of == case
    walk_case(follow_up, path="A", texts={"response": "Senin pukul 8."})
    again = receive_mail(mail(subject=subject, body="Dan ruangannya?", headers=thread), now=LATER)
    assert again.mail.aspiration.follow_up_of is None
    assert Aspiration.objects.filter(follow_up_of=case).count() == 1


def test_the_quoted_thread_is_left_out_of_a_clarification():
    case = opened(mail())
    body = (
        "Mata kuliahnya Statika.\n\n"
        "Pada Sel, 3 Nov 2026 pukul 09.00, Aspirasi FT Unmul <\n"
        "aspirasi@ft.unmul.ac.id> menulis:\n"
        "> Aspirasi Anda telah kami terima.\n"
        ">\n"
        "> Kode pelacakan: " + case.tracking_code + "\n"
    )
    receive_mail(
        mail(subject=f"Re: {case.tracking_code}", body=body, headers=in_thread_of(case)), now=LATER
    )
    assert case.clarifications.get().text == "Mata kuliahnya Statika."


DSN = b"""\
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.students.unmul.ac.id>
To: aspirasi@ft.unmul.ac.id
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"
Message-ID: <dsn.1@mx.students.unmul.ac.id>

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.students.unmul.ac.id

Final-Recipient: rfc822; siti.rahma@students.unmul.ac.id
Action: failed
Status: 5.1.1

--B
Content-Type: text/rfc822-headers

Subject: CODE
In-Reply-To: REF

--B--
"""


def test_a_bounce_of_our_receipt_is_set_aside_without_a_case_or_a_reply():
    case = opened(mail())
    messages = Message.objects.count()
    bounce = DSN.replace(b"CODE", case.tracking_code.encode()).replace(
        b"REF", receipt_of(case).message_id.encode()
    )
    received = receive_mail(bounce, now=LATER)
    assert received.mail.outcome == InboundMail.Outcome.SET_ASIDE
    assert received.mail.reason == InboundMail.Reason.BOUNCE
    assert "multipart/report" in received.mail.note
    assert received.mail.aspiration is None
    assert Aspiration.objects.count() == 1 and not case.clarifications.exists()
    assert Message.objects.count() == messages
    assert bytes(received.mail.raw) == bounce


def test_an_out_of_office_reply_in_the_thread_is_set_aside_without_a_reply():
    case = opened(mail())
    ours = receipt_of(case).message_id
    messages = Message.objects.count()
    away = mail(
        subject=f"Automatic reply: [{case.tracking_code}] Aspirasi Anda",
        body="Saya sedang cuti sampai 10 November.",
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": ours},
    )
    received = receive_mail(away, now=LATER)
    assert (received.mail.outcome, received.mail.reason) == ("set_aside", "auto_reply")
    assert not case.clarifications.exists()
    assert Message.objects.count() == messages


@pytest.mark.parametrize(
    "headers, reason",
    [
        ({"X-Autoreply": "yes"}, "auto_reply"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"List-Id": "<mahasiswa.ft.unmul.ac.id>"}, "bulk"),
        ({"Return-Path": "<>"}, "bounce"),
    ],
)
def test_machine_mail_is_set_aside_for_a_stated_reason(headers, reason):
    received = receive_mail(mail(headers=headers), now=TUESDAY_9)
    assert (received.mail.outcome, received.mail.reason) == ("set_aside", reason)
    assert not Aspiration.objects.exists() and not Message.objects.exists()


def test_our_own_message_coming_back_is_set_aside():
    case = opened(mail())
    receipt = receipt_of(case)
    looped = mail(
        sender="Aspirasi FT Unmul <aspirasi@ft.unmul.ac.id>",
        subject=receipt.subject,
        message_id=receipt.message_id,
    )
    received = receive_mail(looped, now=LATER)
    assert (received.mail.outcome, received.mail.reason) == ("set_aside", "loop")


UNDECODABLE = (
    b"From: Siti <siti.rahma@students.unmul.ac.id>\r\n"
    b"Subject: Keluhan \xe9\xff toilet gedung\r\n"
    b"Message-ID: <broken.1@students.unmul.ac.id>\r\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Toilet lantai 2 rusak \xff\xfe\x00 sejak Senin.\r\n"
)


def test_a_message_whose_text_cannot_be_decoded_is_kept_with_what_could_be_read():
    received = receive_mail(UNDECODABLE, now=TUESDAY_9)
    case = received.mail.aspiration
    assert received.mail.outcome == "opened"
    assert "Toilet lantai 2 rusak" in case.body and "sejak Senin." in case.body
    assert "\x00" not in case.body
    assert case.subject.startswith("Keluhan") and case.subject.endswith("toilet gedung")
    assert "x-no-such-charset" in received.mail.note
    assert bytes(received.mail.raw) == UNDECODABLE


def test_an_html_only_email_is_read_as_text():
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>Lampu <b>kelas</b> "
        "mati &amp; AC bocor.</p><p>Ruang C-201.</p><script>x()</script></body></html>"
    )
    case = opened(mail(body=html, subtype="html"))
    assert case.body == "Lampu kelas mati & AC bocor.\n\nRuang C-201."


def test_the_same_message_delivered_twice_is_taken_once():
    raw = mail()
    first = receive_mail(raw, now=TUESDAY_9)
    again = receive_mail(raw, now=LATER)
    # The same message through another route gains trace headers; it is still the same.
    rerouted = b"Received: from imap.ft.unmul.ac.id by localhost\r\n" + raw
    third = receive_mail(rerouted, now=LATER)
    assert not first.duplicate and again.duplicate and third.duplicate
    assert again.mail == first.mail == third.mail
    assert InboundMail.objects.count() == 1 and Aspiration.objects.count() == 1
    assert Message.objects.filter(kind="receipt").count() == 1


def test_an_email_without_a_usable_sender_still_opens_a_case_but_gets_no_receipt():
    raw = mail(sender="Big Bug bb@bug")
    received = receive_mail(raw, now=TUESDAY_9)
    case = received.mail.aspiration
    assert received.mail.outcome == "opened" and case.customer_email == ""
    assert "no usable address" in received.mail.note
    assert not Message.objects.filter(kind="receipt").exists()


def test_empty_input_is_not_a_message():
    with pytest.raises(NotAMessage):
        receive_mail(b"  \r\n", now=TUESDAY_9)
    assert not InboundMail.objects.exists()


def test_a_failure_while_opening_the_case_still_keeps_the_message(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(intake, "submit_aspiration", broken)
    raw = mail()
    received = receive_mail(raw, now=TUESDAY_9)
    assert (received.mail.outcome, received.mail.reason) == ("set_aside", "failed")
    assert "a fault of ours" in received.mail.note
    assert bytes(received.mail.raw) == raw
    assert not Aspiration.objects.exists()


BOUNCE_TEXT = (
    "This is the mail system at host mx.students.unmul.ac.id.\n\n"
    "I'm sorry to have to inform you that your message could not be delivered.\n"
)


@pytest.mark.parametrize(
    "headers, subject, rule",
    [
        # Postfix's pipe (flags=R) and local delivery write the null sender so.
        ({"Return-Path": "<MAILER-DAEMON>"}, "Pesan Anda", "Return-Path"),
        ({"Return-Path": "MAILER-DAEMON"}, "Pesan Anda", "Return-Path"),
        ({"Return-Path": "<MAILER-DAEMON@mx.students.unmul.ac.id>"}, "Pesan Anda", "Return-Path"),
        ({"Return-Path": "MAILER-DAEMON@mx.students.unmul.ac.id"}, "Pesan Anda", "Return-Path"),
        ({"Return-Path": "< >"}, "Pesan Anda", "Return-Path"),
        ({"X-Failed-Recipients": CUSTOMER_ADDRESS}, "Pesan Anda", "X-Failed-Recipients"),
        ({}, "Undelivered Mail Returned to Sender", "Subject"),
        ({}, "Delivery Status Notification (Failure)", "Subject"),
    ],
)
def test_a_bounce_in_any_form_opens_no_case_and_queues_nothing(headers, subject, rule):
    case = opened(mail())
    messages = Message.objects.count()
    # It quotes our receipt, link and all: recognised as a person's mail it would join the case.
    bounce = mail(
        sender="Sistem Surat <sistem@mx.students.unmul.ac.id>",
        subject=subject,
        body=BOUNCE_TEXT + f"> {secret_link_of(case)}\n",
        headers={**in_thread_of(case), **headers},
    )
    received = receive_mail(bounce, now=LATER)
    assert (received.mail.outcome, received.mail.reason) == ("set_aside", "bounce")
    assert received.mail.note.startswith(f"set aside by {rule}")
    assert Aspiration.objects.count() == 1 and not case.clarifications.exists()
    assert Message.objects.count() == messages


DSN_IN_MIXED = b"""\
Return-Path: <postmaster@mx.students.unmul.ac.id>
From: Gateway <gateway@mx.students.unmul.ac.id>
To: aspirasi@ft.unmul.ac.id
Subject: Pemberitahuan
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="M"
Message-ID: <dsn.mixed@mx.students.unmul.ac.id>

--M
Content-Type: text/plain

Your message could not be delivered.

--M
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.students.unmul.ac.id

Final-Recipient: rfc822; siti.rahma@students.unmul.ac.id
Action: failed
Status: 5.1.1

--M--
"""


def test_a_delivery_report_inside_a_mixed_message_is_a_bounce():
    received = receive_mail(DSN_IN_MIXED, now=TUESDAY_9)
    assert (received.mail.outcome, received.mail.reason) == ("set_aside", "bounce")
    assert "message/delivery-status" in received.mail.note
    assert not Aspiration.objects.exists() and not Message.objects.exists()


def test_a_bounce_a_person_forwards_opens_a_case():
    forwarded = EmailMessage()
    forwarded["From"] = CUSTOMER
    forwarded["To"] = "aspirasi@ft.unmul.ac.id"
    forwarded["Subject"] = "Surel saya ke dosen selalu gagal"
    forwarded["Message-ID"] = "<fwd.1@students.unmul.ac.id>"
    forwarded.set_content("Kenapa surel saya ke dosen Teknik Sipil ditolak?")
    forwarded.add_attachment(
        email.message_from_bytes(DSN_IN_MIXED.replace(b"multipart/mixed", b"multipart/report"))
    )
    received = receive_mail(forwarded.as_bytes(), now=TUESDAY_9)
    assert received.mail.outcome == "opened", received.mail.note
    assert "ditolak" in received.mail.aspiration.body


def test_eight_bit_text_without_a_charset_is_read_by_a_best_guess():
    def raw(charset_line: bytes, body: bytes) -> bytes:
        return (
            b"From: Andr\xe9 Wijaya <andre@students.unmul.ac.id>\n"
            b"Subject: Caf\xc3\xa9 kantin\nMIME-Version: 1.0\n"
            + charset_line
            + b"Content-Transfer-Encoding: 8bit\n\n"
            + body
        )

    utf8 = opened(raw(b"Content-Type: text/plain\n", b"Kopi di caf\xc3\xa9 kantin mahal.\n"))
    western = opened(
        raw(b"Content-Type: text/plain; charset=us-ascii\n", b"Kopi di caf\xe9 kantin mahal.\n")
    )
    mislabelled = opened(
        raw(b"Content-Type: text/plain; charset=utf-8\n", b"Kopi di caf\xe9 \x93kantin\x94.\n")
    )
    assert utf8.body == western.body == "Kopi di café kantin mahal."
    assert mislabelled.body == "Kopi di café “kantin”."
    assert utf8.customer_name == "André Wijaya" and utf8.subject == "Café kantin"
