"""Anyone can make the faculty mail an address, by writing from it or typing it into a form:
the messages sent to a customer by themselves (receipt, lost links, survey invitation) are
limited per address and hour and day (ASPIRASI_MAIL_LIMITS). One over the limit is recorded as
held, with its reason, never sent, and shown on the case page; the case itself is kept. What an
official writes to the customer is never held back."""

import datetime as dt

import pytest
from django.urls import reverse

from aspirasi.cases.models import Aspiration
from aspirasi.mailintake.intake import receive_mail
from aspirasi.notifications.models import Kind, Message
from aspirasi.public.services import send_links_again
from tests.factories import TUESDAY_9, make_case, walk_case
from tests.mailintake.mails import mail

pytestmark = pytest.mark.django_db

VICTIM = "korban@example.ac.id"
MINUTE = dt.timedelta(minutes=1)


def limits(settings, per_hour: int, per_day: int) -> None:
    settings.ASPIRASI_MAIL_LIMITS = {"PER_HOUR": per_hour, "PER_DAY": per_day}


def states(kind: str = Kind.RECEIPT) -> list[tuple[str, str]]:
    messages = Message.objects.filter(to=VICTIM, kind=kind).order_by("id")
    return [(m.state, m.held_reason) for m in messages]


PENDING, HELD_HOUR, HELD_DAY = ("pending", ""), ("held", "hour"), ("held", "day")


def test_forged_e_mails_open_their_cases_but_mail_one_address_no_more_than_the_limit(
    settings, client, officials, mail_server, drain
):
    limits(settings, per_hour=5, per_day=20)
    # Twelve e-mails in a few minutes, each with the victim's address forged into From.
    for n in range(12):
        forged = mail(sender=f"Korban <{VICTIM}>", subject=f"Keluhan {n}", body=f"Isi {n}.")
        receive_mail(forged, now=TUESDAY_9 + n * MINUTE)
    assert Aspiration.objects.filter(customer_email=VICTIM).count() == 12
    assert states() == [PENDING] * 5 + [HELD_HOUR] * 7
    held = Message.objects.filter(state="held")
    assert not held.exclude(text_body="").exists()  # no secret link kept for nothing

    drain()
    assert len(mail_server.to(VICTIM)) == 5
    assert held.count() == 7  # the worker never takes a held message

    last = Aspiration.objects.order_by("id").last()
    client.force_login(officials["clerk"])
    page = client.get(reverse("desk:case", args=[last.tracking_code])).content.decode()
    assert 'id="held-mail"' in page
    first = Aspiration.objects.order_by("id").first()
    page = client.get(reverse("desk:case", args=[first.tracking_code])).content.decode()
    assert 'id="held-mail"' not in page


def test_the_daily_limit_holds_what_the_hourly_one_lets_through(settings):
    limits(settings, per_hour=5, per_day=3)
    for n in range(4):
        make_case(customer_email=VICTIM, now=TUESDAY_9 + n * dt.timedelta(hours=2))
    assert states() == [PENDING] * 3 + [HELD_DAY]


def test_held_messages_do_not_count_so_the_address_gets_mail_again_after_the_hour(settings):
    limits(settings, per_hour=1, per_day=20)
    for minutes in (0, 10, 20, 65):
        make_case(customer_email=VICTIM, now=TUESDAY_9 + minutes * MINUTE)
    assert states() == [PENDING, HELD_HOUR, HELD_HOUR, PENDING]


def test_no_limit_when_set_to_zero(settings):
    limits(settings, per_hour=0, per_day=0)
    for n in range(8):
        make_case(customer_email=VICTIM, now=TUESDAY_9 + n * MINUTE)
    assert states() == [PENDING] * 8


def test_lost_link_mails_count_against_the_limit(settings):
    limits(settings, per_hour=2, per_day=20)
    make_case(customer_email=VICTIM, now=TUESDAY_9)
    for n in range(1, 3):
        send_links_again(VICTIM, link_for=lambda c, s: f"/{c}/{s}/", now=TUESDAY_9 + n * MINUTE)
    assert states() == [PENDING]
    assert states(Kind.LOST_LINKS) == [PENDING, HELD_HOUR]
    assert Message.objects.get(state="held").text_body == ""


def test_an_officials_response_still_reaches_an_address_over_its_limit(
    settings, officials, mail_server, drain
):
    limits(settings, per_hour=1, per_day=1)
    case, _secret = make_case(customer_email=VICTIM, now=TUESDAY_9)
    make_case(customer_email=VICTIM, now=TUESDAY_9 + MINUTE)
    walk_case(case, path="A", start=TUESDAY_9, texts={"response": "Jadwal diumumkan Senin."})

    kinds = dict(Message.objects.filter(to=VICTIM, aspiration=case).values_list("kind", "state"))
    assert kinds == {
        Kind.RECEIPT: "pending",
        Kind.RESPONSE_GIVEN: "pending",  # the official's answer: never held back
        Kind.SURVEY_INVITATION: "held",
    }
    drain()
    delivered = {m.message_id.strip() for m in mail_server.to(VICTIM)}
    wanted = Message.objects.filter(to=VICTIM, kind__in=[Kind.RECEIPT, Kind.RESPONSE_GIVEN])
    assert delivered == {m.message_id for m in wanted.filter(aspiration=case)}
