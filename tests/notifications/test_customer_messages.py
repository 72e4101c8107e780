"""What the customer is told, through a real SMTP server on loopback: the receipt with the
tracking code and secret link, each response, the closing, the survey invitation. In Indonesian,
or in English when the customer wrote in English; nothing at all to an anonymous customer."""

import datetime as dt

import pytest

from aspirasi.cases.choices import Privacy
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.engine import perform, receive_report, report_to_dean
from aspirasi.notifications.models import Message
from tests.factories import TUESDAY_9, make_case, walk

pytestmark = pytest.mark.django_db

SITE = "https://aspirasi.ft.example"
LOOKUP = f"{SITE}/lacak/"


def to_step_9(case, o, vice_dean="wd1"):
    return walk(
        case,
        [
            (o["clerk"], "receive", None),
            (o["clerk"], "defer", None),
            (o["clerk"], "prepare_supporting_info", T(text="Jadwal dari prodi terlampir.")),
            (o["clerk"], "hand_over", None),
            (o["kabag"], "acknowledge", None),
            (o["kabag"], "validate", None),
            (o["kabag"], "forward", T(vice_dean=vice_dean)),
        ],
    )


def kinds_sent_to(address: str) -> list[str]:
    return list(Message.objects.filter(to=address).order_by("id").values_list("kind", flat=True))


def test_customer_receives_receipt_with_tracking_code_and_secret_link(
    officials, mail_server, drain
):
    case, secret = make_case(customer_email="siti@example.ac.id")
    drain()
    [mail] = mail_server.to("siti@example.ac.id")
    link = f"{SITE}/lacak/{case.tracking_code}/{secret}/"
    assert case.tracking_code in mail.subject
    assert "Aspirasi Anda telah diterima" in mail.subject
    assert mail.language == "id"
    assert link in mail.text and case.tracking_code in mail.text
    assert f'href="{link}"' in mail.html
    assert "Yth. Siti Rahma" in mail.text


def test_receipt_body_is_forgotten_once_delivered(officials, mail_server, drain):
    case, secret = make_case(customer_email="siti@example.ac.id")
    message = Message.objects.get(kind="receipt", aspiration=case)
    assert secret in message.text_body  # it waits with the link until it has left
    drain()
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.sent_at is not None
    assert message.text_body == "" and message.html_body == ""
    assert not Message.objects.filter(text_body__contains=secret).exists()
    [mail] = mail_server.received
    assert secret in mail.text


def test_customer_who_wrote_in_english_is_answered_in_english(officials, mail_server, drain):
    case, _ = make_case(customer_email="guest@example.com", language="en")
    drain()
    [mail] = mail_server.to("guest@example.com")
    assert (
        mail.subject
        == f"[Aspirasi FT Unmul] Your aspiration has been received: {case.tracking_code}"
    )
    assert mail.language == "en"
    assert "Dear Siti Rahma," in mail.text


def test_anonymous_customer_gets_nothing(officials, mail_server, drain):
    case, _ = make_case(privacy=Privacy.ANONYMOUS, customer_email="hidden@example.com")
    case = walk(
        case,
        [
            (officials["clerk"], "receive", None),
            (officials["clerk"], "answer", T(text="Jadwal diumumkan Senin depan.")),
        ],
    )
    drain()
    assert case.customer_email == ""
    assert not Message.objects.filter(aspiration=case).exists()
    assert mail_server.received == []


def test_path_a_response_says_closed_and_invites_to_the_survey(officials, mail_server, drain):
    case, secret = make_case(customer_email="siti@example.ac.id")
    walk(
        case,
        [
            (officials["clerk"], "receive", None),
            (officials["clerk"], "answer", T(text="Jadwal diumumkan Senin depan.")),
        ],
    )
    assert kinds_sent_to("siti@example.ac.id") == [
        "receipt",
        "response_given",
        "survey_invitation",
    ]
    drain()
    receipt, response, survey = mail_server.to("siti@example.ac.id")
    assert "Jadwal diumumkan Senin depan." in response.text
    assert "Kasus Anda kini ditutup." in response.text
    # Later messages have no secret (only its hash is kept): they link to the lookup page.
    assert LOOKUP in response.text and secret not in response.text
    assert case.tracking_code in survey.text and LOOKUP in survey.text
    assert "survei" in survey.subject.lower()


def test_path_b_response_then_closing_after_the_deans_receipt(officials, mail_server, drain):
    o = officials
    case, _ = make_case(customer_email="siti@example.ac.id")
    case = to_step_9(case, o)
    case = walk(
        case,
        [
            (o["wd1"], "acknowledge", None),
            (o["wd1"], "draft_response", T(text="Rancangan.")),
            (o["wd1"], "communicate", T(text="Ujian susulan tanggal 10 pukul 08.00.")),
        ],
        start=TUESDAY_9 + dt.timedelta(hours=8),
    )
    assert kinds_sent_to("siti@example.ac.id") == ["receipt", "response_given"]
    report = report_to_dean([case], o["wd1"], now=TUESDAY_9 + dt.timedelta(days=1))
    receive_report(report, o["dean"], now=TUESDAY_9 + dt.timedelta(days=1, hours=1))
    assert kinds_sent_to("siti@example.ac.id") == [
        "receipt",
        "response_given",
        "case_closed",
        "survey_invitation",
    ]
    drain()
    _receipt, response, closed, _survey = mail_server.to("siti@example.ac.id")
    assert "Ujian susulan tanggal 10 pukul 08.00." in response.text
    assert "Kasus Anda kini ditutup." not in response.text
    assert case.tracking_code in closed.subject and LOOKUP in closed.text


def test_path_c_the_deans_response_reaches_the_customer(officials, mail_server, drain):
    o = officials
    case, _ = make_case(category_code="keuangan", customer_email="siti@example.ac.id")
    case = to_step_9(case, o, vice_dean="wd2")
    walk(
        case,
        [
            (o["wd2"], "acknowledge", None),
            (o["wd2"], "draft_response", T(text="Rancangan tanggapan.")),
            (o["wd2"], "escalate", T(reason="Perlu keputusan Dekan.")),
            (o["dean"], "acknowledge", None),
            (o["dean"], "respond", T(text="Keringanan UKT disetujui 50%.")),
            (o["dean"], "send_to_vice_dean", None),
            (o["wd2"], "acknowledge", None),
            (o["wd2"], "deliver", None),
            (o["wd2"], "archive", None),
        ],
        start=TUESDAY_9 + dt.timedelta(hours=8),
    )
    drain()
    mails = mail_server.to("siti@example.ac.id")
    assert kinds_sent_to("siti@example.ac.id") == [
        "receipt",
        "response_given",
        "case_closed",
        "survey_invitation",
    ]
    assert "Keringanan UKT disetujui 50%." in mails[1].text
    assert "Dekan" in mails[1].text  # who responded


def test_closures_outside_the_flow_explain_themselves_without_a_survey(
    officials, mail_server, drain
):
    clerk = officials["clerk"]
    original, _ = make_case(customer_email="first@example.com")
    repeat, _ = make_case(customer_email="again@example.com")
    perform(repeat, clerk, "duplicate", T(reason="Sama.", duplicate_of=original.tracking_code))
    elsewhere, _ = make_case(customer_email="elsewhere@example.com")
    perform(elsewhere, clerk, "outside_remit", T(reason="Hubungi Biro Akademik Universitas."))
    spam, _ = make_case(customer_email="spam@example.com")
    perform(spam, clerk, "spam", T(reason="Iklan."))
    drain()
    assert kinds_sent_to("again@example.com") == ["receipt", "case_closed"]
    assert original.tracking_code in mail_server.to("again@example.com")[1].text
    assert kinds_sent_to("elsewhere@example.com") == ["receipt", "case_closed"]
    assert "Hubungi Biro Akademik Universitas." in mail_server.to("elsewhere@example.com")[1].text
    # A spammer hears nothing beyond the automatic receipt.
    assert kinds_sent_to("spam@example.com") == ["receipt"]


def test_aspiration_entered_by_the_clerk_still_gets_its_receipt(officials, mail_server, drain):
    case, secret = make_case(
        channel="telepon",
        entered_by=officials["clerk"],
        customer_email="phone@example.com",
        arrived_at=TUESDAY_9 - dt.timedelta(hours=1),
    )
    drain()
    [mail] = mail_server.to("phone@example.com")
    assert f"/lacak/{case.tracking_code}/{secret}/" in mail.text


def test_every_message_has_a_stable_message_id(officials, mail_server, drain):
    case, _ = make_case(customer_email="siti@example.ac.id")
    message = Message.objects.get(aspiration=case, kind="receipt")
    drain()
    [mail] = mail_server.received
    assert mail.message_id == message.message_id
    assert mail.message_id.startswith("<") and mail.message_id.endswith(">")
