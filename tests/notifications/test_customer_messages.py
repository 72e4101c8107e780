"""What the customer is told, through a real SMTP server on loopback: the receipt with the
tracking code and secret link, each response, the closing, the survey invitation. In Indonesian,
or in English when the customer wrote in English; nothing at all to an anonymous customer."""

import datetime as dt

import pytest
from django.utils import translation

from aspirasi.cases.choices import Privacy, Status
from aspirasi.cases.engine import ActionInput as T
from aspirasi.notifications.models import Kind, Message
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, act, make_case, walk_case, walked

pytestmark = pytest.mark.django_db

SITE = "https://aspirasi.ft.example"
LOOKUP = f"{SITE}/lacak/"


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
    case = walked(
        path="A",
        texts={"response": "Jadwal diumumkan Senin depan."},
        case_options={"privacy": Privacy.ANONYMOUS, "customer_email": "hidden@example.com"},
    )
    drain()
    assert case.customer_email == ""
    assert not Message.objects.filter(aspiration=case).exists()
    assert mail_server.received == []


def test_path_a_the_clerks_response_says_closed_and_invites_to_the_survey(
    officials, mail_server, drain
):
    case, secret = make_case(customer_email="siti@example.ac.id")
    walk_case(case, path="A", texts={"response": "Jadwal diumumkan Senin depan."})
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


def test_path_b_the_vice_deans_response_then_the_closing_once_the_dean_receives_the_report(
    officials, mail_server, drain
):
    case = walked(
        until="report",
        vice_dean="wd1",
        texts={"response": "Ujian susulan tanggal 10 pukul 08.00."},
        case_options={"customer_email": "siti@example.ac.id"},
    )
    assert kinds_sent_to("siti@example.ac.id") == ["receipt", "response_given"]
    walk_case(case, path="B")  # reported to the Dean, who receives the report
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
    walked(
        path="C",
        vice_dean="wd2",
        texts={"response": "Rancangan tanggapan Wakil Dekan."},
        inputs={"respond": T(text="Keringanan UKT disetujui 50%.")},
        case_options={"category_code": "keuangan", "customer_email": "siti@example.ac.id"},
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
    assert "Rancangan tanggapan Wakil Dekan." not in mails[1].text  # the Dean's, not the draft
    with translation.override("id"):
        dean = str(current_sop().positions["dekan"].name)
    # Who responded: the Dean, not a vice dean.
    assert any(line.endswith(f": {dean}") for line in mails[1].text.splitlines())


def test_closures_outside_the_flow_explain_themselves_without_a_survey(
    officials, mail_server, drain
):
    original, _ = make_case(customer_email="first@example.com")
    repeat, _ = make_case(customer_email="again@example.com")
    act(repeat, "duplicate", T(reason="Sama.", duplicate_of=original.tracking_code))
    elsewhere, _ = make_case(customer_email="elsewhere@example.com")
    act(elsewhere, "outside_remit", T(reason="Hubungi Biro Akademik Universitas."))
    spam, _ = make_case(customer_email="spam@example.com")
    act(spam, "spam", T(reason="Iklan."))
    drain()
    assert kinds_sent_to("again@example.com") == ["receipt", "case_closed"]
    assert original.tracking_code in mail_server.to("again@example.com")[1].text
    assert kinds_sent_to("elsewhere@example.com") == ["receipt", "case_closed"]
    assert "Hubungi Biro Akademik Universitas." in mail_server.to("elsewhere@example.com")[1].text
    # A spammer hears nothing beyond the automatic receipt.
    assert kinds_sent_to("spam@example.com") == ["receipt"]


@pytest.mark.parametrize("closure", ["outside_remit", "withdrawn", "duplicate", "spam"])
def test_a_closure_outside_the_flow_tells_the_customer_what_the_sop_file_says(
    closure, officials, mail_server, drain
):
    definition = current_sop().closures[closure]
    original, _ = make_case(customer_email="first@example.com")
    reason = "Hubungi Biro Akademik Universitas."
    names_the_original = "duplicate_of" in definition.requires
    data = T(reason=reason, duplicate_of=original.tracking_code if names_the_original else "")
    # Closed midway along the flow, by whoever holds the case there.
    case = walked(until="forward", case_options={"customer_email": "closed@example.com"})
    case = act(case, closure, data)
    assert case.closure == closure and case.current_step is None
    drain()
    if not definition.tells_customer:  # spam: the sender learns nothing beyond the receipt
        assert kinds_sent_to("closed@example.com") == ["receipt"]
        assert len(mail_server.to("closed@example.com")) == 1
        return
    assert kinds_sent_to("closed@example.com") == ["receipt", "case_closed"]  # no survey
    _receipt, closed = mail_server.to("closed@example.com")
    assert closed.language == "id" and case.tracking_code in closed.subject
    with translation.override("id"):
        assert definition.customer_message in closed.text  # the SOP file's own words
    # The reason is passed on only where the SOP file says so (outside_remit: where to turn).
    assert (reason in closed.text) is definition.shares_reason
    # A duplicate names the case to follow instead.
    assert (original.tracking_code in closed.text) is names_the_original


def test_a_deferral_with_a_holding_message_e_mails_the_customer_that_message(
    officials, mail_server, drain
):
    holding = "Jadwal ujian susulan sedang disusun prodi; kabar berikutnya paling lambat Jumat."
    case, secret = make_case(customer_email="siti@example.ac.id")
    case = walk_case(case, via=["defer"], inputs={"defer": T(holding_message=holding)})
    assert case.status == Status.OPEN and case.step.action("defer") is None  # the case goes on
    assert kinds_sent_to("siti@example.ac.id") == ["receipt", Kind.HOLDING_MESSAGE]
    drain()
    _receipt, mail = mail_server.to("siti@example.ac.id")
    assert mail.language == "id"
    assert case.tracking_code in mail.subject
    assert holding in mail.text and holding in mail.html
    assert LOOKUP in mail.text and secret not in mail.text


@pytest.mark.parametrize("holding", ["", "   "])
def test_a_deferral_without_a_holding_message_sends_the_customer_nothing(
    holding, officials, mail_server, drain
):
    case = walked(
        via=["defer"],
        inputs={"defer": T(holding_message=holding)},
        case_options={"customer_email": "siti@example.ac.id"},
    )
    assert case.status == Status.OPEN
    drain()
    assert kinds_sent_to("siti@example.ac.id") == ["receipt"]
    assert len(mail_server.to("siti@example.ac.id")) == 1


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
