"""What officials are told when a case reaches their desk (decision 11: a desk is a position, so
every holder and its acting official hear of it), in Indonesian, with a link to the case."""

import datetime as dt

import pytest
from django.urls import reverse

from aspirasi.cases.engine import report_to_dean
from aspirasi.cases.walking import holder_of
from aspirasi.notifications.models import Message
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, make_acting, make_case, make_official, walk_case, walked

pytestmark = pytest.mark.django_db

SITE = "https://aspirasi.ft.example"


@pytest.fixture
def desks(officials):
    for name, user in officials.items():
        user.email = f"{name}@ft.example"
        user.save()
    return officials


def kinds_for(user) -> list[str]:
    return list(Message.objects.filter(to=user.email).order_by("id").values_list("kind", flat=True))


def test_a_web_aspiration_is_announced_to_the_clerk(desks, mail_server, drain):
    case, _ = make_case()
    assert case.current_step == current_sop().entry_step.number
    drain()
    [mail] = mail_server.to(desks["clerk"].email)
    assert case.tracking_code in mail.subject and f"langkah {case.current_step}" in mail.subject
    assert f"{SITE}/meja/kasus/{case.tracking_code}/" in mail.text
    assert mail.language == "id"
    assert "Kasus baru untuk Anda" in mail.subject


def test_the_kabag_tu_and_the_acting_kabag_tu_hear_of_a_hand_over(desks, mail_server, drain):
    plh = make_official("plh_kabag", "wd3")
    plh.email = "plh@ft.example"
    plh.save()
    make_acting(plh, "kabag_tu", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    case = walked(via=["hand_over"])
    # The clerk heard of the new case once; moving it on within the same desk tells nobody.
    assert kinds_for(desks["clerk"]) == ["case_arrived"]
    assert kinds_for(desks["kabag"]) == ["case_arrived"]
    assert kinds_for(plh) == ["case_arrived"]
    drain()
    [mail] = mail_server.to("plh@ft.example")
    assert case.current_position == "kabag_tu"
    assert f"langkah {case.current_step}" in mail.subject


def test_the_clerk_who_types_in_an_aspiration_is_not_told_of_it(desks, mail_server, drain):
    second_clerk = make_official("kasubbag_b", "kasubbag")
    second_clerk.email = "kasubbag_b@ft.example"
    second_clerk.save()
    make_case(channel="telepon", entered_by=desks["clerk"], arrived_at=TUESDAY_9)
    assert kinds_for(desks["clerk"]) == []
    assert kinds_for(second_clerk) == ["case_arrived"]


def test_a_report_of_many_cases_reaches_the_dean_as_one_message(desks, mail_server, drain):
    o = desks
    cases = [walked(until="report", vice_dean="wd1") for _ in range(2)]
    report = report_to_dean(cases, o["wd1"], now=TUESDAY_9 + dt.timedelta(days=1))
    assert kinds_for(o["dean"]) == ["report_arrived"]
    drain()
    [mail] = mail_server.to(o["dean"].email)
    assert f"{SITE}/meja/laporan/{report.public_id}/" in mail.text


def test_an_official_without_an_address_is_skipped(officials, mail_server, drain):
    make_case()
    assert list(Message.objects.values_list("kind", flat=True)) == ["receipt"]


def test_the_customers_clarification_reaches_the_desk_holding_the_case(
    desks, client, mail_server, drain
):
    case, secret = make_case()
    case = walk_case(case, via=["hand_over"])
    holder = holder_of(case, TUESDAY_9.date())
    drain()
    client.post(
        reverse("public:clarify", args=[case.tracking_code, secret]),
        {"text": "Ruangnya B-204, lantai dua."},
    )
    drain()
    mails = [m for m in mail_server.to(holder.email) if "klarifikasi" in m.subject.lower()]
    assert len(mails) == 1
    assert "Ruangnya B-204" in mails[0].text
    assert f"{SITE}/meja/kasus/{case.tracking_code}/" in mails[0].text
    # Only the desk holding the case hears of it, not the clerk who handed it over.
    told = Message.objects.filter(kind="clarification").values_list("to", flat=True)
    assert list(told) == [holder.email]
    assert "clarification" not in kinds_for(desks["clerk"])
