"""Every message in its reader's language: officials choose theirs (Indonesian unless they chose
English), customers get the language of their case, and an e-mail that says it is written in
English (Content-Language) opens an English case."""

import datetime as dt

import pytest
from django.utils import translation

from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.engine import report_to_dean
from aspirasi.cases.walking import holder_of
from aspirasi.mailintake.intake import receive_mail
from aspirasi.notifications.compose import standard_text
from aspirasi.notifications.digest import send_daily_digests
from aspirasi.officials.models import LanguagePreference
from tests.factories import TUESDAY_9, WITA, act, make_case, walk_case, walked
from tests.mailintake.mails import mail

pytestmark = pytest.mark.django_db

SITE = "https://aspirasi.ft.example"


@pytest.fixture
def desks(officials):
    for name, user in officials.items():
        user.email = f"{name}@ft.example"
        user.save()
    return officials


def prefers_english(user) -> None:
    LanguagePreference.objects.create(user=user, language="en")


def test_an_official_who_prefers_english_hears_of_a_new_case_in_english(desks, mail_server, drain):
    prefers_english(desks["clerk"])
    case, _ = make_case(customer_email="siti@example.ac.id")  # an Indonesian customer
    drain()
    [arrived] = mail_server.to("clerk@ft.example")
    assert arrived.language == "en"
    assert arrived.subject == (
        f"[Aspirasi FT Unmul] New case at your desk: {case.tracking_code}, step {case.current_step}"
    )
    with translation.override("en"):
        standard = standard_text(case.step.time.text)  # "10 menit": "10 working minutes"
    assert "Dear Clerk," in arrived.text and f"Time standard: {standard}" in arrived.text
    assert f"{SITE}/meja/kasus/{case.tracking_code}/" in arrived.text
    [receipt] = mail_server.to("siti@example.ac.id")
    assert receipt.language == "id"  # the customer keeps the case's language


def test_an_english_digest_next_to_an_indonesian_one(desks, mail_server, drain):
    prefers_english(desks["clerk"])
    first, _ = make_case(now=dt.datetime(2026, 11, 6, 9, 0, tzinfo=WITA))
    second, _ = make_case(now=dt.datetime(2026, 11, 6, 10, 0, tzinfo=WITA))
    third = walked(via=["hand_over"], start=dt.datetime(2026, 11, 6, 10, 30, tzinfo=WITA))
    next_desk = holder_of(third, dt.date(2026, 11, 9))
    assert send_daily_digests(now=dt.datetime(2026, 11, 9, 7, 30, tzinfo=WITA)) == 2
    drain()
    [digest] = [m for m in mail_server.to("clerk@ft.example") if "today" in m.subject]
    assert digest.language == "en"
    assert digest.subject == "[Aspirasi FT Unmul] What waits for you today: 2 cases"
    assert "2 cases wait for you today, the most urgent first:" in digest.text
    assert "overdue" in digest.text and f"step {first.current_step}" in digest.text
    assert first.tracking_code in digest.text and second.tracking_code in digest.text
    assert "November 2026" in digest.text  # dates in English too
    [other] = [m for m in mail_server.to(next_desk.email) if "hari ini" in m.subject]
    assert other.language == "id" and third.tracking_code in other.text


def test_the_dean_who_prefers_english_receives_a_report_in_english(desks, mail_server, drain):
    o = desks
    prefers_english(o["dean"])
    case = walked(until="report", vice_dean="wd1")
    report = report_to_dean([case], o["wd1"], now=TUESDAY_9 + dt.timedelta(days=1))
    drain()
    [mail_to_dean] = mail_server.to("dean@ft.example")
    assert mail_to_dean.language == "en"
    assert "waits for your receipt" in mail_to_dean.subject
    assert f"{SITE}/meja/laporan/{report.public_id}/" in mail_to_dean.text


def test_an_english_customer_gets_response_closing_and_survey_in_english(
    officials, mail_server, drain
):
    answered, _ = make_case(customer_email="guest@example.com", language="en")
    walk_case(answered, path="A", texts={"response": "The schedule is announced next Monday."})
    elsewhere, _ = make_case(customer_email="visitor@example.com", language="en")
    act(elsewhere, "outside_remit", T(reason="Ask the university's bureau."))
    drain()
    _receipt, response, survey = mail_server.to("guest@example.com")
    code = answered.tracking_code
    assert {response.language, survey.language} == {"en"}
    assert response.subject == f"[Aspirasi FT Unmul] A response to your aspiration {code}"
    assert "The faculty has responded to your aspiration" in response.text
    assert "The schedule is announced next Monday." in response.text
    assert "Your case is now closed." in response.text
    assert survey.subject == (
        f"[Aspirasi FT Unmul] How did we do? A short survey about case {code}"
    )
    assert "satisfaction survey" in survey.text and f"{SITE}/lacak/" in survey.text
    _receipt, closed = mail_server.to("visitor@example.com")
    assert closed.language == "en"
    assert closed.subject == f"[Aspirasi FT Unmul] Your case {elsewhere.tracking_code} is closed"
    assert "It lies outside the faculty's remit." in closed.text
    assert "Where to turn instead: Ask the university's bureau." in closed.text


def test_an_english_customer_gets_the_holding_message_in_english(officials, mail_server, drain):
    holding = "The exam schedule is being drawn up; we will write again by Friday."
    case = walked(
        via=["defer"],
        inputs={"defer": T(holding_message=holding)},
        case_options={"customer_email": "guest@example.com", "language": "en"},
    )
    drain()
    _receipt, held = mail_server.to("guest@example.com")
    assert held.language == "en"
    assert held.subject == (
        f"[Aspirasi FT Unmul] Your aspiration {case.tracking_code} is being handled"
    )
    assert "cannot be answered at once" in held.text and holding in held.text
    assert f"{SITE}/lacak/" in held.text


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("EN-gb, id", "en"),
        ("id", "id"),
        ("id, en", "id"),
        (None, "id"),
    ],
)
def test_an_email_in_english_opens_an_english_case(officials, header, language):
    raw = mail(subject="Exam schedule", body="When is the make-up exam?")
    if header:  # (set_content drops Content-* headers given before it)
        raw = f"Content-Language: {header}\n".encode() + raw
    case = receive_mail(raw, now=TUESDAY_9).mail.aspiration
    assert case.language == language
    assert case.messages.get(kind="receipt").language == language
